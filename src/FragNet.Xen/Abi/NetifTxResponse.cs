using System.Buffers.Binary;

namespace FragNet.Xen.Abi;

/// <summary>
/// A transmit response (netif.h, <c>struct netif_tx_response</c>, 4 bytes): <c>u16 id @0</c>, <c>i16 status @2</c>,
/// little-endian. On the ring it shares a 12-byte slot with <see cref="NetifTxRequest"/>; <see cref="Write"/> touches
/// only its own 4 bytes, the rest of the slot keeps the request it answers.
/// </summary>
/// <param name="Id">The <see cref="NetifTxRequest.Id"/> answered.</param>
/// <param name="Status">Outcome; an extra-info slot is answered with <see cref="NetifResponseStatus.Null"/>.</param>
public readonly record struct NetifTxResponse(ushort Id, NetifResponseStatus Status)
{
    /// <summary>Bytes of the structure (the ring slot is <see cref="NetifConstants.TxSlotSize"/>).</summary>
    public const int Size = 4;

    /// <summary>Same as <see cref="Size"/>; every netif structure has a <c>WireSize</c>.</summary>
    public const int WireSize = Size;

    /// <summary>Reads the first 4 bytes of <paramref name="source"/> (a private copy of the slot).</summary>
    /// <exception cref="ArgumentException">Fewer than 4 bytes.</exception>
    public static NetifTxResponse Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(source), Size, source.Length);
        }

        return new NetifTxResponse(
            BinaryPrimitives.ReadUInt16LittleEndian(source[NetifField.TxResponseId..]),
            (NetifResponseStatus)BinaryPrimitives.ReadInt16LittleEndian(source[NetifField.TxResponseStatus..]));
    }

    /// <summary>Writes the 4 bytes at the start of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than 4 bytes.</exception>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(destination), Size, destination.Length);
        }

        BinaryPrimitives.WriteUInt16LittleEndian(destination[NetifField.TxResponseId..], Id);
        BinaryPrimitives.WriteInt16LittleEndian(destination[NetifField.TxResponseStatus..], (short)Status);
    }
}
