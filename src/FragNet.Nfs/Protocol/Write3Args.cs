using System.Buffers.Binary;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary>
/// <c>WRITE3args</c> (RFC 1813 §3.3.7). The data is either bytes (<see cref="Data"/>) or page references
/// (<see cref="Pages"/>); with pages, <see cref="Encode"/> records them in the <see cref="XdrBuf"/> by reference
/// (<see cref="XdrBuf.WriteOpaquePages"/>), so the payload is never copied on the way to the transport.
/// </summary>
/// <remarks>
/// <para><see cref="Count"/> is encoded as given, not recomputed: RFC 1813 carries the length twice (the
/// <c>count</c> field and the opaque's own length word) and tests need to send a mismatch. The factories
/// <see cref="FromBytes"/> and <see cref="FromPages"/> set it from the data.</para>
/// <para>Decoding returns <see cref="Data"/> as a slice of the input (no copy); it is valid as long as the input is.</para>
/// <para>The data always starts <see cref="DataOffset"/> bytes after the start of the encoded arguments: the handle,
/// offset (8), count (4), stable (4) and the opaque's length word (4) precede it. Nothing before the data is
/// variable except the handle, so the offset depends only on the handle's length.</para>
/// </remarks>
/// <param name="File">The file to write.</param>
/// <param name="Offset">Byte offset to write at.</param>
/// <param name="Count">The <c>count</c> field (normally the data's length).</param>
/// <param name="Stable">How stable the data must be before the reply.</param>
/// <param name="Data">The data as bytes (ignored when <see cref="Pages"/> is not empty).</param>
public sealed record Write3Args(NfsFh3 File, ulong Offset, uint Count, StableHow Stable, ReadOnlyMemory<byte> Data)
    : INfsMessage<Write3Args>
{
    /// <summary>The data as page references; when not empty it replaces <see cref="Data"/>.</summary>
    public ReadOnlyMemory<XdrPage> Pages { get; init; }

    /// <summary>True when the data travels as page references.</summary>
    public bool HasPages => !Pages.IsEmpty;

    /// <summary>Bytes of data (of the pages, or of <see cref="Data"/>).</summary>
    public int DataLength => HasPages ? Nfs3Xdr.PageLength(Pages.Span) : Data.Length;

    /// <summary>Where the data begins, in bytes from the start of the encoded arguments.</summary>
    public int DataOffset => DataOffsetFor(File.Length);

    /// <summary>Arguments whose <see cref="Count"/> is <paramref name="data"/>'s length.</summary>
    public static Write3Args FromBytes(NfsFh3 file, ulong offset, StableHow stable, ReadOnlyMemory<byte> data) =>
        new(file, offset, (uint)data.Length, stable, data);

    /// <summary>Arguments whose data is <paramref name="pages"/>, by reference, and whose <see cref="Count"/> is their
    /// total length.</summary>
    public static Write3Args FromPages(NfsFh3 file, ulong offset, StableHow stable, ReadOnlyMemory<XdrPage> pages) =>
        new(file, offset, (uint)Nfs3Xdr.PageLength(pages.Span), stable, ReadOnlyMemory<byte>.Empty) { Pages = pages };

    /// <summary>Where the data begins in encoded arguments whose handle is <paramref name="handleLength"/> bytes: the
    /// handle's length word and padded bytes, offset (8), count (4), stable (4), the data's length word (4).</summary>
    public static int DataOffsetFor(int handleLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(handleLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(handleLength, Nfs3Constants.MaxHandleLength);
        return 4 + ((handleLength + 3) & ~3) + 8 + 4 + 4 + 4;
    }

    /// <summary>Where the data begins in <paramref name="encodedArguments"/> (read from its handle length word).
    /// False if the bytes are too short to hold the whole prefix or the handle length is over 64.</summary>
    public static bool TryGetDataOffset(ReadOnlySpan<byte> encodedArguments, out int offset)
    {
        offset = 0;
        if (encodedArguments.Length < 4)
        {
            return false;
        }

        uint handleLength = BinaryPrimitives.ReadUInt32BigEndian(encodedArguments);
        if (handleLength > Nfs3Constants.MaxHandleLength)
        {
            return false;
        }

        int at = DataOffsetFor((int)handleLength);
        if (at > encodedArguments.Length)
        {
            return false;
        }

        offset = at;
        return true;
    }

    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        File.Encode(w);
        w.WriteUInt64(Offset);
        w.WriteUInt32(Count);
        w.WriteUInt32((uint)Stable);
        if (HasPages)
        {
            buffer.WriteOpaquePages(Pages.Span);
        }
        else
        {
            w.WriteOpaque(Data.Span);
        }
    }

    /// <inheritdoc/>
    public static Write3Args Decode(ref XdrReader reader)
    {
        NfsFh3 file = NfsFh3.Decode(ref reader);
        ulong offset = reader.ReadUInt64();
        uint count = reader.ReadUInt32();
        var stable = (StableHow)reader.ReadEnum((uint)StableHow.FileSync);
        ReadOnlyMemory<byte> data = reader.ReadOpaque(int.MaxValue); // bounded by the message itself
        return new Write3Args(file, offset, count, stable, data);
    }
}
