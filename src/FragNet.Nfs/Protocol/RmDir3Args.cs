using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>RMDIR3args</c> (RFC 1813 §3.3.13): remove an empty directory.</summary>
/// <param name="What">The directory and the name in it.</param>
public sealed record RmDir3Args(DirOpArgs3 What) : INfsMessage<RmDir3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        What.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static RmDir3Args Decode(ref XdrReader reader) => new(DirOpArgs3.Decode(ref reader));
}
