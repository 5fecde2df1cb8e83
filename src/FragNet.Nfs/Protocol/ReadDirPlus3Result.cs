using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>READDIRPLUS3res</c> (RFC 1813 §3.3.17), with <c>dirlistplus3</c>'s linked list as a list.</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="DirectoryAttributes">The directory's attributes (both arms), or null.</param>
/// <param name="CookieVerifier">The verifier to send with later cookies (success only).</param>
/// <param name="Entries">The entries (success only).</param>
/// <param name="Eof">True if the last entry is the directory's last (success only).</param>
public sealed record ReadDirPlus3Result(Nfs3Status Status, Fattr3? DirectoryAttributes, ulong CookieVerifier, IReadOnlyList<EntryPlus3> Entries, bool Eof)
    : INfsMessage<ReadDirPlus3Result>
{
    /// <summary>A failure, with the directory's attributes if known.</summary>
    public static ReadDirPlus3Result Failure(Nfs3Status status, Fattr3? directoryAttributes) => new(status, directoryAttributes, 0, [], false);

    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        w.WriteUInt32((uint)Status);
        Nfs3Xdr.WritePostOpAttr(w, DirectoryAttributes);
        if (Status != Nfs3Status.Ok)
        {
            return;
        }

        Nfs3Xdr.WriteVerifier(w, CookieVerifier);
        foreach (EntryPlus3 e in Entries)
        {
            w.WriteBool(true);
            w.WriteUInt64(e.FileId);
            w.WriteString(e.Name);
            w.WriteUInt64(e.Cookie);
            Nfs3Xdr.WritePostOpAttr(w, e.Attributes);
            Nfs3Xdr.WritePostOpFh(w, e.Handle);
        }

        w.WriteBool(false);
        w.WriteBool(Eof);
    }

    /// <inheritdoc/>
    public static ReadDirPlus3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        Fattr3? attrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        if (status != Nfs3Status.Ok)
        {
            return Failure(status, attrs);
        }

        ulong verf = Nfs3Xdr.ReadVerifier(ref reader);
        List<EntryPlus3> entries = Nfs3Xdr.ReadList(ref reader, Nfs3Constants.MaxDirectoryEntries, static (ref XdrReader r) =>
        {
            ulong fileId = r.ReadUInt64();
            string name = r.ReadString(Nfs3Constants.MaxNameLength);
            ulong cookie = r.ReadUInt64();
            Fattr3? a = Nfs3Xdr.ReadPostOpAttr(ref r);
            NfsFh3? fh = Nfs3Xdr.ReadPostOpFh(ref r);
            return new EntryPlus3(fileId, name, cookie, a, fh);
        });
        bool eof = reader.ReadBool();
        return new ReadDirPlus3Result(status, attrs, verf, entries, eof);
    }
}
