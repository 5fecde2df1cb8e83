using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// A TCP header (RFC 9293 §3.1) as values, with its options (<see cref="TcpOptions"/>, raw and typed) and the length
/// of the payload that follows. The checksum follows from the rest and the IPv4 pseudo-header; the reserved bits
/// (and the historic NS bit) are sent as zero.
/// </summary>
/// <remarks>
/// The payload is the caller's: <see cref="Emit"/> expects it in place after the header, and <see cref="EmitHeader"/>
/// takes its sum instead (for a payload in paged fragments). The acknowledgment number and urgent pointer are kept as
/// sent even when their flags are clear, so a parsed segment re-emits exactly.
/// </remarks>
public readonly record struct TcpRepr
{
    private readonly int _payloadLength;

    /// <summary>Source port.</summary>
    public ushort SourcePort { get; init; }

    /// <summary>Destination port.</summary>
    public ushort DestinationPort { get; init; }

    /// <summary>Sequence number of the first byte (of the SYN, if set).</summary>
    public TcpSeqNumber SequenceNumber { get; init; }

    /// <summary>Acknowledgment number (significant with <see cref="TcpFlags.Ack"/>).</summary>
    public TcpSeqNumber AcknowledgmentNumber { get; init; }

    /// <summary>Control bits.</summary>
    public TcpFlags Flags { get; init; }

    /// <summary>The window field, unscaled (scale it by the peer's <see cref="TcpOptions.WindowShift"/> outside SYNs).</summary>
    public ushort WindowSize { get; init; }

    /// <summary>Urgent pointer (significant with <see cref="TcpFlags.Urg"/>).</summary>
    public ushort UrgentPointer { get; init; }

    /// <summary>Options (empty by default).</summary>
    public TcpOptions Options { get; init; }

    /// <summary>Bytes of payload after the header.</summary>
    public int PayloadLength
    {
        get => _payloadLength;
        init
        {
            if (value < 0 || value > ushort.MaxValue)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(PayloadLength), value, "a TCP payload is 0 to 65535 bytes");
            }

            _payloadLength = value;
        }
    }

    /// <summary>Header bytes: 20 plus the options.</summary>
    public int HeaderLength => TcpField.MinHeaderLength + Options.Length;

    /// <summary>Bytes of the whole segment: header and payload.</summary>
    public int BufferLength => HeaderLength + _payloadLength;

    /// <summary>Sequence space the segment occupies (RFC 9293 §3.4, SEG.LEN): the payload, plus one for SYN and one
    /// for FIN.</summary>
    public int SegmentLength => _payloadLength + ((Flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((Flags & TcpFlags.Fin) != 0 ? 1 : 0);

    /// <summary>Reads a checked view. False with <see cref="DropReason.BadLength"/> for a view longer than 65535 bytes,
    /// <see cref="DropReason.TcpChecksum"/> if <paramref name="verifyChecksum"/> and the checksum is wrong (the view
    /// must then hold the whole segment), <see cref="DropReason.Malformed"/> for a zero port (reserved), and
    /// <see cref="DropReason.TcpOptionMalformed"/> if the options break <see cref="TcpOptions"/>' invariants.
    /// <see cref="PayloadLength"/> is what the view holds after the header: for a view over the header alone (the
    /// payload in paged fragments) the caller sets it from the IPv4 payload length, and checks the checksum itself
    /// (<see cref="SkBuff.Checksum"/> from <see cref="Ipv4PseudoHeader.Sum"/>).</summary>
    public static bool TryParse(TcpPacket packet, Ipv4Address source, Ipv4Address destination, out TcpRepr repr, out DropReason reason, bool verifyChecksum = true)
    {
        repr = default;
        if (packet.Buffer.Length > ushort.MaxValue)
        {
            reason = DropReason.BadLength; // no IPv4 payload is this long
            return false;
        }

        if (verifyChecksum && !packet.VerifyChecksum(source, destination))
        {
            reason = DropReason.TcpChecksum;
            return false;
        }

        if (packet.SourcePort == 0 || packet.DestinationPort == 0)
        {
            reason = DropReason.Malformed;
            return false;
        }

        if (!TcpOptions.TryCreate(packet.Options, out TcpOptions options, out reason))
        {
            return false;
        }

        repr = new TcpRepr
        {
            SourcePort = packet.SourcePort,
            DestinationPort = packet.DestinationPort,
            SequenceNumber = packet.SequenceNumber,
            AcknowledgmentNumber = packet.AcknowledgmentNumber,
            Flags = packet.Flags,
            WindowSize = packet.WindowSize,
            UrgentPointer = packet.UrgentPointer,
            Options = options,
            PayloadLength = packet.Payload.Length,
        };
        return true;
    }

    /// <summary>Writes the header into the start of <paramref name="buffer"/> and the checksum per
    /// <paramref name="checksum"/>; with <see cref="ChecksumMode.Compute"/> the payload must already be in place at
    /// <c>[HeaderLength, BufferLength)</c>.</summary>
    /// <exception cref="ArgumentException">The buffer is shorter than <see cref="BufferLength"/>.</exception>
    /// <exception cref="InvalidOperationException">The segment is longer than 65535 bytes.</exception>
    public void Emit(Span<byte> buffer, Ipv4Address source, Ipv4Address destination, ChecksumMode checksum = ChecksumMode.Compute)
    {
        int length = BufferLength;
        if (buffer.Length < length)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(buffer), length, buffer.Length);
        }

        CheckLength(length);
        Span<byte> segment = buffer[..length];
        WriteFields(segment);
        ushort field = checksum switch
        {
            ChecksumMode.Compute => Ipv4PseudoHeader.Compute(source, destination, IpProtocol.Tcp, segment),
            ChecksumMode.Partial => Ipv4PseudoHeader.Sum(source, destination, IpProtocol.Tcp, length),
            _ => 0,
        };
        BinaryPrimitives.WriteUInt16BigEndian(segment[TcpField.Checksum..], field);
    }

    /// <summary>Writes the header into <paramref name="header"/> for a payload that is not in the same buffer;
    /// <paramref name="payloadSum"/> is the folded one's-complement sum of the payload (e.g. from
    /// <see cref="SkBuff.Checksum"/>), used with <see cref="ChecksumMode.Compute"/>.</summary>
    /// <exception cref="ArgumentException">The header buffer is shorter than <see cref="HeaderLength"/>.</exception>
    /// <exception cref="InvalidOperationException">The segment is longer than 65535 bytes.</exception>
    public void EmitHeader(Span<byte> header, ushort payloadSum, Ipv4Address source, Ipv4Address destination, ChecksumMode checksum = ChecksumMode.Compute)
    {
        int headerLength = HeaderLength;
        if (header.Length < headerLength)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(header), headerLength, header.Length);
        }

        CheckLength(BufferLength);
        Span<byte> fields = header[..headerLength];
        WriteFields(fields);
        ushort pseudo = Ipv4PseudoHeader.Sum(source, destination, IpProtocol.Tcp, BufferLength);
        ushort field = checksum switch
        {
            ChecksumMode.Compute => (ushort)~InternetChecksum.Add(InternetChecksum.Add(pseudo, InternetChecksum.Sum(fields)), payloadSum),
            ChecksumMode.Partial => pseudo,
            _ => 0,
        };
        BinaryPrimitives.WriteUInt16BigEndian(fields[TcpField.Checksum..], field);
    }

    private static void CheckLength(int length)
    {
        if (length > ushort.MaxValue)
        {
            ThrowHelper.ThrowInvalidOperation($"a TCP segment of {length} bytes does not fit the pseudo-header's 16-bit length");
        }
    }

    private void WriteFields(Span<byte> header)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header[TcpField.SourcePort..], SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(header[TcpField.DestinationPort..], DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(header[TcpField.SequenceNumber..], SequenceNumber.Value);
        BinaryPrimitives.WriteUInt32BigEndian(header[TcpField.AcknowledgmentNumber..], AcknowledgmentNumber.Value);
        header[TcpField.DataOffset] = (byte)((HeaderLength / 4) << 4);
        header[TcpField.Flags] = (byte)Flags;
        BinaryPrimitives.WriteUInt16BigEndian(header[TcpField.Window..], WindowSize);
        BinaryPrimitives.WriteUInt16BigEndian(header[TcpField.Checksum..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(header[TcpField.UrgentPointer..], UrgentPointer);
        Options.CopyTo(header[TcpField.Options..]);
    }
}
