using System.Buffers.Binary;

namespace FragNet.Xen.Abi;

/// <summary>
/// A receive response (netif.h, <c>struct netif_rx_response</c>, 8 bytes): <c>u16 id @0</c>, <c>u16 offset @2</c>,
/// <c>u16 flags @4</c>, <c>i16 status @6</c>, little-endian.
/// </summary>
/// <param name="Id">The <see cref="NetifRxRequest.Id"/> answered.</param>
/// <param name="Offset">Offset of the data within the page the request granted.</param>
/// <param name="Flags"><c>NETRXF_*</c>.</param>
/// <param name="Status">Bytes received into the page when positive; a <see cref="NetifResponseStatus"/> when
/// negative (<see cref="IsError"/>).</param>
public readonly record struct NetifRxResponse(ushort Id, ushort Offset, NetRxFlags Flags, short Status)
{
    /// <summary>Bytes of the structure (and of an RX ring slot).</summary>
    public const int Size = 8;

    /// <summary>Same as <see cref="Size"/>; every netif structure has a <c>WireSize</c>.</summary>
    public const int WireSize = Size;

    /// <summary>True when <see cref="Status"/> is an error (<see cref="NetifResponseStatus.Error"/>,
    /// <see cref="NetifResponseStatus.Dropped"/>) rather than a byte count.</summary>
    public bool IsError => Status < 0;

    /// <summary>Reads the first 8 bytes of <paramref name="source"/> (a private copy of the slot).</summary>
    /// <exception cref="ArgumentException">Fewer than 8 bytes.</exception>
    public static NetifRxResponse Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(source), Size, source.Length);
        }

        return new NetifRxResponse(
            BinaryPrimitives.ReadUInt16LittleEndian(source[NetifField.RxResponseId..]),
            BinaryPrimitives.ReadUInt16LittleEndian(source[NetifField.RxResponseOffset..]),
            (NetRxFlags)BinaryPrimitives.ReadUInt16LittleEndian(source[NetifField.RxResponseFlags..]),
            BinaryPrimitives.ReadInt16LittleEndian(source[NetifField.RxResponseStatus..]));
    }

    /// <summary>Writes the 8 bytes at the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than 8 bytes.</exception>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(destination), Size, destination.Length);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(destination[NetifField.RxResponseId..], Id);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[NetifField.RxResponseOffset..], Offset);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[NetifField.RxResponseFlags..], (ushort)Flags);
        BinaryPrimitives.WriteInt16LittleEndian(destination[NetifField.RxResponseStatus..], Status);
    }
}
