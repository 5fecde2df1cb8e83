using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>READDIR3args</c> (RFC 1813 §3.3.16).</summary>
/// <param name="Directory">The directory.</param>
/// <param name="Cookie">0 to start, else the cookie of the last entry received.</param>
/// <param name="CookieVerifier">0 to start, else the verifier the previous reply returned.</param>
/// <param name="Count">Largest <c>READDIR3resok</c> the client accepts, XDR overhead included.</param>
public sealed record ReadDir3Args(NfsFh3 Directory, ulong Cookie, ulong CookieVerifier, uint Count) : INfsMessage<ReadDir3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        Directory.Encode(w);
        w.WriteUInt64(Cookie);
        Nfs3Xdr.WriteVerifier(w, CookieVerifier);
        w.WriteUInt32(Count);
    }

    /// <inheritdoc/>
    public static ReadDir3Args Decode(ref XdrReader reader)
    {
        NfsFh3 dir = NfsFh3.Decode(ref reader);
        ulong cookie = reader.ReadUInt64();
        ulong verf = Nfs3Xdr.ReadVerifier(ref reader);
        uint count = reader.ReadUInt32();
        return new ReadDir3Args(dir, cookie, verf, count);
    }
}
