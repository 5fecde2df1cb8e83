using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary>The result of CREATE (<c>CREATE3res</c>, §3.3.8), MKDIR (<c>MKDIR3res</c>, §3.3.9), SYMLINK
/// (<c>SYMLINK3res</c>, §3.3.10) and MKNOD (<c>MKNOD3res</c>, §3.3.11) of RFC 1813, which share one shape: on
/// success an optional handle and attributes of the new object and the directory's wcc data, on failure the
/// directory's wcc data.</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="Handle">The new object's handle (<c>post_op_fh3</c>, success only), or null.</param>
/// <param name="ObjectAttributes">Its attributes (success only), or null.</param>
/// <param name="DirectoryWcc">The directory's weak cache consistency data (both arms).</param>
public sealed record NewObject3Result(Nfs3Status Status, NfsFh3? Handle, Fattr3? ObjectAttributes, WccData DirectoryWcc)
    : INfsMessage<NewObject3Result>
{
    /// <summary>A failure with the directory's weak cache consistency data.</summary>
    public static NewObject3Result Failure(Nfs3Status status, WccData directoryWcc) => new(status, null, null, directoryWcc);

    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        w.WriteUInt32((uint)Status);
        if (Status == Nfs3Status.Ok)
        {
            Nfs3Xdr.WritePostOpFh(w, Handle);
            Nfs3Xdr.WritePostOpAttr(w, ObjectAttributes);
        }

        DirectoryWcc.Encode(w);
    }

    /// <inheritdoc/>
    public static NewObject3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        if (status != Nfs3Status.Ok)
        {
            return Failure(status, WccData.Decode(ref reader));
        }

        NfsFh3? obj = Nfs3Xdr.ReadPostOpFh(ref reader);
        Fattr3? attrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        WccData wcc = WccData.Decode(ref reader);
        return new NewObject3Result(status, obj, attrs, wcc);
    }
}
