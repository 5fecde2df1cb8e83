namespace FragNet.Wire.Tests;

public sealed class EthernetArpTests
{
    private static readonly EthernetAddress Mac1 = EthernetAddress.Parse("02:00:00:00:00:01");
    private static readonly EthernetAddress Mac2 = EthernetAddress.Parse("02:00:00:00:00:02");

    [Fact]
    public void An_ethernet_header_emits_destination_source_and_type_in_that_order()
    {
        var frame = new byte[14];
        new EthernetRepr(Mac1, Mac2, EtherType.Ipv4).Emit(frame);
        Assert.Equal("020000000002" + "020000000001" + "0800", Convert.ToHexString(frame));
        Assert.True(EthernetFrame.TryCreate(frame, out EthernetFrame view, out _));
        Assert.Equal(Mac2, view.Destination);
        Assert.Equal(Mac1, view.Source);
        Assert.True(view.Payload.IsEmpty);
        Assert.True(EthernetRepr.TryParse(view, out EthernetRepr repr, out _));
        Assert.Equal(new EthernetRepr(Mac1, Mac2, EtherType.Ipv4), repr);
    }

    [Fact]
    public void An_unknown_ethertype_survives_parse_and_emit()
    {
        var repr = new EthernetRepr(Mac1, Mac2, (EtherType)0x88CC); // LLDP
        var frame = new byte[60];
        repr.Emit(frame);
        Assert.True(EthernetFrame.TryCreate(frame, out EthernetFrame view, out _));
        Assert.True(EthernetRepr.TryParse(view, out EthernetRepr back, out _));
        Assert.Equal(repr, back);
        Assert.Equal(46, view.Payload.Length);
    }

    [Fact]
    public void An_ieee_802_3_length_in_the_type_field_is_not_ethernet_ii()
    {
        var frame = new byte[60];
        new EthernetRepr(Mac1, Mac2, (EtherType)46).Emit(frame);
        Assert.True(EthernetFrame.TryCreate(frame, out EthernetFrame view, out _));
        Assert.False(EthernetRepr.TryParse(view, out _, out DropReason reason));
        Assert.Equal(DropReason.UnknownLinkProtocol, reason);
    }

    [Fact]
    public void Emitting_into_too_small_a_buffer_is_a_caller_bug()
    {
        Assert.Throws<ArgumentException>(() => new EthernetRepr(Mac1, Mac2, EtherType.Arp).Emit(new byte[13]));
        Assert.Throws<ArgumentException>(() => new ArpRepr(ArpOperation.Request, Mac1, Ipv4Address.Loopback, default, Ipv4Address.Loopback).Emit(new byte[27]));
    }

    [Fact]
    public void An_arp_request_has_the_rfc_826_layout_for_ethernet_and_ipv4()
    {
        var request = new ArpRepr(ArpOperation.Request, Mac1, Ipv4Address.Parse("10.0.0.1"), EthernetAddress.Zero, Ipv4Address.Parse("10.0.0.2"));
        var bytes = new byte[request.BufferLength];
        request.Emit(bytes);
        Assert.Equal("0001" + "0800" + "06" + "04" + "0001" + "020000000001" + "0A000001" + "000000000000" + "0A000002", Convert.ToHexString(bytes));
        Assert.True(ArpPacket.TryCreate(bytes, out ArpPacket view, out _));
        Assert.Equal(ArpField.HardwareTypeEthernet, view.HardwareType);
        Assert.Equal(EtherType.Ipv4, view.ProtocolType);
        Assert.Equal(28, view.Length);
        Assert.True(ArpRepr.TryParse(view, out ArpRepr back, out _));
        Assert.Equal(request, back);
    }

    [Fact]
    public void An_arp_reply_padded_to_the_ethernet_minimum_parses_the_same()
    {
        var reply = new ArpRepr(ArpOperation.Reply, Mac2, Ipv4Address.Parse("10.0.0.2"), Mac1, Ipv4Address.Parse("10.0.0.1"));
        var bytes = new byte[46];
        reply.Emit(bytes);
        Assert.True(ArpPacket.TryCreate(bytes, out ArpPacket view, out _));
        Assert.True(ArpRepr.TryParse(view, out ArpRepr back, out _));
        Assert.Equal(reply, back);
    }

    [Theory]
    [InlineData(0, "0006")] // IEEE 802 hardware
    [InlineData(2, "86DD")] // IPv6 protocol
    [InlineData(4, "08")]   // hardware length 8
    [InlineData(5, "10")]   // protocol length 16
    public void Arp_for_other_hardware_or_protocols_is_dropped_as_an_unknown_link_protocol(int offset, string hex)
    {
        var bytes = new byte[80];
        new ArpRepr(ArpOperation.Request, Mac1, Ipv4Address.Loopback, default, Ipv4Address.Loopback).Emit(bytes);
        Convert.FromHexString(hex).CopyTo(bytes, offset);
        Assert.True(ArpPacket.TryCreate(bytes, out ArpPacket view, out _));
        Assert.False(ArpRepr.TryParse(view, out _, out DropReason reason));
        Assert.Equal(DropReason.UnknownLinkProtocol, reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)] // RARP request
    [InlineData(8)] // InARP request
    public void An_arp_opcode_other_than_request_or_reply_is_malformed(int op)
    {
        var bytes = new byte[28];
        new ArpRepr((ArpOperation)op, Mac1, Ipv4Address.Loopback, default, Ipv4Address.Loopback).Emit(bytes);
        Assert.True(ArpPacket.TryCreate(bytes, out ArpPacket view, out _));
        Assert.Equal((ArpOperation)op, view.Operation);
        Assert.False(ArpRepr.TryParse(view, out _, out DropReason reason));
        Assert.Equal(DropReason.Malformed, reason);
    }

    [Fact]
    public void An_arp_packet_whose_address_lengths_run_past_the_buffer_is_a_bad_length()
    {
        var bytes = new byte[28];
        new ArpRepr(ArpOperation.Request, Mac1, Ipv4Address.Loopback, default, Ipv4Address.Loopback).Emit(bytes);
        bytes[ArpField.HardwareLength] = 7; // 8 + 2 × (7 + 4) = 30 > 28
        Assert.False(ArpPacket.TryCreate(bytes, out _, out DropReason reason));
        Assert.Equal(DropReason.BadLength, reason);
    }
}
