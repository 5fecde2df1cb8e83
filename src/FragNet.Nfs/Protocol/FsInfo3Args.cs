using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>FSINFO3args</c> (RFC 1813 §3.3.19): a handle in the file system whose static information is wanted (usually the root).</summary>
/// <param name="FileSystemRoot">The object's handle.</param>
public sealed record FsInfo3Args(NfsFh3 FileSystemRoot) : INfsMessage<FsInfo3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        FileSystemRoot.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static FsInfo3Args Decode(ref XdrReader reader) => new(NfsFh3.Decode(ref reader));
}
