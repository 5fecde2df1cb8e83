using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>LINK3args</c> (RFC 1813 §3.3.15): a new hard link to <paramref name="File"/>.</summary>
/// <param name="File">The existing file.</param>
/// <param name="Link">The directory and name of the new link.</param>
public sealed record Link3Args(NfsFh3 File, DirOpArgs3 Link) : INfsMessage<Link3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        File.Encode(buffer.Current);
        Link.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static Link3Args Decode(ref XdrReader reader)
    {
        NfsFh3 file = NfsFh3.Decode(ref reader);
        DirOpArgs3 link = DirOpArgs3.Decode(ref reader);
        return new Link3Args(file, link);
    }
}
