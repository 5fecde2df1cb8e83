using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>READDIRPLUS3args</c> (RFC 1813 §3.3.17).</summary>
/// <param name="Directory">The directory.</param>
/// <param name="Cookie">0 to start, else the cookie of the last entry received.</param>
/// <param name="CookieVerifier">0 to start, else the verifier the previous reply returned.</param>
/// <param name="DirectoryCount">Most bytes of directory information (file id, name, cookie) wanted.</param>
/// <param name="MaxCount">Largest <c>READDIRPLUS3resok</c> the client accepts, XDR overhead included.</param>
public sealed record ReadDirPlus3Args(NfsFh3 Directory, ulong Cookie, ulong CookieVerifier, uint DirectoryCount, uint MaxCount)
    : INfsMessage<ReadDirPlus3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        Directory.Encode(w);
        w.WriteUInt64(Cookie);
        Nfs3Xdr.WriteVerifier(w, CookieVerifier);
        w.WriteUInt32(DirectoryCount);
        w.WriteUInt32(MaxCount);
    }

    /// <inheritdoc/>
    public static ReadDirPlus3Args Decode(ref XdrReader reader)
    {
        NfsFh3 dir = NfsFh3.Decode(ref reader);
        ulong cookie = reader.ReadUInt64();
        ulong verf = Nfs3Xdr.ReadVerifier(ref reader);
        uint dircount = reader.ReadUInt32();
        uint maxcount = reader.ReadUInt32();
        return new ReadDirPlus3Args(dir, cookie, verf, dircount, maxcount);
    }
}
