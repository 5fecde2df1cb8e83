using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>READLINK3res</c> (RFC 1813 §3.3.5).</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="SymlinkAttributes">The link's attributes (both arms), or null.</param>
/// <param name="Target">The link's text (success only; empty otherwise).</param>
public sealed record ReadLink3Result(Nfs3Status Status, Fattr3? SymlinkAttributes, string Target) : INfsMessage<ReadLink3Result>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        w.WriteUInt32((uint)Status);
        Nfs3Xdr.WritePostOpAttr(w, SymlinkAttributes);
        if (Status == Nfs3Status.Ok)
        {
            w.WriteString(Target);
        }
    }

    /// <inheritdoc/>
    public static ReadLink3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        Fattr3? attrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        string target = status == Nfs3Status.Ok ? reader.ReadString(Nfs3Constants.MaxPathLength) : string.Empty;
        return new ReadLink3Result(status, attrs, target);
    }
}
