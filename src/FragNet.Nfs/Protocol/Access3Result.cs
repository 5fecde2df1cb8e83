using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>ACCESS3res</c> (RFC 1813 §3.3.4).</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="ObjectAttributes">The object's attributes (both arms), or null.</param>
/// <param name="Access">The bits granted (success only).</param>
public sealed record Access3Result(Nfs3Status Status, Fattr3? ObjectAttributes, Access3 Access) : INfsMessage<Access3Result>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        w.WriteUInt32((uint)Status);
        Nfs3Xdr.WritePostOpAttr(w, ObjectAttributes);
        if (Status == Nfs3Status.Ok)
        {
            w.WriteUInt32((uint)Access);
        }
    }

    /// <inheritdoc/>
    public static Access3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        Fattr3? attrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        var access = status == Nfs3Status.Ok ? (Access3)reader.ReadUInt32() : Access3.None;
        return new Access3Result(status, attrs, access);
    }
}
