using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>FSSTAT3args</c> (RFC 1813 §3.3.18): any handle in the file system whose dynamic state is wanted.</summary>
/// <param name="FileSystemRoot">The object's handle.</param>
public sealed record FsStat3Args(NfsFh3 FileSystemRoot) : INfsMessage<FsStat3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        FileSystemRoot.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static FsStat3Args Decode(ref XdrReader reader) => new(NfsFh3.Decode(ref reader));
}
