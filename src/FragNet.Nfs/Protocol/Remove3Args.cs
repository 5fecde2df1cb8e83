using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>REMOVE3args</c> (RFC 1813 §3.3.12): remove a non-directory entry.</summary>
/// <param name="What">The directory and the name in it.</param>
public sealed record Remove3Args(DirOpArgs3 What) : INfsMessage<Remove3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        What.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static Remove3Args Decode(ref XdrReader reader) => new(DirOpArgs3.Decode(ref reader));
}
