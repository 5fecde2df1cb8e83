using System.Buffers.Binary;
using FragNet.Buffers;

namespace FragNet.Wire;

/// <summary>
/// A read-only view of an Ethernet II frame (destination, source, EtherType, payload) over bytes it does not own.
/// </summary>
/// <remarks>
/// Contract: once <see cref="TryCreate"/> has returned true, no accessor throws, whatever the bytes are.
/// <see cref="CreateUnchecked"/> skips the length check; accessors of a view over too few bytes then throw
/// <see cref="IndexOutOfRangeException"/>, so it is for bytes the caller has already checked (or built).
/// The payload is everything after the header, including any padding up to the 60-byte minimum: the layer above knows
/// its own length.
/// </remarks>
public readonly ref struct EthernetFrame
{
    private readonly ReadOnlySpan<byte> _buffer;

    private EthernetFrame(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>The whole frame.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>Destination address.</summary>
    public EthernetAddress Destination => new(_buffer.Slice(EthernetField.Destination, EthernetAddress.Size));

    /// <summary>Source address.</summary>
    public EthernetAddress Source => new(_buffer.Slice(EthernetField.Source, EthernetAddress.Size));

    /// <summary>The EtherType field (or an IEEE 802.3 length, if below 0x0600).</summary>
    public EtherType EtherType => (EtherType)BinaryPrimitives.ReadUInt16BigEndian(_buffer[EthernetField.EtherType..]);

    /// <summary>Bytes after the header.</summary>
    public ReadOnlySpan<byte> Payload => _buffer[EthernetField.Payload..];

    /// <summary>A checked view: false with <see cref="DropReason.PacketTooSmall"/> if the header does not fit.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out EthernetFrame frame, out DropReason reason)
    {
        if (buffer.Length < EthernetField.HeaderLength)
        {
            frame = default;
            reason = DropReason.PacketTooSmall;
            return false;
        }

        frame = new EthernetFrame(buffer);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>A view without checks (see the type's contract).</summary>
    public static EthernetFrame CreateUnchecked(ReadOnlySpan<byte> buffer) => new(buffer);
}
