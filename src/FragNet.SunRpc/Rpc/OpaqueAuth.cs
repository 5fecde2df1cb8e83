using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Rpc;

/// <summary><c>opaque_auth</c> (RFC 5531 §8.2): a flavor and up to 400 bytes of body.</summary>
public readonly record struct OpaqueAuth(AuthFlavor Flavor, ReadOnlyMemory<byte> Body)
{
    /// <summary>AUTH_NONE with an empty body.</summary>
    public static OpaqueAuth None => new(AuthFlavor.None, ReadOnlyMemory<byte>.Empty);

    /// <summary>An AUTH_SYS credential.</summary>
    public static OpaqueAuth Sys(AuthSysParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var w = new XdrWriter(64);
        parameters.Encode(w);
        return new OpaqueAuth(AuthFlavor.Sys, w.WrittenSpan.ToArray());
    }

    /// <summary>Equal flavor and equal body bytes.</summary>
    public bool Equals(OpaqueAuth other) => Flavor == other.Flavor && Body.Span.SequenceEqual(other.Body.Span);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Flavor);
        h.AddBytes(Body.Span);
        return h.ToHashCode();
    }

    /// <summary>Encoded length.</summary>
    public int EncodedLength => 8 + ((Body.Length + 3) & ~3);

    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt32((uint)Flavor);
        writer.WriteOpaque(Body.Span);
    }

    public static OpaqueAuth Decode(ref XdrReader reader)
    {
        var flavor = (AuthFlavor)reader.ReadUInt32();
        ReadOnlyMemory<byte> body = reader.ReadOpaque(RpcConstants.MaxAuthBytes);
        return new OpaqueAuth(flavor, body);
    }

    /// <summary>The AUTH_SYS parameters in the body, or null if this is not a well-formed AUTH_SYS credential.</summary>
    public AuthSysParameters? AsSys()
    {
        if (Flavor != AuthFlavor.Sys)
        {
            return null;
        }

        var r = new XdrReader(Body);
        AuthSysParameters p = AuthSysParameters.Decode(ref r);
        r.ExpectEnd();
        return r.IsValid ? p : null;
    }
}
