using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>sattr3</c> (RFC 1813 §2.6): the attributes SETATTR, CREATE, MKDIR, SYMLINK and MKNOD may set. A null
/// field (a false <c>set_it</c> on the wire) is left alone.</summary>
/// <param name="Mode">New mode bits, or null.</param>
/// <param name="Uid">New owner, or null.</param>
/// <param name="Gid">New group, or null.</param>
/// <param name="Size">New size (truncate or extend), or null.</param>
/// <param name="Atime">How to set the access time.</param>
/// <param name="Mtime">How to set the modification time.</param>
public sealed record Sattr3(uint? Mode, uint? Uid, uint? Gid, ulong? Size, SetTime3 Atime, SetTime3 Mtime)
{
    /// <summary>Nothing to set.</summary>
    public static Sattr3 Empty { get; } = new(null, null, null, null, SetTime3.DontChange, SetTime3.DontChange);

    /// <summary>Encodes the six discriminated unions.</summary>
    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteOptional(writer, Mode);
        WriteOptional(writer, Uid);
        WriteOptional(writer, Gid);
        writer.WriteBool(Size.HasValue);
        if (Size is ulong size)
        {
            writer.WriteUInt64(size);
        }

        Atime.Encode(writer);
        Mtime.Encode(writer);
    }

    /// <summary>Decodes the six discriminated unions.</summary>
    public static Sattr3 Decode(ref XdrReader reader)
    {
        uint? mode = reader.ReadBool() ? reader.ReadUInt32() : null;
        uint? uid = reader.ReadBool() ? reader.ReadUInt32() : null;
        uint? gid = reader.ReadBool() ? reader.ReadUInt32() : null;
        ulong? size = reader.ReadBool() ? reader.ReadUInt64() : null;
        SetTime3 atime = SetTime3.Decode(ref reader);
        SetTime3 mtime = SetTime3.Decode(ref reader);
        return new Sattr3(mode, uid, gid, size, atime, mtime);
    }

    private static void WriteOptional(XdrWriter writer, uint? value)
    {
        writer.WriteBool(value.HasValue);
        if (value is uint v)
        {
            writer.WriteUInt32(v);
        }
    }
}
