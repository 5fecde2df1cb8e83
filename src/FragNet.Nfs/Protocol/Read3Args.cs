using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>READ3args</c> (RFC 1813 §3.3.6).</summary>
/// <param name="File">The file to read.</param>
/// <param name="Offset">Byte offset to start at.</param>
/// <param name="Count">Bytes wanted (a server may return fewer, and clamps to its <c>rtmax</c>).</param>
public sealed record Read3Args(NfsFh3 File, ulong Offset, uint Count) : INfsMessage<Read3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        File.Encode(buffer.Current);
        buffer.WriteUInt64(Offset);
        buffer.WriteUInt32(Count);
    }

    /// <inheritdoc/>
    public static Read3Args Decode(ref XdrReader reader)
    {
        NfsFh3 file = NfsFh3.Decode(ref reader);
        ulong offset = reader.ReadUInt64();
        uint count = reader.ReadUInt32();
        return new Read3Args(file, offset, count);
    }
}
