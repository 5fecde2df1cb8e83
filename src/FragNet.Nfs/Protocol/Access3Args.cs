using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>ACCESS3args</c> (RFC 1813 §3.3.4): which of <paramref name="Access"/> may the caller do?</summary>
/// <param name="Handle">The object.</param>
/// <param name="Access">The bits asked about (unknown bits are carried as sent).</param>
public sealed record Access3Args(NfsFh3 Handle, Access3 Access) : INfsMessage<Access3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Handle.Encode(buffer.Current);
        buffer.WriteUInt32((uint)Access);
    }

    /// <inheritdoc/>
    public static Access3Args Decode(ref XdrReader reader)
    {
        NfsFh3 obj = NfsFh3.Decode(ref reader);
        var access = (Access3)reader.ReadUInt32();
        return new Access3Args(obj, access);
    }
}
