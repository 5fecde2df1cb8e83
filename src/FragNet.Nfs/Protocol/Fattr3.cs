using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>fattr3</c> (RFC 1813 §2.6): the attributes of a file system object, 84 bytes on the wire.</summary>
/// <param name="Type">The object's type.</param>
/// <param name="Mode">Permission and mode bits (low 12 bits: <c>07777</c>).</param>
/// <param name="LinkCount">Hard links to the object.</param>
/// <param name="Uid">Owner.</param>
/// <param name="Gid">Group.</param>
/// <param name="Size">Size in bytes (for a symlink, the length of its target).</param>
/// <param name="Used">Bytes of storage actually used.</param>
/// <param name="Rdev">Device numbers, for block and character devices.</param>
/// <param name="FileSystemId">The file system's identifier.</param>
/// <param name="FileId">The object's number within its file system (an inode number).</param>
/// <param name="Atime">Last access.</param>
/// <param name="Mtime">Last modification of the data.</param>
/// <param name="Ctime">Last change of the attributes.</param>
public sealed record Fattr3(
    FileType3 Type,
    uint Mode,
    uint LinkCount,
    uint Uid,
    uint Gid,
    ulong Size,
    ulong Used,
    SpecData3 Rdev,
    ulong FileSystemId,
    ulong FileId,
    NfsTime3 Atime,
    NfsTime3 Mtime,
    NfsTime3 Ctime)
{
    /// <summary>The <c>wcc_attr</c> subset, for weak cache consistency data.</summary>
    public WccAttr ToWccAttr() => new(Size, Mtime, Ctime);

    /// <summary>Encodes the 84 bytes.</summary>
    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt32((uint)Type);
        writer.WriteUInt32(Mode);
        writer.WriteUInt32(LinkCount);
        writer.WriteUInt32(Uid);
        writer.WriteUInt32(Gid);
        writer.WriteUInt64(Size);
        writer.WriteUInt64(Used);
        Rdev.Encode(writer);
        writer.WriteUInt64(FileSystemId);
        writer.WriteUInt64(FileId);
        Atime.Encode(writer);
        Mtime.Encode(writer);
        Ctime.Encode(writer);
    }

    /// <summary>Decodes the 84 bytes; a type outside 1..7 is <see cref="XdrError.BadDiscriminant"/>.</summary>
    public static Fattr3 Decode(ref XdrReader reader)
    {
        FileType3 type = Nfs3Xdr.ReadFileType(ref reader);
        uint mode = reader.ReadUInt32();
        uint nlink = reader.ReadUInt32();
        uint uid = reader.ReadUInt32();
        uint gid = reader.ReadUInt32();
        ulong size = reader.ReadUInt64();
        ulong used = reader.ReadUInt64();
        SpecData3 rdev = SpecData3.Decode(ref reader);
        ulong fsid = reader.ReadUInt64();
        ulong fileId = reader.ReadUInt64();
        NfsTime3 atime = NfsTime3.Decode(ref reader);
        NfsTime3 mtime = NfsTime3.Decode(ref reader);
        NfsTime3 ctime = NfsTime3.Decode(ref reader);
        return new Fattr3(type, mode, nlink, uid, gid, size, used, rdev, fsid, fileId, atime, mtime, ctime);
    }
}
