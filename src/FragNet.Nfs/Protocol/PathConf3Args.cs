using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>PATHCONF3args</c> (RFC 1813 §3.3.20): the object whose POSIX pathconf values are wanted.</summary>
/// <param name="Handle">The object's handle.</param>
public sealed record PathConf3Args(NfsFh3 Handle) : INfsMessage<PathConf3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Handle.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static PathConf3Args Decode(ref XdrReader reader) => new(NfsFh3.Decode(ref reader));
}
