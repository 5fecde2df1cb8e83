using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>FSINFO3res</c> (RFC 1813 §3.3.19): the file system's static limits and preferences.</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="ObjectAttributes">The root's attributes (both arms), or null.</param>
/// <param name="ReadMax">Largest READ count supported (<c>rtmax</c>).</param>
/// <param name="ReadPreferred">Preferred READ count (<c>rtpref</c>).</param>
/// <param name="ReadMultiple">Suggested READ count multiple (<c>rtmult</c>).</param>
/// <param name="WriteMax">Largest WRITE count supported (<c>wtmax</c>).</param>
/// <param name="WritePreferred">Preferred WRITE count (<c>wtpref</c>).</param>
/// <param name="WriteMultiple">Suggested WRITE count multiple (<c>wtmult</c>).</param>
/// <param name="DirectoryPreferred">Preferred READDIR count (<c>dtpref</c>).</param>
/// <param name="MaxFileSize">Largest file size.</param>
/// <param name="TimeDelta">Granularity of the server's times.</param>
/// <param name="Properties">The <c>FSF3_*</c> bits.</param>
public sealed record FsInfo3Result(
    Nfs3Status Status,
    Fattr3? ObjectAttributes,
    uint ReadMax,
    uint ReadPreferred,
    uint ReadMultiple,
    uint WriteMax,
    uint WritePreferred,
    uint WriteMultiple,
    uint DirectoryPreferred,
    ulong MaxFileSize,
    NfsTime3 TimeDelta,
    FsInfoProperties Properties) : INfsMessage<FsInfo3Result>
{
    /// <summary>A failure, with the root's attributes if known.</summary>
    public static FsInfo3Result Failure(Nfs3Status status, Fattr3? objectAttributes) =>
        new(status, objectAttributes, 0, 0, 0, 0, 0, 0, 0, 0, default, FsInfoProperties.None);

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

        w.WriteUInt32(ReadMax);
        w.WriteUInt32(ReadPreferred);
        w.WriteUInt32(ReadMultiple);
        w.WriteUInt32(WriteMax);
        w.WriteUInt32(WritePreferred);
        w.WriteUInt32(WriteMultiple);
        w.WriteUInt32(DirectoryPreferred);
        w.WriteUInt64(MaxFileSize);
        TimeDelta.Encode(w);
        w.WriteUInt32((uint)Properties);
    }

    /// <inheritdoc/>
    public static FsInfo3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        Fattr3? attrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        if (status != Nfs3Status.Ok)
        {
            return Failure(status, attrs);
        }

        return new FsInfo3Result(status, attrs, reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(),
            reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadUInt64(),
            NfsTime3.Decode(ref reader), (FsInfoProperties)reader.ReadUInt32());
    }
}
