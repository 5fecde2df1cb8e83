namespace FragNet.Wire.Tests;

public sealed class Ipv4Tests
{
    private static readonly Ipv4Address Src = Ipv4Address.Parse("192.168.0.1");
    private static readonly Ipv4Address Dst = Ipv4Address.Parse("192.168.0.199");

    [Fact]
    public void The_classic_header_example_emits_with_checksum_b861()
    {
        // 4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7 (the standard worked example of the IPv4 checksum).
        var repr = new Ipv4Repr(Src, Dst, IpProtocol.Udp, 0x73 - 20) { DontFragment = true };
        var header = new byte[20];
        repr.Emit(header);
        Assert.Equal("45000073000040004011B861C0A80001C0A800C7", Convert.ToHexString(header));
    }

    [Fact]
    public void A_header_parses_back_to_every_field()
    {
        var repr = new Ipv4Repr(Src, Dst, IpProtocol.Tcp, 100, timeToLive: 17)
        {
            Dscp = 46, // expedited forwarding
            Ecn = 2,
            Identification = 0xBEEF,
            MoreFragments = true,
            FragmentOffset = 1480,
        };
        var datagram = new byte[repr.BufferLength];
        repr.Emit(datagram);
        Assert.True(Ipv4Packet.TryCreate(datagram, out Ipv4Packet view, out _));
        Assert.Equal(4, view.Version);
        Assert.Equal(20, view.HeaderLength);
        Assert.Equal(46, view.Dscp);
        Assert.Equal(2, view.Ecn);
        Assert.Equal(120, view.TotalLength);
        Assert.True(view.IsFragment);
        Assert.Equal(1480, view.FragmentOffset);
        Assert.True(view.VerifyChecksum());
        Assert.Equal(100, view.Payload.Length);
        Assert.True(Ipv4Repr.TryParse(view, out Ipv4Repr back, out _));
        Assert.Equal(repr, back);
    }

    [Fact]
    public void Trailing_ethernet_padding_past_the_total_length_is_ignored()
    {
        var repr = new Ipv4Repr(Src, Dst, IpProtocol.Icmp, 8);
        var frame = new byte[46]; // a 28-byte datagram in a minimum-size Ethernet payload
        repr.Emit(frame);
        frame.AsSpan(28).Fill(0xEE);
        Assert.True(Ipv4Packet.TryCreate(frame, out Ipv4Packet view, out _));
        Assert.Equal(8, view.Payload.Length);
        Assert.True(Ipv4Repr.TryParse(view, out Ipv4Repr back, out _));
        Assert.Equal(repr, back);
    }

    [Fact]
    public void A_header_only_view_checks_the_total_length_against_the_whole_packet()
    {
        var repr = new Ipv4Repr(Src, Dst, IpProtocol.Tcp, 1000);
        var header = new byte[20];
        repr.Emit(header);
        Assert.True(Ipv4Packet.TryCreateHeader(header, 1020, out Ipv4Packet view, out _));
        Assert.True(view.Payload.IsEmpty);
        Assert.True(Ipv4Repr.TryParse(view, out Ipv4Repr back, out _));
        Assert.Equal(repr, back);
        Assert.False(Ipv4Packet.TryCreateHeader(header, 1019, out _, out DropReason reason));
        Assert.Equal(DropReason.BadLength, reason);
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4Packet.TryCreateHeader(header, 19, out _, out _));
    }

    [Fact]
    public void Options_are_kept_raw_and_re_emitted_exactly()
    {
        // Router Alert (copied, RFC 2113), NOP, a Record Route with room for two addresses: 16 bytes, no padding.
        byte[] raw = Convert.FromHexString("94040000" + "01" + "070B04" + "0000000000000000");
        Ipv4Options options = Ipv4Options.Create(raw);
        Assert.Equal(16, options.Length);
        var repr = new Ipv4Repr(Src, Dst, IpProtocol.Igmp, 8) { Options = options };
        Assert.Equal(36, repr.HeaderLength);
        var datagram = new byte[repr.BufferLength];
        repr.Emit(datagram);
        Assert.Equal(0x49, datagram[0]); // IHL 9
        Assert.Equal(raw, datagram.AsSpan(20, 16).ToArray());
        Assert.True(Ipv4Packet.TryCreate(datagram, out Ipv4Packet view, out _));
        Assert.True(Ipv4Repr.TryParse(view, out Ipv4Repr back, out _));
        Assert.Equal(repr, back);
        Assert.Equal(raw, back.Options.Bytes.ToArray());

        var seen = new List<(byte, int)>();
        foreach (Ipv4Option option in back.Options)
        {
            seen.Add((option.Type, option.Data.Length));
        }

        Assert.Equal([(Ipv4OptionKind.RouterAlert, 2), (Ipv4OptionKind.RecordRoute, 9)], seen);
    }

    [Fact]
    public void Only_options_with_the_copied_flag_go_into_later_fragments()
    {
        Ipv4Options options = Ipv4Options.Create(Convert.FromHexString("070704000000000101" + "94040000" + "8307040A000001"));
        Ipv4Options copied = options.CopiedOptions();
        Assert.Equal("94040000" + "8307040A000001" + "00", Convert.ToHexString(copied.Bytes));
        Assert.Equal(12, copied.Length);
        var kinds = new List<byte>();
        foreach (Ipv4Option o in copied)
        {
            Assert.True(o.IsCopied);
            kinds.Add(o.Type);
        }

        Assert.Equal([Ipv4OptionKind.RouterAlert, Ipv4OptionKind.LooseSourceRoute], kinds);
        Assert.True(Ipv4Options.None.CopiedOptions().IsEmpty);
    }

    [Fact]
    public void Option_type_octets_split_into_copied_flag_class_and_number()
    {
        Ipv4Options ts = Ipv4Options.Create([Ipv4OptionKind.Timestamp, 4, 5, 0]);
        foreach (Ipv4Option o in ts)
        {
            Assert.False(o.IsCopied);
            Assert.Equal(2, o.Class); // debugging and measurement
            Assert.Equal(4, o.Number);
        }
    }

    [Theory]
    [InlineData("07")]          // missing length byte
    [InlineData("0701")]        // length below 2
    [InlineData("0700")]        // length 0
    [InlineData("070900000000")] // runs past the list
    public void A_malformed_option_list_cannot_be_created(string hex) =>
        Assert.Throws<ArgumentException>(() => Ipv4Options.Create(Convert.FromHexString(hex)));

    [Fact]
    public void Options_longer_than_40_bytes_cannot_be_created() =>
        Assert.Throws<ArgumentException>(() => Ipv4Options.Create(new byte[41]));

    [Fact]
    public void Invalid_field_values_are_refused_when_set()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ipv4Repr { Dscp = 64 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ipv4Repr { Ecn = 4 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ipv4Repr { FragmentOffset = 12 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ipv4Repr { FragmentOffset = 65536 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ipv4Repr { PayloadLength = -1 });
        var tooLong = new Ipv4Repr(Src, Dst, IpProtocol.Udp, 65516);
        Assert.Throws<InvalidOperationException>(() => tooLong.Emit(new byte[20]));
        Assert.Throws<ArgumentException>(() => new Ipv4Repr(Src, Dst, IpProtocol.Udp, 0).Emit(new byte[20], ChecksumMode.Partial));
        Assert.Throws<ArgumentException>(() => new Ipv4Repr(Src, Dst, IpProtocol.Udp, 0).Emit(new byte[19]));
    }

    [Fact]
    public void The_reserved_flag_is_ignored_on_receive_and_sent_as_zero()
    {
        var repr = new Ipv4Repr(Src, Dst, IpProtocol.Udp, 0);
        var header = new byte[20];
        repr.Emit(header);
        header[6] |= 0x80;
        header[10] = 0;
        header[11] = 0;
        ushort checksum = InternetChecksum.Compute(header);
        header[10] = (byte)(checksum >> 8);
        header[11] = (byte)checksum;
        Assert.True(Ipv4Packet.TryCreate(header, out Ipv4Packet view, out _));
        Assert.True(Ipv4Repr.TryParse(view, out Ipv4Repr back, out _));
        Assert.Equal(repr, back);
    }

    [Fact]
    public void A_zero_checksum_header_verifies_only_when_checking_is_skipped()
    {
        var repr = new Ipv4Repr(Src, Dst, IpProtocol.Udp, 0);
        var header = new byte[20];
        repr.Emit(header, ChecksumMode.Zero);
        Assert.Equal(0, header[10] | header[11]);
        Assert.True(Ipv4Packet.TryCreate(header, out Ipv4Packet view, out _));
        Assert.False(Ipv4Repr.TryParse(view, out _, out DropReason reason));
        Assert.Equal(DropReason.IpChecksum, reason);
        Assert.True(Ipv4Repr.TryParse(view, out Ipv4Repr back, out _, verifyChecksum: false));
        Assert.Equal(repr, back);
    }
}
