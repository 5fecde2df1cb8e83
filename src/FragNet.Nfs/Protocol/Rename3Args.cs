using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>RENAME3args</c> (RFC 1813 §3.3.14).</summary>
/// <param name="From">The source directory and name.</param>
/// <param name="To">The target directory and name.</param>
public sealed record Rename3Args(DirOpArgs3 From, DirOpArgs3 To) : INfsMessage<Rename3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        From.Encode(buffer.Current);
        To.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static Rename3Args Decode(ref XdrReader reader)
    {
        DirOpArgs3 from = DirOpArgs3.Decode(ref reader);
        DirOpArgs3 to = DirOpArgs3.Decode(ref reader);
        return new Rename3Args(from, to);
    }
}
