using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>READ3res</c> (RFC 1813 §3.3.6). On success the data is either bytes (<see cref="Data"/>) or page
/// references (<see cref="Pages"/>, encoded by reference with <see cref="XdrBuf.WriteOpaquePages"/>). Decoding
/// returns <see cref="Data"/> as a slice of the input.</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="FileAttributes">The file's attributes (both arms).</param>
/// <param name="Count">Bytes returned (encoded as given).</param>
/// <param name="Eof">True if the read reached the end of the file.</param>
/// <param name="Data">The bytes (ignored when <see cref="Pages"/> is not empty).</param>
public sealed record Read3Result(Nfs3Status Status, Fattr3? FileAttributes, uint Count, bool Eof, ReadOnlyMemory<byte> Data)
    : INfsMessage<Read3Result>
{
    /// <summary>The data as page references; when not empty it replaces <see cref="Data"/>.</summary>
    public ReadOnlyMemory<XdrPage> Pages { get; init; }

    /// <summary>A failure, with the file's attributes if known.</summary>
    public static Read3Result Failure(Nfs3Status status, Fattr3? fileAttributes) =>
        new(status, fileAttributes, 0, false, ReadOnlyMemory<byte>.Empty);

    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        w.WriteUInt32((uint)Status);
        Nfs3Xdr.WritePostOpAttr(w, FileAttributes);
        if (Status != Nfs3Status.Ok)
        {
            return;
        }

        w.WriteUInt32(Count);
        w.WriteBool(Eof);
        if (!Pages.IsEmpty)
        {
            buffer.WriteOpaquePages(Pages.Span);
        }
        else
        {
            w.WriteOpaque(Data.Span);
        }
    }

    /// <inheritdoc/>
    public static Read3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        Fattr3? attrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        if (status != Nfs3Status.Ok)
        {
            return Failure(status, attrs);
        }

        uint count = reader.ReadUInt32();
        bool eof = reader.ReadBool();
        ReadOnlyMemory<byte> data = reader.ReadOpaque(int.MaxValue); // bounded by the message itself
        return new Read3Result(status, attrs, count, eof, data);
    }
}
