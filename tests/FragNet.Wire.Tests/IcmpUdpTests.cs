using System.Buffers.Binary;

namespace FragNet.Wire.Tests;

public sealed class IcmpUdpTests
{
    private static readonly Ipv4Address A = Ipv4Address.Parse("10.0.0.1");
    private static readonly Ipv4Address B = Ipv4Address.Parse("10.0.0.2");

    // ---- ICMP ----

    [Fact]
    public void An_echo_request_emits_type_8_identifier_sequence_and_a_checksum_over_header_and_data()
    {
        Icmpv4Repr echo = Icmpv4Repr.EchoRequest(0x1234, 7, 4);
        var message = new byte[echo.BufferLength];
        "ping"u8.CopyTo(message.AsSpan(echo.HeaderLength));
        echo.Emit(message);
        Assert.Equal("0800" + "06F4" + "1234" + "0007" + "70696E67", Convert.ToHexString(message));
        Assert.Equal(0, InternetChecksum.Compute(message));
        Assert.True(Icmpv4Packet.TryCreate(message, out Icmpv4Packet view, out _));
        Assert.Equal(0x1234, view.Identifier);
        Assert.Equal(7, view.SequenceNumber);
        Assert.Equal("ping"u8.ToArray(), view.Data.ToArray());
        Assert.True(Icmpv4Repr.TryParse(view, out Icmpv4Repr back, out _));
        Assert.Equal(echo, back);
        Assert.False(back.IsError);
    }

    [Fact]
    public void A_destination_unreachable_error_quotes_the_original_header_and_eight_bytes()
    {
        var original = new Ipv4Repr(A, B, IpProtocol.Udp, 100) { Identification = 42, DontFragment = true };
        var error = Icmpv4Repr.DestinationUnreachable(Icmpv4UnreachableCode.PortUnreachable, original, 8);
        Assert.Equal(8 + 20, error.HeaderLength);
        Assert.Equal(8 + 20 + 8, error.BufferLength);
        var message = new byte[error.BufferLength];
        new byte[] { 0x30, 0x39, 0x00, 0x35, 0x00, 0x6C, 0xAB, 0xCD }.CopyTo(message, error.HeaderLength); // UDP 12345 → 53
        error.Emit(message);
        Assert.Equal(3, message[0]);
        Assert.Equal(3, message[1]);
        Assert.True(Icmpv4Packet.TryCreate(message, out Icmpv4Packet view, out _));
        Assert.True(Ipv4Packet.TryCreateHeader(view.Data[..20], 120, out Ipv4Packet quoted, out _));
        Assert.True(quoted.VerifyChecksum());
        Assert.True(Icmpv4Repr.TryParse(view, out Icmpv4Repr back, out _));
        Assert.Equal(error, back);
        Assert.Equal(original, back.OriginalHeader);
        Assert.Equal(8, back.DataLength);
    }

    [Fact]
    public void A_fragmentation_needed_error_carries_the_next_hop_mtu_in_the_low_half_word()
    {
        var original = new Ipv4Repr(A, B, IpProtocol.Tcp, 1460) { DontFragment = true };
        var error = Icmpv4Repr.DestinationUnreachable(Icmpv4UnreachableCode.FragmentationNeeded, original, 8, nextHopMtu: 1400);
        var message = new byte[error.BufferLength];
        error.Emit(message);
        Assert.Equal(1400, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(6)));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(4)));
        Assert.True(Icmpv4Packet.TryCreate(message, out Icmpv4Packet view, out _));
        Assert.Equal(1400, view.NextHopMtu);
        Assert.True(Icmpv4Repr.TryParse(view, out Icmpv4Repr back, out _));
        Assert.Equal(1400, back.NextHopMtu);
        Assert.Throws<ArgumentException>(() => Icmpv4Repr.DestinationUnreachable(Icmpv4UnreachableCode.HostUnreachable, original, 8, nextHopMtu: 1400));
    }

    [Fact]
    public void A_time_exceeded_error_round_trips_with_its_quoted_header_and_options()
    {
        var original = new Ipv4Repr(A, B, IpProtocol.Icmp, 64, timeToLive: 1) { Options = Ipv4Options.Create([0x94, 4, 0, 0]) };
        var error = Icmpv4Repr.TimeExceeded(Icmpv4TimeExceededCode.FragmentReassemblyTimeExceeded, original, 64);
        Assert.Equal(8 + 24, error.HeaderLength);
        var message = new byte[error.BufferLength];
        error.Emit(message);
        Assert.True(Icmpv4Packet.TryCreate(message, out Icmpv4Packet view, out _));
        Assert.True(Icmpv4Repr.TryParse(view, out Icmpv4Repr back, out _));
        Assert.Equal(error, back);
        Assert.Equal((byte)Icmpv4TimeExceededCode.FragmentReassemblyTimeExceeded, back.Code);
    }

    [Theory]
    [InlineData(13, 0, 0x00010002u)] // timestamp request: identifier and sequence, then 12 bytes of timestamps
    [InlineData(5, 1, 0x0A000001u)]  // redirect for host, gateway 10.0.0.1: not interpreted, kept raw
    [InlineData(200, 77, 0xDEADBEEFu)] // an unassigned type
    public void An_uninterpreted_type_is_kept_raw_and_re_emitted_exactly(byte type, byte code, uint rest)
    {
        var raw = Icmpv4Repr.Raw((Icmpv4Type)type, code, rest, 12);
        var message = new byte[raw.BufferLength];
        for (int i = 8; i < message.Length; i++)
        {
            message[i] = (byte)(i * 3);
        }

        raw.Emit(message);
        byte[] first = (byte[])message.Clone();
        Assert.True(Icmpv4Packet.TryCreate(message, out Icmpv4Packet view, out _));
        Assert.True(Icmpv4Repr.TryParse(view, out Icmpv4Repr back, out _));
        Assert.Equal(raw, back);
        back.Emit(message);
        Assert.Equal(first, message);
    }

    [Fact]
    public void Echo_with_a_nonzero_code_keeps_its_code()
    {
        Icmpv4Repr odd = Icmpv4Repr.EchoRequest(1, 2, 0) with { Code = 9 };
        var message = new byte[8];
        odd.Emit(message);
        Assert.True(Icmpv4Packet.TryCreate(message, out Icmpv4Packet view, out _));
        Assert.True(Icmpv4Repr.TryParse(view, out Icmpv4Repr back, out _));
        Assert.Equal(odd, back);
    }

    [Fact]
    public void Misusing_the_icmp_factories_or_emit_throws()
    {
        var original = new Ipv4Repr(A, B, IpProtocol.Udp, 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => Icmpv4Repr.TimeExceeded(Icmpv4TimeExceededCode.TtlExceeded, original, 7));
        Assert.Throws<ArgumentException>(() => Icmpv4Repr.Raw(Icmpv4Type.TimeExceeded, 0, 0, 8));
        Assert.Throws<ArgumentException>(() => Icmpv4Repr.EchoReply(1, 1, 10).Emit(new byte[17]));
        Assert.Throws<ArgumentException>(() => Icmpv4Repr.EchoReply(1, 1, 0).Emit(new byte[8], ChecksumMode.Partial));
        Icmpv4Repr shortQuote = Icmpv4Repr.TimeExceeded(Icmpv4TimeExceededCode.TtlExceeded, original, 8) with { DataLength = 4 };
        Assert.Throws<InvalidOperationException>(() => shortQuote.Emit(new byte[64]));
    }

    // ---- UDP ----

    [Fact]
    public void A_udp_datagram_emits_ports_length_and_a_pseudo_header_checksum()
    {
        var udp = new UdpRepr(12345, 53, 5);
        var datagram = new byte[udp.BufferLength];
        "hello"u8.CopyTo(datagram.AsSpan(8));
        udp.Emit(datagram, A, B);
        Assert.Equal("3039" + "0035" + "000D", Convert.ToHexString(datagram.AsSpan(0, 6)));
        Assert.True(Ipv4PseudoHeader.Verify(A, B, IpProtocol.Udp, datagram));
        Assert.True(UdpPacket.TryCreate(datagram, out UdpPacket view, out _));
        Assert.Equal("hello"u8.ToArray(), view.Payload.ToArray());
        Assert.True(UdpRepr.TryParse(view, A, B, out UdpRepr back, out _));
        Assert.Equal(udp, back);
        Assert.False(UdpRepr.TryParse(view, B, Ipv4Address.Loopback, out _, out DropReason reason)); // other pseudo-header
        Assert.Equal(DropReason.UdpChecksum, reason);
    }

    [Fact]
    public void A_computed_zero_checksum_is_sent_as_all_ones_and_verifies()
    {
        // Two payload bytes equal to the checksum of the datagram with zero payload bring the sum to all ones.
        var udp = new UdpRepr(1, 2, 2);
        var datagram = new byte[udp.BufferLength];
        udp.Emit(datagram, A, B);
        ushort complement = BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(6));
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(8), complement);
        udp.Emit(datagram, A, B);
        Assert.Equal(0xFFFF, BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(6)));
        Assert.True(UdpPacket.TryCreate(datagram, out UdpPacket view, out _));
        Assert.True(UdpRepr.TryParse(view, A, B, out _, out _));
    }

    [Fact]
    public void A_zero_checksum_means_none_and_is_accepted_without_checking()
    {
        var udp = new UdpRepr(1, 2, 3);
        var datagram = new byte[udp.BufferLength];
        udp.Emit(datagram, A, B, ChecksumMode.Zero);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(6)));
        Assert.True(UdpPacket.TryCreate(datagram, out UdpPacket view, out _));
        Assert.True(UdpRepr.TryParse(view, Ipv4Address.Loopback, Ipv4Address.Broadcast, out UdpRepr back, out _));
        Assert.Equal(udp, back);
    }

    [Fact]
    public void A_partial_checksum_is_the_pseudo_header_sum_that_completing_in_software_finishes()
    {
        var udp = new UdpRepr(1000, 2000, 10);
        var datagram = new byte[udp.BufferLength];
        datagram.AsSpan(8).Fill(0x5A);
        udp.Emit(datagram, A, B, ChecksumMode.Partial);
        Assert.Equal(Ipv4PseudoHeader.Sum(A, B, IpProtocol.Udp, 18), BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(6)));

        // What a device does with CHECKSUM_PARTIAL: fold from the transport header, with the field as it is.
        ushort completed = InternetChecksum.Compute(datagram);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(6), completed);
        Assert.True(Ipv4PseudoHeader.Verify(A, B, IpProtocol.Udp, datagram));
    }

    [Fact]
    public void A_header_emitted_against_the_payload_sum_equals_one_emitted_over_the_payload()
    {
        var udp = new UdpRepr(5353, 5353, 333);
        var datagram = new byte[udp.BufferLength];
        new Random(3).NextBytes(datagram.AsSpan(8));
        udp.Emit(datagram, A, B);
        var header = new byte[8];
        udp.EmitHeader(header, InternetChecksum.Sum(datagram.AsSpan(8)), A, B);
        Assert.Equal(datagram.AsSpan(0, 8).ToArray(), header);
    }

    [Fact]
    public void Trailing_bytes_past_the_udp_length_are_ignored_and_a_header_only_view_needs_no_checksum_check()
    {
        var udp = new UdpRepr(7, 7, 4);
        var buffer = new byte[20];
        udp.Emit(buffer, A, B);
        Assert.True(UdpPacket.TryCreate(buffer, out UdpPacket view, out _));
        Assert.Equal(4, view.Payload.Length);
        Assert.True(UdpRepr.TryParse(view, A, B, out UdpRepr back, out _));
        Assert.Equal(udp, back);

        Assert.True(UdpPacket.TryCreateHeader(buffer.AsSpan(0, 8), 12, out UdpPacket header, out _));
        Assert.False(header.IsComplete);
        Assert.True(UdpRepr.TryParse(header, A, B, out back, out _, verifyChecksum: false));
        Assert.Equal(udp, back);
        Assert.Throws<ArgumentException>(() =>
        {
            UdpPacket.TryCreateHeader(buffer.AsSpan(0, 8), 12, out UdpPacket partial, out _);
            UdpRepr.TryParse(partial, A, B, out _, out _);
        });
    }

    [Fact]
    public void A_udp_destination_port_of_zero_is_malformed()
    {
        var udp = new UdpRepr(7, 0, 0);
        var datagram = new byte[8];
        udp.Emit(datagram, A, B);
        Assert.True(UdpPacket.TryCreate(datagram, out UdpPacket view, out _));
        Assert.False(UdpRepr.TryParse(view, A, B, out _, out DropReason reason));
        Assert.Equal(DropReason.Malformed, reason);
        Assert.Throws<ArgumentOutOfRangeException>(() => new UdpRepr(1, 1, 65528));
    }
}
