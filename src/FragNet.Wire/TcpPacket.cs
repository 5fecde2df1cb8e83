using System.Buffers.Binary;
using FragNet.Buffers;

namespace FragNet.Wire;

/// <summary>
/// A read-only view of a TCP segment (RFC 9293 §3.1) over bytes it does not own: the header, then the payload to the
/// end of the buffer (TCP has no length field; make the view over exactly the IPv4 payload, or over the header alone
/// when the payload is in paged fragments).
/// </summary>
/// <remarks>
/// Contract: once <see cref="TryCreate"/> has returned true, no accessor throws, whatever the bytes are: the data
/// offset is at least 5 and the header it states is within the buffer. <see cref="CreateUnchecked"/> skips that check;
/// accessors of a view over bad bytes may then throw <see cref="IndexOutOfRangeException"/> or
/// <see cref="ArgumentOutOfRangeException"/>. The checksum and the options are checked by <see cref="TcpRepr.TryParse"/>.
/// </remarks>
public readonly ref struct TcpPacket
{
    private readonly ReadOnlySpan<byte> _buffer;

    private TcpPacket(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>The segment: header and payload.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>Source port.</summary>
    public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_buffer[TcpField.SourcePort..]);

    /// <summary>Destination port.</summary>
    public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_buffer[TcpField.DestinationPort..]);

    /// <summary>Sequence number.</summary>
    public TcpSeqNumber SequenceNumber => new(BinaryPrimitives.ReadUInt32BigEndian(_buffer[TcpField.SequenceNumber..]));

    /// <summary>Acknowledgment number (significant only with <see cref="TcpFlags.Ack"/>).</summary>
    public TcpSeqNumber AcknowledgmentNumber => new(BinaryPrimitives.ReadUInt32BigEndian(_buffer[TcpField.AcknowledgmentNumber..]));

    /// <summary>Header length in bytes: data offset × 4, 20–60 in a checked view.</summary>
    public int HeaderLength => (_buffer[TcpField.DataOffset] >> 4) * 4;

    /// <summary>The control bits.</summary>
    public TcpFlags Flags => (TcpFlags)_buffer[TcpField.Flags];

    /// <summary>The window field, unscaled.</summary>
    public ushort WindowSize => BinaryPrimitives.ReadUInt16BigEndian(_buffer[TcpField.Window..]);

    /// <summary>The checksum field as sent.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer[TcpField.Checksum..]);

    /// <summary>Urgent pointer (significant only with <see cref="TcpFlags.Urg"/>).</summary>
    public ushort UrgentPointer => BinaryPrimitives.ReadUInt16BigEndian(_buffer[TcpField.UrgentPointer..]);

    /// <summary>The header, options included.</summary>
    public ReadOnlySpan<byte> Header => _buffer[..HeaderLength];

    /// <summary>The option bytes, padding included.</summary>
    public ReadOnlySpan<byte> Options => _buffer[TcpField.Options..HeaderLength];

    /// <summary>Bytes after the header.</summary>
    public ReadOnlySpan<byte> Payload => _buffer[HeaderLength..];

    /// <summary>True if the checksum over the pseudo-header and the whole buffer is right (the view must hold the
    /// whole segment).</summary>
    public bool VerifyChecksum(Ipv4Address source, Ipv4Address destination) =>
        _buffer.Length <= ushort.MaxValue && Ipv4PseudoHeader.Verify(source, destination, IpProtocol.Tcp, _buffer);

    /// <summary>A checked view. False with <see cref="DropReason.PacketTooSmall"/> below 20 bytes,
    /// <see cref="DropReason.Malformed"/> for a data offset below 5, and <see cref="DropReason.BadLength"/> if the
    /// header it states runs past the buffer.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out TcpPacket packet, out DropReason reason)
    {
        packet = default;
        if (buffer.Length < TcpField.MinHeaderLength)
        {
            reason = DropReason.PacketTooSmall;
            return false;
        }

        int headerLength = (buffer[TcpField.DataOffset] >> 4) * 4;
        if (headerLength < TcpField.MinHeaderLength)
        {
            reason = DropReason.Malformed;
            return false;
        }

        if (headerLength > buffer.Length)
        {
            reason = DropReason.BadLength;
            return false;
        }

        packet = new TcpPacket(buffer);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>A view without checks (see the type's contract).</summary>
    public static TcpPacket CreateUnchecked(ReadOnlySpan<byte> buffer) => new(buffer);
}
