using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary>The <c>mountlist</c> result of DUMP (RFC 1813 appendix I, §5.2.2), its linked list as a list.</summary>
/// <param name="Entries">Who mounted what.</param>
public sealed record MountList3Result(IReadOnlyList<MountEntry3> Entries) : INfsMessage<MountList3Result>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        foreach (MountEntry3 e in Entries)
        {
            w.WriteBool(true);
            w.WriteString(e.HostName);
            w.WriteString(e.Directory);
        }

        w.WriteBool(false);
    }

    /// <inheritdoc/>
    public static MountList3Result Decode(ref XdrReader reader)
    {
        List<MountEntry3> entries = Nfs3Xdr.ReadList(ref reader, MountConstants.MaxListEntries, static (ref XdrReader r) =>
        {
            string host = r.ReadString(MountConstants.MaxNameLength);
            string dir = r.ReadString(MountConstants.MaxPathLength);
            return new MountEntry3(host, dir);
        });
        return new MountList3Result(entries);
    }
}
