using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>SYMLINK3args</c> (RFC 1813 §3.3.10), with <c>symlinkdata3</c> flattened.</summary>
/// <param name="Where">The directory and the link's name.</param>
/// <param name="Attributes">The link's initial attributes.</param>
/// <param name="Target">The link's text (at most <see cref="Nfs3Constants.MaxPathLength"/> bytes).</param>
public sealed record Symlink3Args(DirOpArgs3 Where, Sattr3 Attributes, string Target) : INfsMessage<Symlink3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        Where.Encode(w);
        Attributes.Encode(w);
        w.WriteString(Target);
    }

    /// <inheritdoc/>
    public static Symlink3Args Decode(ref XdrReader reader)
    {
        DirOpArgs3 where = DirOpArgs3.Decode(ref reader);
        Sattr3 attrs = Sattr3.Decode(ref reader);
        string target = reader.ReadString(Nfs3Constants.MaxPathLength);
        return new Symlink3Args(where, attrs, target);
    }
}
