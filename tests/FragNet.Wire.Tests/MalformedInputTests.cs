using System.Buffers.Binary;

namespace FragNet.Wire.Tests;

/// <summary>
/// Bad input from the network is a <c>false</c> with a specific <see cref="DropReason"/>, never an exception: every
/// truncation of real packets, bad length fields, bad checksums, option overruns, for every parser.
/// </summary>
public sealed class MalformedInputTests
{
    private static readonly Ipv4Address A = Ipv4Address.Parse("10.0.0.1");
    private static readonly Ipv4Address B = Ipv4Address.Parse("10.0.0.2");

    /// <summary>Representative real frames: SYN (40-byte TCP header), pure ACK, WRITE data, and kernel ICMP/UDP/ARP.</summary>
    public static TheoryData<string, int> RealFrames() => new()
    {
        { "libnfs", 1 }, { "libnfs", 3 }, { "libnfs", 52 }, { "kernel", 1 }, { "kernel", 3 }, { "kernel", 6 },
        { "kernel", 9 }, { "kernel", 11 }, { "kernel", 14 }, { "kernel", 21 },
    };

    [Theory]
    [MemberData(nameof(RealFrames))]
    public void Every_truncation_of_a_real_frame_is_refused_with_the_reason_of_the_layer_it_cuts(string capture, int index)
    {
        byte[] frame = Frame(capture, index);
        for (int k = 0; k < frame.Length; k++)
        {
            ReadOnlySpan<byte> cut = frame.AsSpan(0, k);
            if (k < EthernetField.HeaderLength)
            {
                Assert.False(EthernetFrame.TryCreate(cut, out _, out DropReason reason));
                Assert.Equal(DropReason.PacketTooSmall, reason);
                continue;
            }

            Assert.True(EthernetFrame.TryCreate(cut, out EthernetFrame eth, out _));
            Assert.True(EthernetRepr.TryParse(eth, out EthernetRepr ethRepr, out _));
            DropReason expected;
            bool parsed;
            DropReason got;
            int m = k - EthernetField.HeaderLength;
            if (ethRepr.EtherType == EtherType.Arp)
            {
                expected = m < ArpField.FixedLength ? DropReason.PacketTooSmall : DropReason.BadLength;
                parsed = ArpPacket.TryCreate(eth.Payload, out _, out got);
            }
            else
            {
                expected = m < Ipv4Field.MinHeaderLength ? DropReason.PacketTooSmall : DropReason.BadLength;
                parsed = Ipv4Packet.TryCreate(eth.Payload, out _, out got);
            }

            Assert.False(parsed, $"cut at {k}");
            Assert.Equal(expected, got);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(52)]
    [InlineData(130)]
    public void Every_truncation_of_a_real_tcp_segment_is_too_small_a_bad_length_or_a_bad_checksum(int index)
    {
        byte[] segment = CompletedTcpSegment(index, out Ipv4Repr ip, out int headerLength);
        for (int k = 0; k < segment.Length; k++)
        {
            bool created = TcpPacket.TryCreate(segment.AsSpan(0, k), out TcpPacket view, out DropReason reason);
            if (k < TcpField.MinHeaderLength)
            {
                Assert.False(created);
                Assert.Equal(DropReason.PacketTooSmall, reason);
            }
            else if (k < headerLength)
            {
                Assert.False(created);
                Assert.Equal(DropReason.BadLength, reason);
            }
            else
            {
                Assert.True(created);
                Assert.False(TcpRepr.TryParse(view, ip.Source, ip.Destination, out _, out reason), $"cut at {k}");
                Assert.Equal(DropReason.TcpChecksum, reason);
            }
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(9)]
    [InlineData(11)]
    [InlineData(20)]
    public void Every_truncation_of_a_real_udp_datagram_is_too_small_or_a_bad_length(int index)
    {
        byte[] frame = Captures.KernelFrame(index);
        (DecodedFrame d, UdpRepr udp) = Frames.ParseUdp(frame);
        for (int k = 0; k < udp.BufferLength; k++)
        {
            Assert.False(UdpPacket.TryCreate(frame.AsSpan(d.TransportOffset, k), out _, out DropReason reason));
            Assert.Equal(k < UdpField.HeaderLength ? DropReason.PacketTooSmall : DropReason.BadLength, reason);
        }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(6)]
    [InlineData(8)]
    public void Every_truncation_of_a_real_icmp_message_is_too_small_fails_its_checksum_or_fails_its_quote(int index)
    {
        byte[] frame = Captures.KernelFrame(index);
        (DecodedFrame d, Icmpv4Repr icmp) = Frames.ParseIcmp(frame);
        for (int k = 0; k < icmp.BufferLength; k++)
        {
            bool created = Icmpv4Packet.TryCreate(frame.AsSpan(d.TransportOffset, k), out Icmpv4Packet view, out DropReason reason);
            if (k < Icmpv4Field.HeaderLength)
            {
                Assert.False(created);
                Assert.Equal(DropReason.PacketTooSmall, reason);
                continue;
            }

            Assert.True(created);
            bool parsed = Icmpv4Repr.TryParse(view, out _, out reason);
            if (InternetChecksum.Sum(view.Buffer) != 0xFFFF)
            {
                Assert.False(parsed, $"cut at {k}");
                Assert.Equal(DropReason.IcmpChecksum, reason);
            }
            else
            {
                // The cut removed bytes that sum to zero (the quoted echo carries its own valid checksum, so cutting
                // it off whole leaves the outer sum unchanged): then the quote is what fails, or nothing does.
                bool quoteCut = icmp.IsError && k < icmp.HeaderLength + Icmpv4Field.QuotedDataLength;
                Assert.Equal(!quoteCut, parsed);
                Assert.Equal(quoteCut ? DropReason.PacketTooSmall : DropReason.NotDroppedYet, reason);
            }

            // With the checksum put right, an error cut inside its quote fails on the quote instead.
            if (icmp.IsError && k < icmp.HeaderLength + Icmpv4Field.QuotedDataLength)
            {
                byte[] fixedUp = frame.AsSpan(d.TransportOffset, k).ToArray();
                FixIcmpChecksum(fixedUp);
                Assert.True(Icmpv4Packet.TryCreate(fixedUp, out view, out _));
                Assert.False(Icmpv4Repr.TryParse(view, out _, out reason));
                Assert.Equal(DropReason.PacketTooSmall, reason);
            }
        }
    }

    [Theory]
    [InlineData(0x65, DropReason.IpVersionOrHeaderLength)] // version 6
    [InlineData(0x44, DropReason.IpVersionOrHeaderLength)] // IHL 4
    [InlineData(0x40, DropReason.IpVersionOrHeaderLength)] // IHL 0
    [InlineData(0x47, DropReason.BadLength)]               // IHL 7: a 28-byte header past the 24-byte total length
    [InlineData(0x4F, DropReason.BadLength)]               // IHL 15: 60-byte header in a 28-byte buffer
    public void A_bad_version_or_header_length_is_refused(byte versionAndIhl, DropReason expected)
    {
        byte[] datagram = Datagram(payloadLength: 4);
        datagram[0] = versionAndIhl;
        Assert.False(Ipv4Packet.TryCreate(datagram, out _, out DropReason reason));
        Assert.Equal(expected, reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(19)]
    [InlineData(29)]
    [InlineData(65535)]
    public void A_total_length_below_the_header_or_past_the_buffer_is_a_bad_length(int totalLength)
    {
        byte[] datagram = Datagram(payloadLength: 4);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)totalLength);
        Assert.False(Ipv4Packet.TryCreate(datagram, out _, out DropReason reason));
        Assert.Equal(DropReason.BadLength, reason);
    }

    [Fact]
    public void A_bad_header_checksum_is_an_ip_checksum_drop()
    {
        byte[] datagram = Datagram(payloadLength: 4);
        datagram[8] ^= 1; // TTL changed without updating the checksum
        Assert.True(Ipv4Packet.TryCreate(datagram, out Ipv4Packet view, out _));
        Assert.False(view.VerifyChecksum());
        Assert.False(Ipv4Repr.TryParse(view, out _, out DropReason reason));
        Assert.Equal(DropReason.IpChecksum, reason);
    }

    [Theory]
    [InlineData("07000000")]         // option length 0
    [InlineData("07010000")]         // option length 1
    [InlineData("01010107")]         // a kind with no length byte at the end
    [InlineData("94050000")]         // runs one byte past the options
    [InlineData("01830C04000000000000000000000000")] // control: NOP and a 12-byte loose source route that fits
    public void Malformed_options_in_a_header_with_a_good_checksum_are_an_option_drop_and_well_formed_ones_parse(string hex)
    {
        byte[] options = Convert.FromHexString(hex);
        bool wellFormed = hex == "01830C04000000000000000000000000";
        byte[] datagram = new byte[20 + options.Length + 4];
        new Ipv4Repr(A, B, IpProtocol.Udp, 4).Emit(datagram);
        datagram[0] = (byte)(0x40 | ((20 + options.Length) / 4));
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)datagram.Length);
        options.CopyTo(datagram, 20);
        FixIpChecksum(datagram);
        Assert.True(Ipv4Packet.TryCreate(datagram, out Ipv4Packet view, out _));
        Assert.True(view.VerifyChecksum());
        Assert.Equal(wellFormed, Ipv4Repr.TryParse(view, out _, out DropReason reason));
        if (!wellFormed)
        {
            Assert.Equal(DropReason.IpOptionMalformed, reason);
        }
    }

    [Fact]
    public void A_bad_icmp_checksum_is_an_icmp_checksum_drop()
    {
        byte[] message = Captures.KernelFrame(3).AsSpan(34).ToArray();
        message[^1] ^= 0x80;
        Assert.True(Icmpv4Packet.TryCreate(message, out Icmpv4Packet view, out _));
        Assert.False(Icmpv4Repr.TryParse(view, out _, out DropReason reason));
        Assert.Equal(DropReason.IcmpChecksum, reason);
        Assert.True(Icmpv4Repr.TryParse(view, out _, out _, verifyChecksum: false));
    }

    [Theory]
    [InlineData("quoted version 6", DropReason.IpVersionOrHeaderLength)]
    [InlineData("quoted IHL 3", DropReason.IpVersionOrHeaderLength)]
    [InlineData("quoted IHL past the message", DropReason.PacketTooSmall)]
    [InlineData("quoted total length below its header", DropReason.BadLength)]
    [InlineData("quoted options malformed", DropReason.IpOptionMalformed)]
    [InlineData("seven bytes of original data", DropReason.PacketTooSmall)]
    [InlineData("no quoted header", DropReason.PacketTooSmall)]
    public void An_icmp_error_with_a_bad_quote_is_dropped_even_with_a_good_checksum(string what, DropReason expected)
    {
        var original = new Ipv4Repr(A, B, IpProtocol.Udp, 8) { Options = Ipv4Options.Create([1, 1, 1, 1]) };
        var error = Icmpv4Repr.DestinationUnreachable(Icmpv4UnreachableCode.PortUnreachable, original, 8);
        byte[] message = new byte[error.BufferLength];
        error.Emit(message);
        switch (what)
        {
            case "quoted version 6": message[8] = 0x66; break;
            case "quoted IHL 3": message[8] = 0x43; break;
            case "quoted IHL past the message": message[8] = 0x4F; break;
            case "quoted total length below its header": BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(10), 23); break;
            case "quoted options malformed": message[28] = 0x44; break;
            case "seven bytes of original data": message = message[..^1]; break;
            case "no quoted header": message = message[..27]; break;
        }

        FixIcmpChecksum(message);
        Assert.True(Icmpv4Packet.TryCreate(message, out Icmpv4Packet view, out _));
        Assert.False(Icmpv4Repr.TryParse(view, out _, out DropReason reason), what);
        Assert.Equal(expected, reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(65535)]
    public void A_udp_length_below_8_or_past_the_buffer_is_a_bad_length(int length)
    {
        var datagram = new byte[12];
        new UdpRepr(1, 2, 4).Emit(datagram, A, B);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)length);
        Assert.False(UdpPacket.TryCreate(datagram, out _, out DropReason reason));
        Assert.Equal(DropReason.BadLength, reason);
    }

    [Fact]
    public void A_bad_udp_checksum_is_a_udp_checksum_drop()
    {
        byte[] frame = (byte[])Captures.KernelFrame(9).Clone();
        frame[^1] ^= 0x01;
        (_, Ipv4Repr ip) = Frames.ParseIp(frame);
        Assert.True(UdpPacket.TryCreate(frame.AsSpan(34), out UdpPacket view, out _));
        Assert.False(UdpRepr.TryParse(view, ip.Source, ip.Destination, out _, out DropReason reason));
        Assert.Equal(DropReason.UdpChecksum, reason);
    }

    [Theory]
    [InlineData(0x00, DropReason.Malformed)]
    [InlineData(0x40, DropReason.Malformed)]
    [InlineData(0x60, DropReason.BadLength)]
    [InlineData(0xF0, DropReason.BadLength)]
    public void A_tcp_data_offset_below_5_or_past_the_buffer_is_refused(byte dataOffset, DropReason expected)
    {
        byte[] segment = CompletedTcpSegment(3, out _, out _); // a 32-byte pure ACK
        segment[12] = dataOffset;
        Assert.False(TcpPacket.TryCreate(segment.AsSpan(0, 20), out _, out DropReason reason));
        Assert.Equal(expected, reason);
    }

    [Fact]
    public void A_bad_tcp_checksum_is_a_tcp_checksum_drop()
    {
        byte[] segment = CompletedTcpSegment(52, out Ipv4Repr ip, out _);
        segment[^1] ^= 0x10;
        Assert.True(TcpPacket.TryCreate(segment, out TcpPacket view, out _));
        Assert.False(TcpRepr.TryParse(view, ip.Source, ip.Destination, out _, out DropReason reason));
        Assert.Equal(DropReason.TcpChecksum, reason);
    }

    [Theory]
    [InlineData("020405B4" + "0402080A" + "00000000" + "00000000" + "01030B07")] // window scale length 11 overruns
    [InlineData("0101080A" + "00000000")]                                         // timestamps cut by the data offset
    [InlineData("02050000" + "00000000")]                                         // MSS of length 5
    [InlineData("05010000")]                                                      // SACK of length 1
    [InlineData("01010101" + "01010101" + "01010101" + "0101FE2C")]               // an unknown kind overrunning by 28
    public void Malformed_tcp_options_in_a_segment_with_a_good_checksum_are_an_option_drop(string hex)
    {
        byte[] options = Convert.FromHexString(hex);
        int headerLength = 20 + ((options.Length + 3) & ~3);
        var segment = new byte[headerLength];
        new TcpRepr { SourcePort = 1, DestinationPort = 2, Flags = TcpFlags.Syn }.Emit(segment, A, B);
        segment[12] = (byte)((headerLength / 4) << 4);
        options.CopyTo(segment, 20);
        if (options.Length % 4 != 0)
        {
            segment[12] = (byte)(((20 + options.Length) / 4) << 4); // a data offset that cuts the last option
        }

        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), 0);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), Ipv4PseudoHeader.Compute(A, B, IpProtocol.Tcp, segment));
        Assert.True(TcpPacket.TryCreate(segment, out TcpPacket view, out _));
        Assert.False(TcpRepr.TryParse(view, A, B, out _, out DropReason reason));
        Assert.Equal(DropReason.TcpOptionMalformed, reason);
    }

    [Fact]
    public void A_transport_view_longer_than_any_ipv4_payload_is_a_bad_length()
    {
        var huge = new byte[70000];
        new TcpRepr { SourcePort = 1, DestinationPort = 2 }.Emit(huge, A, B);
        Assert.True(TcpPacket.TryCreate(huge, out TcpPacket tcp, out _));
        Assert.False(TcpRepr.TryParse(tcp, A, B, out _, out DropReason reason, verifyChecksum: false));
        Assert.Equal(DropReason.BadLength, reason);
        Assert.True(Icmpv4Packet.TryCreate(huge, out Icmpv4Packet icmp, out _));
        Assert.False(Icmpv4Repr.TryParse(icmp, out _, out reason, verifyChecksum: false));
        Assert.Equal(DropReason.BadLength, reason);
    }

    private static byte[] Frame(string capture, int index) =>
        capture == "libnfs" ? Captures.LibnfsToGanesha[index - 1].Data : Captures.KernelFrame(index);

    /// <summary>The TCP segment of a libnfs frame with its checksum completed in software (the capture holds partial
    /// checksums; see <see cref="LibnfsCaptureTests"/>).</summary>
    private static byte[] CompletedTcpSegment(int index, out Ipv4Repr ip, out int headerLength)
    {
        byte[] frame = Captures.LibnfsToGanesha[index - 1].Data;
        (DecodedFrame d, TcpRepr tcp) = Frames.ParseTcp(frame, verifyTcpChecksum: false);
        byte[] segment = frame.AsSpan(d.TransportOffset, d.Ip.PayloadLength).ToArray();
        tcp.Emit(segment, d.Ip.Source, d.Ip.Destination);
        ip = d.Ip;
        headerLength = tcp.HeaderLength;
        return segment;
    }

    private static byte[] Datagram(int payloadLength)
    {
        var repr = new Ipv4Repr(A, B, IpProtocol.Udp, payloadLength);
        var datagram = new byte[repr.BufferLength + 4]; // room past the total length, as Ethernet padding leaves
        repr.Emit(datagram);
        return datagram;
    }

    private static void FixIpChecksum(byte[] datagram)
    {
        int headerLength = (datagram[0] & 0xF) * 4;
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(10), 0);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(10), InternetChecksum.Compute(datagram.AsSpan(0, headerLength)));
    }

    private static void FixIcmpChecksum(byte[] message)
    {
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), 0);
        BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), InternetChecksum.Compute(message));
    }
}
