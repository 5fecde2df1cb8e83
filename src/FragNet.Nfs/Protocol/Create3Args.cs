using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>CREATE3args</c> (RFC 1813 §3.3.8): create a regular file. <c>createhow3</c> is flattened: UNCHECKED
/// and GUARDED carry <see cref="Attributes"/>, EXCLUSIVE carries <see cref="Verifier"/> (the other is not encoded).</summary>
/// <param name="Where">The directory and the new name.</param>
/// <param name="Mode">How to treat an existing name.</param>
/// <param name="Attributes">Initial attributes (UNCHECKED, GUARDED).</param>
/// <param name="Verifier">The <c>createverf3</c>, as a big-endian value (EXCLUSIVE).</param>
public sealed record Create3Args(DirOpArgs3 Where, CreateMode Mode, Sattr3 Attributes, ulong Verifier) : INfsMessage<Create3Args>
{
    /// <summary>UNCHECKED or GUARDED creation with <paramref name="attributes"/>.</summary>
    public static Create3Args WithAttributes(DirOpArgs3 where, CreateMode mode, Sattr3 attributes) => new(where, mode, attributes, 0);

    /// <summary>EXCLUSIVE creation identified by <paramref name="verifier"/>.</summary>
    public static Create3Args Exclusive(DirOpArgs3 where, ulong verifier) => new(where, CreateMode.Exclusive, Sattr3.Empty, verifier);

    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        Where.Encode(w);
        w.WriteUInt32((uint)Mode);
        if (Mode == CreateMode.Exclusive)
        {
            Nfs3Xdr.WriteVerifier(w, Verifier);
        }
        else
        {
            Attributes.Encode(w);
        }
    }

    /// <inheritdoc/>
    public static Create3Args Decode(ref XdrReader reader)
    {
        DirOpArgs3 where = DirOpArgs3.Decode(ref reader);
        var mode = (CreateMode)reader.ReadEnum((uint)CreateMode.Exclusive);
        return mode == CreateMode.Exclusive
            ? new Create3Args(where, mode, Sattr3.Empty, Nfs3Xdr.ReadVerifier(ref reader))
            : new Create3Args(where, mode, Sattr3.Decode(ref reader), 0);
    }
}
