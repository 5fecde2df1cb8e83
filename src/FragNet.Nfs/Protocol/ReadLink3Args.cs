using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>READLINK3args</c> (RFC 1813 §3.3.5): the symbolic link to read.</summary>
/// <param name="Symlink">The object's handle.</param>
public sealed record ReadLink3Args(NfsFh3 Symlink) : INfsMessage<ReadLink3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Symlink.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static ReadLink3Args Decode(ref XdrReader reader) => new(NfsFh3.Decode(ref reader));
}
