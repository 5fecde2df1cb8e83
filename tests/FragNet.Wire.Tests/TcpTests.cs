using System.Buffers.Binary;

namespace FragNet.Wire.Tests;

public sealed class TcpTests
{
    private static readonly Ipv4Address A = Ipv4Address.Parse("10.77.0.2");
    private static readonly Ipv4Address B = Ipv4Address.Parse("10.77.0.1");

    private static TcpRepr Segment => new()
    {
        SourcePort = 40000,
        DestinationPort = 2049,
        SequenceNumber = new TcpSeqNumber(0xFFFFFFF0),
        AcknowledgmentNumber = new TcpSeqNumber(17),
        Flags = TcpFlags.Ack | TcpFlags.Psh,
        WindowSize = 502,
        PayloadLength = 4,
    };

    [Fact]
    public void A_segment_emits_every_field_and_parses_back()
    {
        TcpRepr repr = Segment with { Flags = TcpFlags.Ack | TcpFlags.Urg | TcpFlags.Ece | TcpFlags.Cwr, UrgentPointer = 3 };
        var segment = new byte[repr.BufferLength];
        "data"u8.CopyTo(segment.AsSpan(20));
        repr.Emit(segment, A, B);
        Assert.Equal("9C40" + "0801" + "FFFFFFF0" + "00000011" + "50" + "F0" + "01F6", Convert.ToHexString(segment.AsSpan(0, 16)));
        Assert.Equal("0003", Convert.ToHexString(segment.AsSpan(18, 2)));
        Assert.True(TcpPacket.TryCreate(segment, out TcpPacket view, out _));
        Assert.True(view.VerifyChecksum(A, B));
        Assert.Equal(20, view.HeaderLength);
        Assert.Equal("data"u8.ToArray(), view.Payload.ToArray());
        Assert.True(TcpRepr.TryParse(view, A, B, out TcpRepr back, out _));
        Assert.Equal(repr, back);
    }

    [Fact]
    public void The_historic_ns_bit_and_the_reserved_bits_are_ignored_on_receive()
    {
        var segment = new byte[Segment.BufferLength];
        Segment.Emit(segment, A, B);
        segment[12] |= 0x0F; // reserved bits and NS (RFC 3540, historic)
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), 0);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), Ipv4PseudoHeader.Compute(A, B, IpProtocol.Tcp, segment));
        Assert.True(TcpPacket.TryCreate(segment, out TcpPacket view, out _));
        Assert.True(TcpRepr.TryParse(view, A, B, out TcpRepr back, out _));
        Assert.Equal(Segment, back);
    }

    [Fact]
    public void Sequence_space_counts_syn_and_fin_as_one_byte_each()
    {
        Assert.Equal(4, Segment.SegmentLength);
        Assert.Equal(5, (Segment with { Flags = TcpFlags.Fin | TcpFlags.Ack }).SegmentLength);
        Assert.Equal(1, (Segment with { Flags = TcpFlags.Syn, PayloadLength = 0 }).SegmentLength);
        Assert.Equal(2, (Segment with { Flags = TcpFlags.Syn | TcpFlags.Fin, PayloadLength = 0 }).SegmentLength);
    }

    [Fact]
    public void Unknown_options_round_trip_exactly_with_their_order_and_padding()
    {
        // MSS, an RFC 6994 experiment (kind 254, ExID 0xF989), NOP, an MPTCP MP_CAPABLE-ish option, a made-up kind 99
        // with an empty body, then End of Option List and zero padding.
        byte[] raw = Convert.FromHexString("020405B4" + "FE06F9890102" + "01" + "1E0C0081DEADBEEFCAFEF00D" + "6302" + "00000000000000");
        Assert.Equal(32, raw.Length);
        TcpOptions options = TcpOptions.Create(raw);
        TcpRepr repr = Segment with { Flags = TcpFlags.Syn, Options = options, PayloadLength = 0 };
        var segment = new byte[repr.BufferLength];
        repr.Emit(segment, A, B);
        Assert.Equal(raw, segment.AsSpan(20).ToArray());
        Assert.True(TcpPacket.TryCreate(segment, out TcpPacket view, out _));
        Assert.True(TcpRepr.TryParse(view, A, B, out TcpRepr back, out _));
        Assert.Equal(repr, back);
        Assert.Equal((ushort)1460, back.Options.MaxSegmentSize);

        var seen = new List<string>();
        foreach (TcpOption o in back.Options)
        {
            seen.Add($"{o.Kind}:{Convert.ToHexString(o.Data)}");
        }

        Assert.Equal(["2:05B4", "254:F9890102", "30:0081DEADBEEFCAFEF00D", "99:"], seen);

        var again = new byte[segment.Length];
        back.Emit(again, A, B);
        Assert.Equal(segment, again);
    }

    [Fact]
    public void A_header_only_view_parses_without_the_payload_when_checksums_are_left_to_the_caller()
    {
        TcpRepr repr = Segment with { Options = TcpOptions.Build(timestamp: new TcpTimestamp(1, 2)), PayloadLength = 1000 };
        var segment = new byte[repr.BufferLength];
        repr.Emit(segment, A, B);
        Assert.True(TcpPacket.TryCreate(segment.AsSpan(0, repr.HeaderLength), out TcpPacket header, out _));
        Assert.True(TcpRepr.TryParse(header, A, B, out TcpRepr back, out _, verifyChecksum: false));
        Assert.Equal(repr with { PayloadLength = 0 }, back); // the caller knows the payload length from IPv4
    }

    [Fact]
    public void A_partial_checksum_completed_over_the_segment_verifies()
    {
        var segment = new byte[Segment.BufferLength];
        "abcd"u8.CopyTo(segment.AsSpan(20));
        Segment.Emit(segment, A, B, ChecksumMode.Partial);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), InternetChecksum.Compute(segment));
        Assert.True(Ipv4PseudoHeader.Verify(A, B, IpProtocol.Tcp, segment));
        Segment.Emit(segment, A, B, ChecksumMode.Zero);
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(16)));
    }

    [Fact]
    public void A_zero_port_is_malformed()
    {
        foreach (TcpRepr repr in new[] { Segment with { SourcePort = 0 }, Segment with { DestinationPort = 0 } })
        {
            var segment = new byte[repr.BufferLength];
            repr.Emit(segment, A, B);
            Assert.True(TcpPacket.TryCreate(segment, out TcpPacket view, out _));
            Assert.False(TcpRepr.TryParse(view, A, B, out _, out DropReason reason));
            Assert.Equal(DropReason.Malformed, reason);
        }
    }

    [Fact]
    public void Emitting_a_segment_that_cannot_exist_is_a_caller_bug()
    {
        Assert.Throws<ArgumentException>(() => Segment.Emit(new byte[23], A, B));
        Assert.Throws<ArgumentException>(() => Segment.EmitHeader(new byte[19], 0, A, B));
        TcpRepr huge = Segment with { PayloadLength = 65535 };
        Assert.Throws<InvalidOperationException>(() => huge.Emit(new byte[65555], A, B));
        Assert.Throws<ArgumentOutOfRangeException>(() => Segment with { PayloadLength = -1 });
    }
}
