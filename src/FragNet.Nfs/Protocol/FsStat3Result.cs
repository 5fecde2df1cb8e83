using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>FSSTAT3res</c> (RFC 1813 §3.3.18): the file system's dynamic state.</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="ObjectAttributes">The object's attributes (both arms), or null.</param>
/// <param name="TotalBytes">Size of the file system.</param>
/// <param name="FreeBytes">Free bytes.</param>
/// <param name="AvailableBytes">Free bytes available to the caller.</param>
/// <param name="TotalFiles">Total file slots (inodes).</param>
/// <param name="FreeFiles">Free file slots.</param>
/// <param name="AvailableFiles">Free file slots available to the caller.</param>
/// <param name="InvariantSeconds">How long the values are not expected to change (0: volatile).</param>
public sealed record FsStat3Result(
    Nfs3Status Status,
    Fattr3? ObjectAttributes,
    ulong TotalBytes,
    ulong FreeBytes,
    ulong AvailableBytes,
    ulong TotalFiles,
    ulong FreeFiles,
    ulong AvailableFiles,
    uint InvariantSeconds) : INfsMessage<FsStat3Result>
{
    /// <summary>A failure, with the object's attributes if known.</summary>
    public static FsStat3Result Failure(Nfs3Status status, Fattr3? objectAttributes) => new(status, objectAttributes, 0, 0, 0, 0, 0, 0, 0);

    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        w.WriteUInt32((uint)Status);
        Nfs3Xdr.WritePostOpAttr(w, ObjectAttributes);
        if (Status != Nfs3Status.Ok)
        {
            return;
        }

        w.WriteUInt64(TotalBytes);
        w.WriteUInt64(FreeBytes);
        w.WriteUInt64(AvailableBytes);
        w.WriteUInt64(TotalFiles);
        w.WriteUInt64(FreeFiles);
        w.WriteUInt64(AvailableFiles);
        w.WriteUInt32(InvariantSeconds);
    }

    /// <inheritdoc/>
    public static FsStat3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        Fattr3? attrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        if (status != Nfs3Status.Ok)
        {
            return Failure(status, attrs);
        }

        return new FsStat3Result(status, attrs, reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(),
            reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt32());
    }
}
