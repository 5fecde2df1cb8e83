using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>GETATTR3res</c> (RFC 1813 §3.3.1): the attributes on success, nothing on failure.</summary>
/// <param name="Status">NFS3_OK or the error.</param>
/// <param name="Attributes">The attributes (required on success, null on failure).</param>
public sealed record GetAttr3Result(Nfs3Status Status, Fattr3? Attributes) : INfsMessage<GetAttr3Result>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.WriteUInt32((uint)Status);
        if (Status == Nfs3Status.Ok)
        {
            (Attributes ?? throw new InvalidOperationException("a successful GETATTR carries attributes")).Encode(buffer.Current);
        }
    }

    /// <inheritdoc/>
    public static GetAttr3Result Decode(ref XdrReader reader)
    {
        Nfs3Status status = Nfs3Xdr.ReadStatus(ref reader);
        return new GetAttr3Result(status, status == Nfs3Status.Ok ? Fattr3.Decode(ref reader) : null);
    }
}
