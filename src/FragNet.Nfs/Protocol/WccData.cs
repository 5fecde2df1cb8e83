using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>wcc_data</c> (RFC 1813 §2.6): weak cache consistency data, the object's attributes before
/// (<c>pre_op_attr</c>) and after (<c>post_op_attr</c>) an operation. Either may be absent (null).</summary>
/// <param name="Before">Size and times before the operation, or null.</param>
/// <param name="After">All attributes after the operation, or null.</param>
public sealed record WccData(WccAttr? Before, Fattr3? After)
{
    /// <summary>Neither before nor after: what a server sends when it knows nothing.</summary>
    public static WccData Empty { get; } = new(null, null);

    /// <summary>Encodes <c>pre_op_attr</c> then <c>post_op_attr</c>.</summary>
    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteBool(Before is not null);
        Before?.Encode(writer);
        Nfs3Xdr.WritePostOpAttr(writer, After);
    }

    /// <summary>Decodes <c>pre_op_attr</c> then <c>post_op_attr</c>.</summary>
    public static WccData Decode(ref XdrReader reader)
    {
        WccAttr? before = reader.ReadBool() ? WccAttr.Decode(ref reader) : null;
        Fattr3? after = Nfs3Xdr.ReadPostOpAttr(ref reader);
        return new WccData(before, after);
    }
}
