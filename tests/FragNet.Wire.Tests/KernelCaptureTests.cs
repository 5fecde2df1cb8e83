namespace FragNet.Wire.Tests;

/// <summary>Real kernel ARP, ICMP, UDP, IPv4 options and fragments (Fixtures/README.md lists the frames).</summary>
public sealed class KernelCaptureTests
{
    private static readonly EthernetAddress HostA = EthernetAddress.Parse("a2:04:15:e0:36:a2");
    private static readonly EthernetAddress Router = EthernetAddress.Parse("76:12:7a:83:bd:6a");
    private static readonly Ipv4Address A = Ipv4Address.Parse("10.99.1.2");
    private static readonly Ipv4Address R = Ipv4Address.Parse("10.99.1.1");
    private static readonly Ipv4Address B = Ipv4Address.Parse("10.99.2.2");

    [Fact]
    public void The_capture_holds_21_frames_none_cut_by_the_snap_length()
    {
        Assert.Equal(21, Captures.Kernel.Count);
        Assert.All(Captures.Kernel, r => Assert.Equal(r.OriginalLength, r.Data.Length));
    }

    [Fact]
    public void An_arp_request_and_reply_parse_to_their_addresses_and_re_emit_exactly()
    {
        ArpRepr request = ParseArp(Captures.KernelFrame(1), out EthernetRepr requestEth);
        Assert.Equal(EthernetAddress.Broadcast, requestEth.Destination);
        Assert.Equal(HostA, requestEth.Source);
        Assert.Equal(new ArpRepr(ArpOperation.Request, HostA, A, EthernetAddress.Zero, R), request);

        ArpRepr reply = ParseArp(Captures.KernelFrame(2), out EthernetRepr replyEth);
        Assert.Equal(HostA, replyEth.Destination);
        Assert.Equal(new ArpRepr(ArpOperation.Reply, Router, R, HostA, A), reply);

        foreach (int index in new[] { 1, 2 })
        {
            byte[] frame = Captures.KernelFrame(index);
            ArpRepr arp = ParseArp(frame, out EthernetRepr eth);
            var rebuilt = new byte[frame.Length];
            eth.Emit(rebuilt);
            arp.Emit(rebuilt.AsSpan(eth.HeaderLength));
            Assert.Equal(frame, rebuilt);
        }
    }

    [Fact]
    public void An_echo_request_and_its_reply_carry_identifier_sequence_and_data()
    {
        (DecodedFrame request, Icmpv4Repr echo) = Frames.ParseIcmp(Captures.KernelFrame(3));
        Assert.Equal(Icmpv4Type.EchoRequest, echo.Type);
        Assert.Equal(0, echo.Code);
        Assert.Equal(58397, echo.Identifier);
        Assert.Equal(1, echo.SequenceNumber);
        Assert.Equal(56, echo.DataLength);
        Assert.Equal(8, echo.HeaderLength);
        Assert.Equal(Enumerable.Range(0, 56).Select(i => (byte)i).ToArray(), Captures.KernelFrame(3).AsSpan(request.PayloadOffset, 56).ToArray());
        Assert.Equal(Icmpv4Repr.EchoRequest(58397, 1, 56), echo);

        (DecodedFrame response, Icmpv4Repr reply) = Frames.ParseIcmp(Captures.KernelFrame(4));
        Assert.Equal(Icmpv4Repr.EchoReply(58397, 1, 56), reply);
        Assert.Equal(B, response.Ip.Source);
        Assert.Equal(63, response.Ip.TimeToLive); // one router on the way back
    }

    [Fact]
    public void A_time_exceeded_error_quotes_the_expired_echo_request()
    {
        (_, Ipv4Repr expired) = Frames.ParseIp(Captures.KernelFrame(5));
        Assert.Equal(1, expired.TimeToLive);
        (DecodedFrame d, Icmpv4Repr error) = Frames.ParseIcmp(Captures.KernelFrame(6));
        Assert.Equal(R, d.Ip.Source);
        Assert.Equal(0x30, d.Ip.Dscp); // Linux sends ICMP errors with tos 0xc0 (precedence internetwork control)
        Assert.Equal(Icmpv4Type.TimeExceeded, error.Type);
        Assert.Equal((byte)Icmpv4TimeExceededCode.TtlExceeded, error.Code);
        Assert.True(error.IsError);
        Assert.Equal(expired, error.OriginalHeader);
        Assert.Equal(64, error.DataLength); // Linux quotes the whole 84-byte datagram, not just 8 bytes
        Assert.Equal(8 + 20, error.HeaderLength);
    }

    [Fact]
    public void A_port_unreachable_error_quotes_the_udp_header_that_caused_it()
    {
        (DecodedFrame sent, UdpRepr probe) = Frames.ParseUdp(Captures.KernelFrame(7));
        Assert.Equal(9, probe.DestinationPort);
        (DecodedFrame d, Icmpv4Repr error) = Frames.ParseIcmp(Captures.KernelFrame(8));
        Assert.Equal(B, d.Ip.Source);
        Assert.Equal(Icmpv4Type.DestinationUnreachable, error.Type);
        Assert.Equal((byte)Icmpv4UnreachableCode.PortUnreachable, error.Code);
        Assert.Equal(sent.Ip with { TimeToLive = 63 }, error.OriginalHeader); // quoted as b received it
        ReadOnlySpan<byte> quotedUdp = Captures.KernelFrame(8).AsSpan(d.PayloadOffset, error.DataLength);
        Assert.True(UdpPacket.TryCreateHeader(quotedUdp[..8], probe.BufferLength, out UdpPacket udp, out _));
        Assert.Equal(probe.SourcePort, udp.SourcePort);
        Assert.Equal(9, udp.DestinationPort);
    }

    [Fact]
    public void A_fragmentation_needed_error_carries_the_next_hop_mtu()
    {
        (DecodedFrame sent, _) = Frames.ParseUdp(Captures.KernelFrame(20));
        Assert.True(sent.Ip.DontFragment);
        Assert.Equal(1428, sent.Ip.TotalLength);
        (_, Icmpv4Repr error) = Frames.ParseIcmp(Captures.KernelFrame(21));
        Assert.Equal(Icmpv4Type.DestinationUnreachable, error.Type);
        Assert.Equal((byte)Icmpv4UnreachableCode.FragmentationNeeded, error.Code);
        Assert.Equal(1000, error.NextHopMtu);
        Assert.Equal(sent.Ip, error.OriginalHeader);
        Assert.Equal(576 - 20 - 8 - 20, error.DataLength); // Linux fills the error up to 576 bytes (RFC 1812 §4.3.2.3)
    }

    [Fact]
    public void Udp_datagrams_parse_with_valid_checksums_and_carry_their_data()
    {
        (DecodedFrame d, UdpRepr hello) = Frames.ParseUdp(Captures.KernelFrame(9));
        Assert.Equal(7777, hello.DestinationPort);
        Assert.Equal("hello fragnet"u8.ToArray(), Captures.KernelFrame(9).AsSpan(d.PayloadOffset, hello.PayloadLength).ToArray());
        (DecodedFrame r, UdpRepr reply) = Frames.ParseUdp(Captures.KernelFrame(10));
        Assert.Equal(new UdpRepr(7777, hello.SourcePort, 13), reply);
        Assert.Equal("HELLO FRAGNET"u8.ToArray(), Captures.KernelFrame(10).AsSpan(r.PayloadOffset, 13).ToArray());
    }

    [Fact]
    public void A_record_route_option_is_kept_raw_and_walks_as_one_option()
    {
        (DecodedFrame d, UdpRepr udp) = Frames.ParseUdp(Captures.KernelFrame(11));
        Ipv4Options options = d.Ip.Options;
        Assert.Equal(40, options.Length);
        Assert.Equal(60, d.Ip.HeaderLength);
        int count = 0;
        foreach (Ipv4Option option in options)
        {
            count++;
            Assert.Equal(Ipv4OptionKind.RecordRoute, option.Type);
            Assert.False(option.IsCopied);
            Assert.Equal(37, option.Data.Length);
            Assert.Equal(8, option.Data[0]); // pointer past the one address recorded so far
            Assert.Equal(A, new Ipv4Address(option.Data[1..]));
        }

        Assert.Equal(1, count);
        Assert.True(options.CopiedOptions().IsEmpty); // record route is not copied into fragments (RFC 791)
        Assert.Equal(17, udp.PayloadLength);
    }

    public static TheoryData<int> NonFragmentIpFrames() => new() { 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20, 21 };

    [Theory]
    [MemberData(nameof(NonFragmentIpFrames))]
    public void Every_unfragmented_ip_frame_re_emits_byte_for_byte(int index)
    {
        byte[] frame = Captures.KernelFrame(index);
        (_, Ipv4Repr ip) = Frames.ParseIp(frame);
        byte[] rebuilt = ip.Protocol switch
        {
            IpProtocol.Icmp => Rebuild(frame, Frames.ParseIcmp(frame)),
            IpProtocol.Udp => Rebuild(frame, Frames.ParseUdp(frame)),
            _ => throw new InvalidOperationException(ip.Protocol.ToString()),
        };
        Assert.Equal(Convert.ToHexString(frame), Convert.ToHexString(rebuilt));
    }

    [Fact]
    public void Kernel_fragments_have_aligned_offsets_and_more_fragments_on_all_but_the_last()
    {
        int[] requestOffsets = [.. new[] { 13, 14, 15 }.Select(i => Frames.ParseIp(Captures.KernelFrame(i)).Ip.FragmentOffset)];
        Assert.Equal([0, 1480, 2960], requestOffsets);
        int[] replyOffsets = [.. new[] { 16, 17, 18, 19 }.Select(i => Frames.ParseIp(Captures.KernelFrame(i)).Ip.FragmentOffset)];
        Assert.Equal([0, 976, 1952, 2928], replyOffsets);
        Assert.False(Frames.ParseIp(Captures.KernelFrame(15)).Ip.MoreFragments);
        Assert.True(Frames.ParseIp(Captures.KernelFrame(18)).Ip.MoreFragments);
    }

    private static byte[] Rebuild(byte[] frame, (DecodedFrame Frame, Icmpv4Repr Icmp) parsed) =>
        Frames.Rebuild(frame, parsed.Frame, message => parsed.Icmp.Emit(message));

    private static byte[] Rebuild(byte[] frame, (DecodedFrame Frame, UdpRepr Udp) parsed) =>
        Frames.Rebuild(frame, parsed.Frame, datagram => parsed.Udp.Emit(datagram, parsed.Frame.Ip.Source, parsed.Frame.Ip.Destination));

    private static ArpRepr ParseArp(byte[] frame, out EthernetRepr eth)
    {
        Assert.True(EthernetFrame.TryCreate(frame, out EthernetFrame view, out DropReason reason), reason.ToString());
        Assert.True(EthernetRepr.TryParse(view, out eth, out reason), reason.ToString());
        Assert.Equal(EtherType.Arp, eth.EtherType);
        Assert.True(ArpPacket.TryCreate(view.Payload, out ArpPacket arp, out reason), reason.ToString());
        Assert.True(ArpRepr.TryParse(arp, out ArpRepr repr, out reason), reason.ToString());
        return repr;
    }
}
