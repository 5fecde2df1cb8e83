using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>MKNOD3args</c> (RFC 1813 §3.3.11), with <c>mknoddata3</c> flattened: character and block devices
/// carry <see cref="Attributes"/> and <see cref="Device"/>, sockets and FIFOs carry <see cref="Attributes"/>, other
/// types carry nothing (and the server answers NFS3ERR_BADTYPE).</summary>
/// <param name="Where">The directory and the new name.</param>
/// <param name="Type">What to create.</param>
/// <param name="Attributes">Initial attributes (devices, sockets, FIFOs).</param>
/// <param name="Device">Major and minor numbers (devices).</param>
public sealed record MkNod3Args(DirOpArgs3 Where, FileType3 Type, Sattr3 Attributes, SpecData3 Device) : INfsMessage<MkNod3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        Where.Encode(w);
        w.WriteUInt32((uint)Type);
        switch (Type)
        {
            case FileType3.Character or FileType3.Block:
                Attributes.Encode(w);
                Device.Encode(w);
                break;
            case FileType3.Socket or FileType3.Fifo:
                Attributes.Encode(w);
                break;
            default:
                break;
        }
    }

    /// <inheritdoc/>
    public static MkNod3Args Decode(ref XdrReader reader)
    {
        DirOpArgs3 where = DirOpArgs3.Decode(ref reader);
        FileType3 type = Nfs3Xdr.ReadFileType(ref reader);
        return type switch
        {
            FileType3.Character or FileType3.Block => new MkNod3Args(where, type, Sattr3.Decode(ref reader), SpecData3.Decode(ref reader)),
            FileType3.Socket or FileType3.Fifo => new MkNod3Args(where, type, Sattr3.Decode(ref reader), default),
            _ => new MkNod3Args(where, type, Sattr3.Empty, default),
        };
    }
}
