using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>LINK3res</c> (RFC 1813 §3.3.15): the file's attributes and the directory's wcc data, in both arms.</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="FileAttributes">The linked file's attributes, or null.</param>
/// <param name="LinkDirectoryWcc">The directory's weak cache consistency data.</param>
public sealed record Link3Result(Nfs3Status Status, Fattr3? FileAttributes, WccData LinkDirectoryWcc) : INfsMessage<Link3Result>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.WriteUInt32((uint)Status);
        Nfs3Xdr.WritePostOpAttr(buffer.Current, FileAttributes);
        LinkDirectoryWcc.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static Link3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        Fattr3? attrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        WccData wcc = WccData.Decode(ref reader);
        return new Link3Result(status, attrs, wcc);
    }
}
