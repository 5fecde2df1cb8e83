using System.Buffers.Binary;
using FragNet.Buffers;

namespace FragNet.Wire;

/// <summary>
/// A read-only view of an ARP packet (RFC 826) of any hardware and protocol type.
/// </summary>
/// <remarks>
/// Contract: once <see cref="TryCreate"/> has returned true, no accessor throws: the fixed part and both address pairs,
/// at the lengths the packet states, are within the buffer. <see cref="CreateUnchecked"/> skips that check; accessors
/// of a view over too few bytes then throw <see cref="IndexOutOfRangeException"/>. Bytes after the addresses (Ethernet
/// padding) are ignored.
/// </remarks>
public readonly ref struct ArpPacket
{
    private readonly ReadOnlySpan<byte> _buffer;

    private ArpPacket(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>The bytes the view was made over.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>Hardware type (1 for Ethernet).</summary>
    public ushort HardwareType => BinaryPrimitives.ReadUInt16BigEndian(_buffer[ArpField.HardwareType..]);

    /// <summary>Protocol type (an EtherType: 0x0800 for IPv4).</summary>
    public EtherType ProtocolType => (EtherType)BinaryPrimitives.ReadUInt16BigEndian(_buffer[ArpField.ProtocolType..]);

    /// <summary>Bytes in a hardware address.</summary>
    public byte HardwareLength => _buffer[ArpField.HardwareLength];

    /// <summary>Bytes in a protocol address.</summary>
    public byte ProtocolLength => _buffer[ArpField.ProtocolLength];

    /// <summary>The opcode (may be a value other than request or reply).</summary>
    public ArpOperation Operation => (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(_buffer[ArpField.Operation..]);

    /// <summary>Sender hardware address, <see cref="HardwareLength"/> bytes.</summary>
    public ReadOnlySpan<byte> SenderHardwareAddress => _buffer.Slice(ArpField.FixedLength, HardwareLength);

    /// <summary>Sender protocol address, <see cref="ProtocolLength"/> bytes.</summary>
    public ReadOnlySpan<byte> SenderProtocolAddress => _buffer.Slice(ArpField.FixedLength + HardwareLength, ProtocolLength);

    /// <summary>Target hardware address, <see cref="HardwareLength"/> bytes.</summary>
    public ReadOnlySpan<byte> TargetHardwareAddress =>
        _buffer.Slice(ArpField.FixedLength + HardwareLength + ProtocolLength, HardwareLength);

    /// <summary>Target protocol address, <see cref="ProtocolLength"/> bytes.</summary>
    public ReadOnlySpan<byte> TargetProtocolAddress =>
        _buffer.Slice(ArpField.FixedLength + (2 * HardwareLength) + ProtocolLength, ProtocolLength);

    /// <summary>Bytes of the packet: the fixed part and both address pairs.</summary>
    public int Length => ArpField.FixedLength + (2 * (HardwareLength + ProtocolLength));

    /// <summary>A checked view: false with <see cref="DropReason.PacketTooSmall"/> if the fixed part does not fit, or
    /// <see cref="DropReason.BadLength"/> if the stated address lengths run past the buffer.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out ArpPacket packet, out DropReason reason)
    {
        packet = default;
        if (buffer.Length < ArpField.FixedLength)
        {
            reason = DropReason.PacketTooSmall;
            return false;
        }

        int length = ArpField.FixedLength + (2 * (buffer[ArpField.HardwareLength] + buffer[ArpField.ProtocolLength]));
        if (buffer.Length < length)
        {
            reason = DropReason.BadLength;
            return false;
        }

        packet = new ArpPacket(buffer);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>A view without checks (see the type's contract).</summary>
    public static ArpPacket CreateUnchecked(ReadOnlySpan<byte> buffer) => new(buffer);
}
