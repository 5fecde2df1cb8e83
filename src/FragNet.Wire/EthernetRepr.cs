using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using FragNet.Buffers;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// An Ethernet II header: addresses and EtherType. The payload belongs to the layer above, so
/// <see cref="BufferLength"/> is the header alone (as smoltcp's <c>EthernetRepr</c>).
/// </summary>
public readonly record struct EthernetRepr(EthernetAddress Source, EthernetAddress Destination, EtherType EtherType)
{
    /// <summary>Bytes of header <see cref="Emit"/> writes: always 14.</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Every repr has the same instance shape: HeaderLength, BufferLength, Emit.")]
    public int HeaderLength => EthernetField.HeaderLength;

    /// <summary>Bytes <see cref="Emit"/> needs: the header (the payload is the next layer's).</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Every repr has the same instance shape: HeaderLength, BufferLength, Emit.")]
    public int BufferLength => EthernetField.HeaderLength;

    /// <summary>Reads the header. False with <see cref="DropReason.UnknownLinkProtocol"/> for a type field below
    /// 0x0600: that is an IEEE 802.3 length, not an Ethernet II frame.</summary>
    public static bool TryParse(EthernetFrame frame, out EthernetRepr repr, out DropReason reason)
    {
        EtherType type = frame.EtherType;
        if ((ushort)type < EthernetField.MinEtherType)
        {
            repr = default;
            reason = DropReason.UnknownLinkProtocol;
            return false;
        }

        repr = new EthernetRepr(frame.Source, frame.Destination, type);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>Writes the 14-byte header at the start of <paramref name="buffer"/>.</summary>
    /// <exception cref="ArgumentException">The buffer is shorter than the header.</exception>
    public void Emit(Span<byte> buffer)
    {
        if (buffer.Length < EthernetField.HeaderLength)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(buffer), EthernetField.HeaderLength, buffer.Length);
        }

        Destination.CopyTo(buffer[EthernetField.Destination..]);
        Source.CopyTo(buffer[EthernetField.Source..]);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[EthernetField.EtherType..], (ushort)EtherType);
    }
}
