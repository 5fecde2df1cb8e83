using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace FragNet.SunRpc.Xdr;

/// <summary>
/// An XDR (RFC 4506) encoder into a growable buffer rented from the shared array pool (return it with
/// <see cref="Dispose"/>). Used for the head and tail of an <see cref="XdrBuf"/> and for small messages whole.
/// </summary>
public sealed class XdrWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public XdrWriter(int capacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 16));
    }

    /// <summary>Bytes written.</summary>
    public int Length => _length;

    /// <summary>The bytes written so far (valid until the next write).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>The bytes written so far as memory (valid until the next write or <see cref="Dispose"/>).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    /// <summary>Forgets everything written, keeping the buffer.</summary>
    public void Reset() => _length = 0;

    public void WriteUInt32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Grow(4), value);

    public void WriteInt32(int value) => WriteUInt32((uint)value);

    public void WriteUInt64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Grow(8), value);

    public void WriteInt64(long value) => WriteUInt64((ulong)value);

    public void WriteBool(bool value) => WriteUInt32(value ? 1u : 0u);

    /// <summary>Fixed-length opaque: the bytes and zero padding to a multiple of 4.</summary>
    public void WriteOpaqueFixed(ReadOnlySpan<byte> bytes)
    {
        Span<byte> dest = Grow(XdrReader.Pad(bytes.Length));
        bytes.CopyTo(dest);
        dest[bytes.Length..].Clear();
    }

    /// <summary>Variable-length opaque: length, bytes, padding.</summary>
    public void WriteOpaque(ReadOnlySpan<byte> bytes)
    {
        WriteUInt32((uint)bytes.Length);
        WriteOpaqueFixed(bytes);
    }

    /// <summary>A UTF-8 string.</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int n = Encoding.UTF8.GetByteCount(value);
        WriteUInt32((uint)n);
        Span<byte> dest = Grow(XdrReader.Pad(n));
        Encoding.UTF8.GetBytes(value, dest);
        dest[n..].Clear();
    }

    /// <summary>Zero bytes of padding (for a tail after page data of <paramref name="dataLength"/> bytes).</summary>
    public void WritePadding(int dataLength) => Grow(XdrReader.Pad(dataLength) - dataLength).Clear();

    /// <summary>Reserves 4 bytes to fill in later with <see cref="PatchUInt32"/>; returns their position.</summary>
    public int ReserveUInt32()
    {
        int at = _length;
        Grow(4).Clear();
        return at;
    }

    /// <summary>Writes a big-endian u32 at a position reserved earlier.</summary>
    public void PatchUInt32(int position, uint value) => BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(position, 4), value);

    /// <summary>Appends raw bytes (already XDR-encoded).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    public void Dispose()
    {
        byte[] b = _buffer;
        _buffer = [];
        _length = 0;
        if (b.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
        {
            ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        Span<byte> s = _buffer.AsSpan(_length, count);
        _length += count;
        return s;
    }
}
