using System.Buffers.Binary;
using FragNet.Buffers;

namespace FragNet.Wire;

/// <summary>
/// A read-only view of a UDP datagram (RFC 768) over bytes it does not own.
/// </summary>
/// <remarks>
/// Contract: once <see cref="TryCreate"/> (or <see cref="TryCreateHeader"/>) has returned true, no accessor throws,
/// whatever the bytes are: the header is within the buffer and 8 ≤ length field ≤ the datagram's bytes.
/// <see cref="CreateUnchecked"/> skips that check; accessors of a view over bad bytes may then throw
/// <see cref="IndexOutOfRangeException"/> or <see cref="ArgumentOutOfRangeException"/>. Bytes past the length field
/// are ignored (as Linux trims them). The checksum is checked by <see cref="UdpRepr.TryParse"/>.
/// </remarks>
public readonly ref struct UdpPacket
{
    private readonly ReadOnlySpan<byte> _buffer;

    private UdpPacket(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>The bytes the view was made over.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>Source port (0 if the sender expects no reply).</summary>
    public ushort SourcePort => BinaryPrimitives.ReadUInt16BigEndian(_buffer[UdpField.SourcePort..]);

    /// <summary>Destination port.</summary>
    public ushort DestinationPort => BinaryPrimitives.ReadUInt16BigEndian(_buffer[UdpField.DestinationPort..]);

    /// <summary>The length field: header plus data.</summary>
    public int Length => BinaryPrimitives.ReadUInt16BigEndian(_buffer[UdpField.Length..]);

    /// <summary>The checksum field as sent (0 = none).</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer[UdpField.Checksum..]);

    /// <summary>The data bytes present in the buffer, up to the length field.</summary>
    public ReadOnlySpan<byte> Payload => _buffer[UdpField.Payload..Math.Min(Length, _buffer.Length)];

    /// <summary>True if the whole datagram (up to the length field) is in the buffer, so its checksum can be checked
    /// here.</summary>
    public bool IsComplete => Length <= _buffer.Length;

    /// <summary>A checked view over a whole datagram (trailing bytes allowed). False with
    /// <see cref="DropReason.PacketTooSmall"/> below 8 bytes and <see cref="DropReason.BadLength"/> if the length field
    /// is below 8 or past the buffer.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out UdpPacket packet, out DropReason reason) =>
        TryCreateHeader(buffer, buffer.Length, out packet, out reason);

    /// <summary>A checked view over the start of a datagram whose data is not all contiguous: the buffer holds at least
    /// the header, and <paramref name="packetLength"/> is the length of the whole datagram's bytes (e.g. the rest of a
    /// <see cref="SkBuff"/>); the length field is checked against it.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="packetLength"/> is less than the buffer's length.</exception>
    public static bool TryCreateHeader(ReadOnlySpan<byte> buffer, int packetLength, out UdpPacket packet, out DropReason reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(packetLength, buffer.Length);
        packet = default;
        if (buffer.Length < UdpField.HeaderLength)
        {
            reason = DropReason.PacketTooSmall;
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(buffer[UdpField.Length..]);
        if (length < UdpField.HeaderLength || length > packetLength)
        {
            reason = DropReason.BadLength;
            return false;
        }

        packet = new UdpPacket(buffer);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>A view without checks (see the type's contract).</summary>
    public static UdpPacket CreateUnchecked(ReadOnlySpan<byte> buffer) => new(buffer);
}
