using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary>
/// An NFS or MOUNT argument or result structure: the client encodes arguments and decodes results, the server does
/// the reverse, so every message type does both, symmetrically.
/// </summary>
/// <typeparam name="TSelf">The message type itself.</typeparam>
/// <remarks>
/// <see cref="Decode"/> reads one structure and leaves the reader after it; it never throws on bad input but records
/// the first failure in the reader (read the whole thing, then check <see cref="XdrReader.IsValid"/>). Checking that
/// nothing follows (<see cref="XdrReader.ExpectEnd"/>) is the caller's, since a result may be followed by nothing and
/// an argument must be. Bulk opaque data (WRITE arguments, READ results) is returned as a slice of the input.
/// </remarks>
public interface INfsMessage<TSelf>
    where TSelf : INfsMessage<TSelf>
{
    /// <summary>Appends the XDR encoding to <paramref name="buffer"/>.</summary>
    void Encode(XdrBuf buffer);

    /// <summary>Decodes one structure; check <see cref="XdrReader.IsValid"/> afterwards.</summary>
    static abstract TSelf Decode(ref XdrReader reader);
}
