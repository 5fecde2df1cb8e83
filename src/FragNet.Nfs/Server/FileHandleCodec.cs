using System.Buffers.Binary;
using System.Security.Cryptography;
using FragNet.Nfs.Protocol;

namespace FragNet.Nfs.Server;

/// <summary>
/// Turns a <see cref="NodeId"/> into an opaque, unforgeable NFSv3 file handle and back.
/// </summary>
/// <remarks>
/// <para>Layout (32 bytes, well under <c>NFS3_FHSIZE</c>):</para>
/// <code>
///   0      1    4            12          16                         32
///   | ver  | 0 0 0 | file id (BE) | gen (BE) | HMAC-SHA256(key, bytes 0..16)[0..16] |
/// </code>
/// <para>The MAC makes handles unforgeable: a client can only present handles the server gave out (RFC 1813 §4.4
/// asks servers not to trust the handle's contents). A handle of another length, another version, or a failing MAC is
/// NFS3ERR_BADHANDLE; one that passes names an object the backend may since have removed, which the backend answers
/// with NFS3ERR_STALE. The comparison is constant-time.</para>
/// <para>The key is derived from a seed, so a server restarted with the same seed accepts the handles it gave out
/// before (handles must survive reboots, RFC 1813 §1.6), and tests are deterministic. The seed is a secret: anyone
/// who knows it can mint handles.</para>
/// </remarks>
public sealed class FileHandleCodec
{
    /// <summary>Length of every handle this codec produces.</summary>
    public const int HandleLength = 32;

    private const byte FormatVersion = 1;
    private const int MacOffset = 16;
    private const int MacLength = HandleLength - MacOffset;

    private readonly byte[] _key; // HMAC-SHA256 key derived from the seed; never leaves this object

    /// <summary>A codec whose key is derived from <paramref name="seed"/>.</summary>
    public FileHandleCodec(ulong seed)
    {
        Span<byte> seedBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(seedBytes, seed);
        _key = HMACSHA256.HashData("FragNet.Nfs file handle key v1"u8, seedBytes);
    }

    /// <summary>The handle for <paramref name="node"/>.</summary>
    public NfsFh3 Encode(NodeId node)
    {
        Span<byte> handle = stackalloc byte[HandleLength];
        handle.Clear();
        handle[0] = FormatVersion;
        BinaryPrimitives.WriteUInt64BigEndian(handle[4..], node.FileId);
        BinaryPrimitives.WriteUInt32BigEndian(handle[12..], node.Generation);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, handle[..MacOffset], mac);
        mac[..MacLength].CopyTo(handle[MacOffset..]);
        return new NfsFh3(handle);
    }

    /// <summary>The node a handle names, or <see cref="Nfs3Status.BadHandle"/> if the handle is not one of ours
    /// (wrong length or version, nonzero reserved bytes, bad MAC).</summary>
    public Nfs3Status Decode(NfsFh3 handle, out NodeId node)
    {
        ArgumentNullException.ThrowIfNull(handle);
        node = default;
        ReadOnlySpan<byte> h = handle.Bytes.Span;
        if (h.Length != HandleLength || h[0] != FormatVersion || h[1] != 0 || h[2] != 0 || h[3] != 0)
        {
            return Nfs3Status.BadHandle;
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, h[..MacOffset], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..MacLength], h[MacOffset..]))
        {
            return Nfs3Status.BadHandle;
        }

        node = new NodeId(BinaryPrimitives.ReadUInt64BigEndian(h[4..]), BinaryPrimitives.ReadUInt32BigEndian(h[12..]));
        return Nfs3Status.Ok;
    }

    /// <summary>An 8-byte value derived from the key and <paramref name="purpose"/> (the write verifier, cookie
    /// salts): deterministic per seed, unpredictable without it.</summary>
    public ulong Derive(ReadOnlySpan<byte> purpose, ulong salt)
    {
        Span<byte> input = stackalloc byte[purpose.Length + 8];
        purpose.CopyTo(input);
        BinaryPrimitives.WriteUInt64BigEndian(input[purpose.Length..], salt);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, input, mac);
        return BinaryPrimitives.ReadUInt64BigEndian(mac);
    }
}
