namespace FragNet.Wire.Tests;

/// <summary>
/// Real bytes: libnfs talking NFSv3 to nfs-ganesha over kernel TCP (shared/fixtures).
/// </summary>
/// <remarks>
/// The capture was taken on the sending side of a veth pair whose transmit checksum offload was still on: every
/// IPv4 header checksum is complete, but every TCP checksum field holds only the pseudo-header sum, as Linux leaves it
/// for a device to finish (<c>CHECKSUM_PARTIAL</c>; Wireshark flags all 130 as bad). The tests pin that down: the
/// fields equal <see cref="Ipv4PseudoHeader.Sum"/>, re-emitting with <see cref="ChecksumMode.Partial"/> reproduces the
/// frames byte for byte, and the checksum computed in software equals the one Wireshark calculates for each frame.
/// </remarks>
public sealed class LibnfsCaptureTests
{
    /// <summary><c>tshark -o tcp.check_checksum:TRUE -T fields -e tcp.checksum_calculated</c> for frames 1–130.</summary>
    private const string WiresharkChecksums =
        "db67 6531 924a f84b 9201 da19 91e6 ae06 8828 f748 8f23 90ce a2d2 9b33 c84c 2e4d c803 1019 c7e8 dc6e " +
        "b256 db73 8631 da9a 8557 de76 674d ded0 47af 64ba c481 ad48 93be 1139 6674 b643 5bbb 59d0 af38 0d03 " +
        "5143 1d86 ada7 7519 1c6d 4986 af76 493d 914c 4922 6531 3f5b ae73 4656 480a 16c3 08bd 35d6 9bc4 358b " +
        "7d97 3570 49e5 e8f3 48ea bcce 4811 bbf5 06f8 fab3 2fec c817 9255 bf6e 254c bf25 072a bf0a db06 b538 " +
        "2449 bc33 bdf2 5a3e 1818 4530 ab0c 44e7 8ce8 44cc 592e f844 5833 cc1f 5e08 2a59 e42f ab5e e356 aa8f " +
        "d0ef 30d2 1209 8f81 e4bd dfab 852b 2fe8 d80c 2d44 bcbe 0dbe 3ad7 0b45 3a7a a5af 3a4b 3a4a 3a48 3a49 " +
        "7cf6 adc4 dadc 0eb6 daae 3071 d9db d9da d9d8 d9d9";

    public static TheoryData<int> FrameIndices()
    {
        var data = new TheoryData<int>();
        for (int i = 1; i <= 130; i++)
        {
            data.Add(i);
        }

        return data;
    }

    [Fact]
    public void The_capture_holds_130_frames_none_cut_by_the_snap_length()
    {
        Assert.Equal(130, Captures.LibnfsToGanesha.Count);
        Assert.All(Captures.LibnfsToGanesha, r => Assert.Equal(r.OriginalLength, r.Data.Length));
    }

    [Theory]
    [MemberData(nameof(FrameIndices))]
    public void Every_frame_parses_as_ethernet_ipv4_tcp_with_a_valid_ip_checksum_and_a_partial_tcp_checksum(int index)
    {
        byte[] frame = Captures.LibnfsToGanesha[index - 1].Data;
        (DecodedFrame d, TcpRepr tcp) = Frames.ParseTcp(frame, verifyTcpChecksum: false); // ParseIp verifies the IPv4 checksum
        Assert.Equal(frame.Length, d.IpOffset + d.Ip.TotalLength);
        Assert.True(d.Ip.DontFragment);
        Assert.False(d.Ip.IsFragment);
        Assert.Contains(d.Ip.Source, new[] { Ipv4Address.Parse("10.77.0.1"), Ipv4Address.Parse("10.77.0.2") });
        Assert.NotNull(tcp.Options.Timestamp); // Linux stamps every segment of these connections

        Assert.True(TcpPacket.TryCreate(frame.AsSpan(d.TransportOffset, d.Ip.PayloadLength), out TcpPacket view, out _));
        Assert.Equal(Ipv4PseudoHeader.Sum(d.Ip.Source, d.Ip.Destination, IpProtocol.Tcp, tcp.BufferLength), view.Checksum);
        Assert.False(TcpRepr.TryParse(view, d.Ip.Source, d.Ip.Destination, out _, out DropReason reason));
        Assert.Equal(DropReason.TcpChecksum, reason);
    }

    [Theory]
    [MemberData(nameof(FrameIndices))]
    public void Every_frame_re_emits_byte_for_byte_from_its_reprs_and_payload(int index)
    {
        byte[] frame = Captures.LibnfsToGanesha[index - 1].Data;
        (DecodedFrame d, TcpRepr tcp) = Frames.ParseTcp(frame, verifyTcpChecksum: false);
        byte[] rebuilt = Frames.Rebuild(frame, d, segment => tcp.Emit(segment, d.Ip.Source, d.Ip.Destination, ChecksumMode.Partial));
        Assert.Equal(Convert.ToHexString(frame), Convert.ToHexString(rebuilt));
    }

    [Theory]
    [MemberData(nameof(FrameIndices))]
    public void Every_frame_completed_in_software_has_wiresharks_checksum_and_then_verifies(int index)
    {
        byte[] frame = (byte[])Captures.LibnfsToGanesha[index - 1].Data.Clone();
        (DecodedFrame d, TcpRepr tcp) = Frames.ParseTcp(frame, verifyTcpChecksum: false);
        Span<byte> segment = frame.AsSpan(d.TransportOffset, d.Ip.PayloadLength);
        tcp.Emit(segment, d.Ip.Source, d.Ip.Destination);
        ushort expected = Convert.ToUInt16(WiresharkChecksums.Split(' ')[index - 1], 16);
        Assert.True(TcpPacket.TryCreate(segment, out TcpPacket view, out _));
        Assert.Equal(expected, view.Checksum);
        Assert.True(TcpRepr.TryParse(view, d.Ip.Source, d.Ip.Destination, out TcpRepr again, out DropReason reason), reason.ToString());
        Assert.Equal(tcp, again);

        ushort payloadSum = InternetChecksum.Sum(frame.AsSpan(d.PayloadOffset, d.PayloadLength));
        var header = new byte[tcp.HeaderLength];
        tcp.EmitHeader(header, payloadSum, d.Ip.Source, d.Ip.Destination);
        Assert.Equal(segment[..tcp.HeaderLength].ToArray(), header);
    }

    [Fact]
    public void The_kernel_syn_carries_mss_sack_permitted_timestamps_and_window_scale()
    {
        // tcpdump: 10.77.0.2.575 > 10.77.0.1.20048: Flags [S], seq 218257617, win 64240,
        //          options [mss 1460,sackOK,TS val 3214403341 ecr 0,nop,wscale 10]
        (DecodedFrame d, TcpRepr syn) = Frames.ParseTcp(Captures.LibnfsToGanesha[0].Data, verifyTcpChecksum: false);
        Assert.Equal(Ipv4Address.Parse("10.77.0.2"), d.Ip.Source);
        Assert.Equal(575, syn.SourcePort);
        Assert.Equal(20048, syn.DestinationPort);
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        Assert.Equal(218257617u, syn.SequenceNumber.Value);
        Assert.Equal(64240, syn.WindowSize);
        Assert.Equal(0, syn.PayloadLength);
        Assert.Equal(1, syn.SegmentLength);
        Assert.Equal((ushort)1460, syn.Options.MaxSegmentSize);
        Assert.True(syn.Options.SackPermitted);
        Assert.Equal(new TcpTimestamp(3214403341, 0), syn.Options.Timestamp);
        Assert.Equal((byte)10, syn.Options.WindowScale);
        Assert.Equal(10, syn.Options.WindowShift);
        Assert.Equal(0, syn.Options.SackBlockCount);
        Assert.Equal(40, syn.HeaderLength);

        // Linux's tcp_options_write layout, rebuilt from the values, is byte for byte the kernel's.
        TcpOptions built = TcpOptions.Build(maxSegmentSize: 1460, windowScale: 10, sackPermitted: true, timestamp: new TcpTimestamp(3214403341, 0));
        Assert.Equal(syn.Options, built);
    }

    [Fact]
    public void The_syn_ack_echoes_the_syn_timestamp_and_acknowledges_its_sequence_number_plus_one()
    {
        (_, TcpRepr syn) = Frames.ParseTcp(Captures.LibnfsToGanesha[0].Data, verifyTcpChecksum: false);
        (_, TcpRepr synAck) = Frames.ParseTcp(Captures.LibnfsToGanesha[1].Data, verifyTcpChecksum: false);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(syn.SequenceNumber + 1, synAck.AcknowledgmentNumber);
        Assert.Equal(syn.Options.Timestamp!.Value.Value, synAck.Options.Timestamp!.Value.EchoReply);
        Assert.Equal(1584507664u, synAck.Options.Timestamp!.Value.Value);
    }

    [Fact]
    public void Segments_after_the_handshake_carry_nop_nop_timestamps_and_nothing_else()
    {
        foreach (PcapRecord r in Captures.LibnfsToGanesha)
        {
            (_, TcpRepr tcp) = Frames.ParseTcp(r.Data, verifyTcpChecksum: false);
            if ((tcp.Flags & TcpFlags.Syn) == 0)
            {
                Assert.Equal(12, tcp.Options.Length);
                Assert.Equal(TcpOptions.Build(timestamp: tcp.Options.Timestamp), tcp.Options);
            }
        }
    }

    [Fact]
    public void The_first_write_data_begins_at_ip_offset_172()
    {
        // shared/fixtures/README.md: tcpdump 'tcp dst port 2049 and ip[172:4] == 0xaaaaaaaa' finds the first WRITE.
        PcapRecord first = Captures.LibnfsToGanesha.First(r =>
        {
            (DecodedFrame d, TcpRepr tcp) = Frames.ParseTcp(r.Data, verifyTcpChecksum: false);
            return tcp.DestinationPort == 2049 && d.Ip.TotalLength >= 176
                && r.Data.AsSpan(d.IpOffset + 172, 4).SequenceEqual(new byte[] { 0xAA, 0xAA, 0xAA, 0xAA });
        });
        (DecodedFrame write, TcpRepr segment) = Frames.ParseTcp(first.Data, verifyTcpChecksum: false);
        Assert.Equal(2049, segment.DestinationPort);
        Assert.True(segment.PayloadLength > 1000);
        Assert.NotEqual(0xAA, first.Data[write.IpOffset + 171]);
    }
}
