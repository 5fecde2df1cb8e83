using System.Buffers.Binary;

namespace FragNet.Xen.Abi;

/// <summary>
/// A receive request (netif.h, <c>struct netif_rx_request</c>, 8 bytes): <c>u16 id @0</c>, 2 bytes of padding,
/// <c>grant_ref_t gref @4</c>, little-endian: the frontend offers a page for the backend to fill.
/// </summary>
/// <remarks>The padding is written as zero and ignored on read. Read a private copy of the slot, as for
/// <see cref="NetifTxRequest"/>.</remarks>
/// <param name="Id">Echoed in the response.</param>
/// <param name="Gref">Grant reference of the page to receive into.</param>
public readonly record struct NetifRxRequest(ushort Id, uint Gref)
{
    /// <summary>Bytes of the structure (and of an RX ring slot).</summary>
    public const int Size = 8;

    /// <summary>Same as <see cref="Size"/>; every netif structure has a <c>WireSize</c>.</summary>
    public const int WireSize = Size;

    /// <summary>Reads the first 8 bytes of <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than 8 bytes.</exception>
    public static NetifRxRequest Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(source), Size, source.Length);
        }

        return new NetifRxRequest(
            BinaryPrimitives.ReadUInt16LittleEndian(source[NetifField.RxRequestId..]),
            BinaryPrimitives.ReadUInt32LittleEndian(source[NetifField.RxRequestGref..]));
    }

    /// <summary>Writes the 8 bytes at the start of <paramref name="destination"/>, padding zeroed.</summary>
    /// <exception cref="ArgumentException">Fewer than 8 bytes.</exception>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(destination), Size, destination.Length);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(destination[NetifField.RxRequestId..], Id);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[NetifField.RxRequestPad..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[NetifField.RxRequestGref..], Gref);
    }
}
