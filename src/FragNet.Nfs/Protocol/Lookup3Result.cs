using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>LOOKUP3res</c> (RFC 1813 §3.3.3).</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="Handle">The handle found (success only).</param>
/// <param name="ObjectAttributes">Its attributes (success only), or null.</param>
/// <param name="DirectoryAttributes">The directory's attributes (both arms), or null.</param>
public sealed record Lookup3Result(Nfs3Status Status, NfsFh3? Handle, Fattr3? ObjectAttributes, Fattr3? DirectoryAttributes)
    : INfsMessage<Lookup3Result>
{
    /// <summary>A failure, with the directory's attributes if known.</summary>
    public static Lookup3Result Failure(Nfs3Status status, Fattr3? directoryAttributes) => new(status, null, null, directoryAttributes);

    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        w.WriteUInt32((uint)Status);
        if (Status == Nfs3Status.Ok)
        {
            (Handle ?? throw new InvalidOperationException("a successful LOOKUP carries a handle")).Encode(w);
            Nfs3Xdr.WritePostOpAttr(w, ObjectAttributes);
        }

        Nfs3Xdr.WritePostOpAttr(w, DirectoryAttributes);
    }

    /// <inheritdoc/>
    public static Lookup3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        if (status != Nfs3Status.Ok)
        {
            return Failure(status, Nfs3Xdr.ReadPostOpAttr(ref reader));
        }

        NfsFh3 obj = NfsFh3.Decode(ref reader);
        Fattr3? objAttrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        Fattr3? dirAttrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        return new Lookup3Result(status, obj, objAttrs, dirAttrs);
    }
}
