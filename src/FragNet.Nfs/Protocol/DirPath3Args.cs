using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary>The <c>dirpath</c> argument of MOUNT's MNT (§5.2.1) and UMNT (§5.2.3) (RFC 1813 appendix I).</summary>
/// <param name="Path">The server path (at most <see cref="MountConstants.MaxPathLength"/> bytes).</param>
public sealed record DirPath3Args(string Path) : INfsMessage<DirPath3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.WriteString(Path);
    }

    /// <inheritdoc/>
    public static DirPath3Args Decode(ref XdrReader reader) => new(reader.ReadString(MountConstants.MaxPathLength));
}
