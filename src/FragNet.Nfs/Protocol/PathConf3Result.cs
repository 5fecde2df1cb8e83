using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>PATHCONF3res</c> (RFC 1813 §3.3.20): POSIX pathconf values.</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="ObjectAttributes">The object's attributes (both arms), or null.</param>
/// <param name="LinkMax">Most hard links to an object.</param>
/// <param name="NameMax">Longest name component.</param>
/// <param name="NoTrunc">True if longer names are refused rather than truncated.</param>
/// <param name="ChownRestricted">True if only the superuser may change ownership.</param>
/// <param name="CaseInsensitive">True if names are compared without case.</param>
/// <param name="CasePreserving">True if the case of names is kept.</param>
public sealed record PathConf3Result(
    Nfs3Status Status,
    Fattr3? ObjectAttributes,
    uint LinkMax,
    uint NameMax,
    bool NoTrunc,
    bool ChownRestricted,
    bool CaseInsensitive,
    bool CasePreserving) : INfsMessage<PathConf3Result>
{
    /// <summary>A failure, with the object's attributes if known.</summary>
    public static PathConf3Result Failure(Nfs3Status status, Fattr3? objectAttributes) => new(status, objectAttributes, 0, 0, false, false, false, false);

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

        w.WriteUInt32(LinkMax);
        w.WriteUInt32(NameMax);
        w.WriteBool(NoTrunc);
        w.WriteBool(ChownRestricted);
        w.WriteBool(CaseInsensitive);
        w.WriteBool(CasePreserving);
    }

    /// <inheritdoc/>
    public static PathConf3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        Fattr3? attrs = Nfs3Xdr.ReadPostOpAttr(ref reader);
        if (status != Nfs3Status.Ok)
        {
            return Failure(status, attrs);
        }

        return new PathConf3Result(status, attrs, reader.ReadUInt32(), reader.ReadUInt32(), reader.ReadBool(),
            reader.ReadBool(), reader.ReadBool(), reader.ReadBool());
    }
}
