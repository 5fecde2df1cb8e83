using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>GETATTR3args</c> (RFC 1813 §3.3.1): the object whose attributes are wanted.</summary>
/// <param name="Handle">The object's handle.</param>
public sealed record GetAttr3Args(NfsFh3 Handle) : INfsMessage<GetAttr3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Handle.Encode(buffer.Current);
    }

    /// <inheritdoc/>
    public static GetAttr3Args Decode(ref XdrReader reader) => new(NfsFh3.Decode(ref reader));
}
