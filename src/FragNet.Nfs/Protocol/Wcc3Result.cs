using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary>The result of SETATTR (<c>SETATTR3res</c>, §3.3.2), REMOVE (<c>REMOVE3res</c>, §3.3.12) and RMDIR
/// (<c>RMDIR3res</c>, §3.3.13) of RFC 1813: all three are a status and one <c>wcc_data</c> in both arms.</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="Wcc">The object's (SETATTR) or directory's (REMOVE, RMDIR) weak cache consistency data.</param>
public sealed record Wcc3Result(Nfs3Status Status, WccData Wcc) : INfsMessage<Wcc3Result>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.WriteUInt32((uint)Status);
        Wcc.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static Wcc3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        return new Wcc3Result(status, WccData.Decode(ref reader));
    }
}
