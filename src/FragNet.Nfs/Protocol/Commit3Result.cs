using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>COMMIT3res</c> (RFC 1813 §3.3.21).</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="FileWcc">The file's weak cache consistency data (both arms).</param>
/// <param name="Verifier">The server's write verifier, big-endian (success only); the same value WRITE returns
/// unless the server lost unstable data in between.</param>
public sealed record Commit3Result(Nfs3Status Status, WccData FileWcc, ulong Verifier) : INfsMessage<Commit3Result>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        w.WriteUInt32((uint)Status);
        FileWcc.Encode(w);
        if (Status == Nfs3Status.Ok)
        {
            Nfs3Xdr.WriteVerifier(w, Verifier);
        }
    }

    /// <inheritdoc/>
    public static Commit3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        WccData wcc = WccData.Decode(ref reader);
        ulong verf = status == Nfs3Status.Ok ? Nfs3Xdr.ReadVerifier(ref reader) : 0;
        return new Commit3Result(status, wcc, verf);
    }
}
