using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>READDIR3res</c> (RFC 1813 §3.3.16), with <c>dirlist3</c>'s linked list as a list.</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="DirectoryAttributes">The directory's attributes (both arms), or null.</param>
/// <param name="CookieVerifier">The verifier to send with later cookies (success only).</param>
/// <param name="Entries">The entries (success only).</param>
/// <param name="Eof">True if the last entry is the directory's last (success only).</param>
public sealed record ReadDir3Result(Nfs3Status Status, Fattr3? DirectoryAttributes, ulong CookieVerifier, IReadOnlyList<Entry3> Entries, bool Eof)
    : INfsMessage<ReadDir3Result>
{
    /// <summary>Bytes of a successful reply before the first entry: status, <c>post_op_attr</c> (present),
    /// cookie verifier. With <see cref="TrailerLength"/> this is what a reply with no entries costs.</summary>
    public const int HeaderLength = 4 + Nfs3Constants.PostOpAttrLength + Nfs3Constants.VerifierLength;

    /// <summary>Bytes after the last entry: the final <c>value_follows</c> (false) and <c>eof</c>.</summary>
    public const int TrailerLength = 8;

    /// <summary>A failure, with the directory's attributes if known.</summary>
    public static ReadDir3Result Failure(Nfs3Status status, Fattr3? directoryAttributes) => new(status, directoryAttributes, 0, [], false);

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
        foreach (Entry3 e in Entries)
        {
            w.WriteBool(true);
            w.WriteUInt64(e.FileId);
            w.WriteString(e.Name);
            w.WriteUInt64(e.Cookie);
        }

        w.WriteBool(false);
        w.WriteBool(Eof);
    }

    /// <inheritdoc/>
    public static ReadDir3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        Fattr3? attrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        if (status != Nfs3Status.Ok)
        {
            return Failure(status, attrs);
        }

        ulong verf = Nfs3Xdr.ReadVerifier(ref reader);
        List<Entry3> entries = Nfs3Xdr.ReadList(ref reader, Nfs3Constants.MaxDirectoryEntries, static (ref XdrReader r) =>
        {
            ulong fileId = r.ReadUInt64();
            string name = r.ReadString(Nfs3Constants.MaxNameLength);
            ulong cookie = r.ReadUInt64();
            return new Entry3(fileId, name, cookie);
        });
        bool eof = reader.ReadBool();
        return new ReadDir3Result(status, attrs, verf, entries, eof);
    }
}
