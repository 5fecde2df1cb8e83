using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary>
/// <c>nfs_fh3</c> (RFC 1813 §2.6): an opaque file handle of at most 64 bytes. Clients must treat the bytes as
/// opaque; equality is byte equality. The bytes are copied on construction and decode, so a handle outlives the
/// message it came in (handles are small, and the server keeps them in state such as the mount list).
/// </summary>
public sealed class NfsFh3 : IEquatable<NfsFh3>
{
    private readonly byte[] _bytes;

    /// <summary>A handle holding a copy of <paramref name="bytes"/>.</summary>
    /// <exception cref="ArgumentException">More than <see cref="Nfs3Constants.MaxHandleLength"/> bytes.</exception>
    public NfsFh3(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > Nfs3Constants.MaxHandleLength)
        {
            throw new ArgumentException($"an NFSv3 file handle has at most {Nfs3Constants.MaxHandleLength} bytes, not {bytes.Length}", nameof(bytes));
        }

        _bytes = bytes.ToArray();
    }

    /// <summary>The handle's bytes.</summary>
    public ReadOnlyMemory<byte> Bytes => _bytes;

    /// <summary>Length in bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>Encoded length: the length word and the padded bytes.</summary>
    public int EncodedLength => 4 + ((_bytes.Length + 3) & ~3);

    /// <summary>Encodes <c>opaque data&lt;NFS3_FHSIZE&gt;</c>.</summary>
    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteOpaque(_bytes);
    }

    /// <summary>Decodes <c>opaque data&lt;NFS3_FHSIZE&gt;</c>: longer is <see cref="XdrError.LengthExceedsBound"/>.</summary>
    public static NfsFh3 Decode(ref XdrReader reader) => new(reader.ReadOpaque(Nfs3Constants.MaxHandleLength).Span);

    /// <inheritdoc/>
    public bool Equals(NfsFh3? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as NfsFh3);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <inheritdoc/>
    public override string ToString() => Convert.ToHexStringLower(_bytes);
}
