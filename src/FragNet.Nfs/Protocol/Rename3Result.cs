using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>RENAME3res</c> (RFC 1813 §3.3.14): both directories' wcc data, in both arms.</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="FromDirectoryWcc">The source directory's weak cache consistency data.</param>
/// <param name="ToDirectoryWcc">The target directory's weak cache consistency data.</param>
public sealed record Rename3Result(Nfs3Status Status, WccData FromDirectoryWcc, WccData ToDirectoryWcc) : INfsMessage<Rename3Result>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.WriteUInt32((uint)Status);
        FromDirectoryWcc.Encode(buffer.Current);
        ToDirectoryWcc.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static Rename3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        WccData from = WccData.Decode(ref reader);
        WccData to = WccData.Decode(ref reader);
        return new Rename3Result(status, from, to);
    }
}
