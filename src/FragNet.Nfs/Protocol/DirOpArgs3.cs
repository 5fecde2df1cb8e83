using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>diropargs3</c> (RFC 1813 §2.6): a directory and a name in it.</summary>
/// <param name="Directory">The directory's handle.</param>
/// <param name="Name">The name (at most <see cref="Nfs3Constants.MaxNameLength"/> UTF-8 bytes).</param>
public sealed record DirOpArgs3(NfsFh3 Directory, string Name)
{
    /// <summary>Encodes the handle and the name.</summary>
    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Directory.Encode(writer);
        writer.WriteString(Name);
    }

    /// <summary>Decodes the handle and the name.</summary>
    public static DirOpArgs3 Decode(ref XdrReader reader)
    {
        NfsFh3 dir = NfsFh3.Decode(ref reader);
        string name = reader.ReadString(Nfs3Constants.MaxNameLength);
        return new DirOpArgs3(dir, name);
    }
}
