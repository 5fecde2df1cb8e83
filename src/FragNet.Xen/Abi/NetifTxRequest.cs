using System.Buffers.Binary;

namespace FragNet.Xen.Abi;

/// <summary>
/// A transmit request (netif.h, <c>struct netif_tx_request</c>, 12 bytes): <c>grant_ref_t gref @0</c>,
/// <c>u16 offset @4</c>, <c>u16 flags @6</c>, <c>u16 id @8</c>, <c>u16 size @10</c>, little-endian.
/// </summary>
/// <remarks>
/// <see cref="Read"/> is several loads: call it on a private copy of the slot (<see cref="Rings.BackRing.CopyRequest"/>),
/// never on the shared ring, or the frontend can change a field between two reads. Validate after copying.
/// </remarks>
/// <param name="Gref">Grant reference of the page holding the data.</param>
/// <param name="Offset">Offset of the data within the granted page.</param>
/// <param name="Flags"><c>NETTXF_*</c>.</param>
/// <param name="Id">Echoed in the response.</param>
/// <param name="Size">In the first slot of a packet, the size of the whole packet; in later slots, the size of this
/// slot's fragment. The first slot's own data size is therefore the total minus the later slots' sizes.</param>
public readonly record struct NetifTxRequest(uint Gref, ushort Offset, NetTxFlags Flags, ushort Id, ushort Size)
{
    /// <summary>Bytes of the structure (and of a TX ring slot). Named <c>WireSize</c> here because <see cref="Size"/>
    /// is the ABI's <c>size</c> field.</summary>
    public const int WireSize = 12;

    /// <summary>Reads the first 12 bytes of <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than 12 bytes.</exception>
    public static NetifTxRequest Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < WireSize)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(source), WireSize, source.Length);
        }

        return new NetifTxRequest(
            BinaryPrimitives.ReadUInt32LittleEndian(source[NetifField.TxRequestGref..]),
            BinaryPrimitives.ReadUInt16LittleEndian(source[NetifField.TxRequestOffset..]),
            (NetTxFlags)BinaryPrimitives.ReadUInt16LittleEndian(source[NetifField.TxRequestFlags..]),
            BinaryPrimitives.ReadUInt16LittleEndian(source[NetifField.TxRequestId..]),
            BinaryPrimitives.ReadUInt16LittleEndian(source[NetifField.TxRequestSize..]));
    }

    /// <summary>Writes the 12 bytes at the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than 12 bytes.</exception>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < WireSize)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(destination), WireSize, destination.Length);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination[NetifField.TxRequestGref..], Gref);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[NetifField.TxRequestOffset..], Offset);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[NetifField.TxRequestFlags..], (ushort)Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[NetifField.TxRequestId..], Id);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[NetifField.TxRequestSize..], Size);
    }
}
