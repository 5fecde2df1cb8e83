using System.Buffers.Binary;
using FragNet.Buffers;

namespace FragNet.Wire;

/// <summary>
/// A read-only view of an ICMPv4 message (RFC 792): the whole IPv4 payload, 8-byte header then data.
/// </summary>
/// <remarks>
/// Contract: once <see cref="TryCreate"/> has returned true, no accessor throws, whatever the bytes are (the header is
/// within the buffer). <see cref="CreateUnchecked"/> skips that check; accessors of a view over fewer than 8 bytes
/// then throw <see cref="IndexOutOfRangeException"/>. ICMP has no length field: the message is the whole buffer, so
/// make the view over exactly the IPv4 payload. The checksum and the quoted header of an error are checked by
/// <see cref="Icmpv4Repr.TryParse"/>.
/// </remarks>
public readonly ref struct Icmpv4Packet
{
    private readonly ReadOnlySpan<byte> _buffer;

    private Icmpv4Packet(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>Message type.</summary>
    public Icmpv4Type Type => (Icmpv4Type)_buffer[Icmpv4Field.Type];

    /// <summary>Message code (meaning depends on the type).</summary>
    public byte Code => _buffer[Icmpv4Field.Code];

    /// <summary>The checksum field as sent.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Icmpv4Field.Checksum..]);

    /// <summary>The second header word, whose meaning depends on the type.</summary>
    public uint RestOfHeader => BinaryPrimitives.ReadUInt32BigEndian(_buffer[Icmpv4Field.RestOfHeader..]);

    /// <summary>Echo identifier (meaningful for echo request and reply).</summary>
    public ushort Identifier => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Icmpv4Field.Identifier..]);

    /// <summary>Echo sequence number (meaningful for echo request and reply).</summary>
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Icmpv4Field.SequenceNumber..]);

    /// <summary>Next-hop MTU (meaningful for destination unreachable, code 4).</summary>
    public ushort NextHopMtu => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Icmpv4Field.NextHopMtu..]);

    /// <summary>Bytes after the 8-byte header: echo data, or the quoted original datagram of an error.</summary>
    public ReadOnlySpan<byte> Data => _buffer[Icmpv4Field.Data..];

    /// <summary>True if the checksum over the whole message is right.</summary>
    public bool VerifyChecksum() => InternetChecksum.Sum(_buffer) == 0xFFFF;

    /// <summary>A checked view: false with <see cref="DropReason.PacketTooSmall"/> below 8 bytes.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out Icmpv4Packet packet, out DropReason reason)
    {
        if (buffer.Length < Icmpv4Field.HeaderLength)
        {
            packet = default;
            reason = DropReason.PacketTooSmall;
            return false;
        }

        packet = new Icmpv4Packet(buffer);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>A view without checks (see the type's contract).</summary>
    public static Icmpv4Packet CreateUnchecked(ReadOnlySpan<byte> buffer) => new(buffer);
}
