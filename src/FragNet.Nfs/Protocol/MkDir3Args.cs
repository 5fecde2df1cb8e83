using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>MKDIR3args</c> (RFC 1813 §3.3.9).</summary>
/// <param name="Where">The parent directory and the new name.</param>
/// <param name="Attributes">Initial attributes.</param>
public sealed record MkDir3Args(DirOpArgs3 Where, Sattr3 Attributes) : INfsMessage<MkDir3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Where.Encode(buffer.Current);
        Attributes.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static MkDir3Args Decode(ref XdrReader reader)
    {
        DirOpArgs3 where = DirOpArgs3.Decode(ref reader);
        Sattr3 attrs = Sattr3.Decode(ref reader);
        return new MkDir3Args(where, attrs);
    }
}
