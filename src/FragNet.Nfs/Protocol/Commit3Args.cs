using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>COMMIT3args</c> (RFC 1813 §3.3.21): make unstable writes in a range stable.</summary>
/// <param name="File">The file.</param>
/// <param name="Offset">Start of the range.</param>
/// <param name="Count">Length of the range; 0 means to the end of the file.</param>
public sealed record Commit3Args(NfsFh3 File, ulong Offset, uint Count) : INfsMessage<Commit3Args>
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
    public static Commit3Args Decode(ref XdrReader reader)
    {
        NfsFh3 file = NfsFh3.Decode(ref reader);
        ulong offset = reader.ReadUInt64();
        uint count = reader.ReadUInt32();
        return new Commit3Args(file, offset, count);
    }
}
