using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary>The <c>exports</c> result of EXPORT (RFC 1813 appendix I, §5.2.5), its linked lists as lists.</summary>
/// <param name="Exports">The exported paths and who may mount them.</param>
public sealed record Exports3Result(IReadOnlyList<ExportNode3> Exports) : INfsMessage<Exports3Result>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        foreach (ExportNode3 e in Exports)
        {
            w.WriteBool(true);
            w.WriteString(e.Directory);
            foreach (string g in e.Groups)
            {
                w.WriteBool(true);
                w.WriteString(g);
            }

            w.WriteBool(false);
        }

        w.WriteBool(false);
    }

    /// <inheritdoc/>
    public static Exports3Result Decode(ref XdrReader reader)
    {
        List<ExportNode3> exports = Nfs3Xdr.ReadList(ref reader, MountConstants.MaxListEntries, static (ref XdrReader r) =>
        {
            string dir = r.ReadString(MountConstants.MaxPathLength);
            List<string> groups = Nfs3Xdr.ReadList(ref r, MountConstants.MaxListEntries, static (ref XdrReader g) => g.ReadString(MountConstants.MaxNameLength));
            return new ExportNode3(dir, groups);
        });
        return new Exports3Result(exports);
    }
}
