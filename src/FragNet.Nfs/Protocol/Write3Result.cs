using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>WRITE3res</c> (RFC 1813 §3.3.7).</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="FileWcc">The file's weak cache consistency data (both arms).</param>
/// <param name="Count">Bytes written (success only).</param>
/// <param name="Committed">How stable the written data is (success only).</param>
/// <param name="Verifier">The server's <c>writeverf3</c>, big-endian (success only): it changes when the server may
/// have lost unstable data, telling the client to write it again.</param>
public sealed record Write3Result(Nfs3Status Status, WccData FileWcc, uint Count, StableHow Committed, ulong Verifier)
    : INfsMessage<Write3Result>
{
    /// <summary>A failure with the file's weak cache consistency data.</summary>
    public static Write3Result Failure(Nfs3Status status, WccData fileWcc) => new(status, fileWcc, 0, StableHow.Unstable, 0);

    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        w.WriteUInt32((uint)Status);
        FileWcc.Encode(w);
        if (Status == Nfs3Status.Ok)
        {
            w.WriteUInt32(Count);
            w.WriteUInt32((uint)Committed);
            Nfs3Xdr.WriteVerifier(w, Verifier);
        }
    }

    /// <inheritdoc/>
    public static Write3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        WccData wcc = WccData.Decode(ref reader);
        if (status != Nfs3Status.Ok)
        {
            return Failure(status, wcc);
        }

        uint count = reader.ReadUInt32();
        var committed = (StableHow)reader.ReadEnum((uint)StableHow.FileSync);
        ulong verf = Nfs3Xdr.ReadVerifier(ref reader);
        return new Write3Result(status, wcc, count, committed, verf);
    }
}
