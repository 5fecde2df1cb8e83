using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>wcc_attr</c> (RFC 1813 §2.6): the attributes a client needs to tell whether its cache survived an
/// operation — size, mtime, ctime before it.</summary>
/// <param name="Size">Size in bytes.</param>
/// <param name="Mtime">Last modification of the data.</param>
/// <param name="Ctime">Last change of the attributes.</param>
public sealed record WccAttr(ulong Size, NfsTime3 Mtime, NfsTime3 Ctime)
{
    /// <summary>Encodes the 24 bytes.</summary>
    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt64(Size);
        Mtime.Encode(writer);
        Ctime.Encode(writer);
    }

    /// <summary>Decodes the 24 bytes.</summary>
    public static WccAttr Decode(ref XdrReader reader)
    {
        ulong size = reader.ReadUInt64();
        NfsTime3 mtime = NfsTime3.Decode(ref reader);
        NfsTime3 ctime = NfsTime3.Decode(ref reader);
        return new WccAttr(size, mtime, ctime);
    }
}
