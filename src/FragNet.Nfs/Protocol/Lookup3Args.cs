using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>LOOKUP3args</c> (RFC 1813 §3.3.3): look a name up in a directory.</summary>
/// <param name="What">The directory and the name in it.</param>
public sealed record Lookup3Args(DirOpArgs3 What) : INfsMessage<Lookup3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        What.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static Lookup3Args Decode(ref XdrReader reader) => new(DirOpArgs3.Decode(ref reader));
}
