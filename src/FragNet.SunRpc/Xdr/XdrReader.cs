using System.Buffers.Binary;
using System.Text;

namespace FragNet.SunRpc.Xdr;

/// <summary>
/// An XDR (RFC 4506) decoder over untrusted bytes, with a sticky error: the first failure is recorded in
/// <see cref="Error"/> and every later read returns zero or empty without moving, so a decoder reads a whole structure
/// and checks <see cref="IsValid"/> once. Nothing here throws on bad input; a server turns an invalid reader into
/// GARBAGE_ARGS.
/// </summary>
/// <remarks>
/// Every variable-length read takes a bound, and counted arrays are checked against what is left (each element
/// takes at least 4 bytes), so a hostile length can neither allocate nor loop beyond the message. Opaque data is
/// returned as a slice of the input, not copied.
/// </remarks>
public struct XdrReader
{
    private readonly ReadOnlyMemory<byte> _buffer;
    private int _position;

    public XdrReader(ReadOnlyMemory<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
        Error = XdrError.None;
    }

    /// <summary>The first error, or <see cref="XdrError.None"/>.</summary>
    public XdrError Error { get; private set; }

    /// <summary>True while no read has failed.</summary>
    public readonly bool IsValid => Error == XdrError.None;

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes left.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>The unread rest of the input (for a dispatcher handing arguments on).</summary>
    public readonly ReadOnlyMemory<byte> Rest => _buffer[_position..];

    /// <summary>Records <paramref name="error"/> unless an earlier one is already there (decoders use it for semantic
    /// errors such as an out-of-range enum).</summary>
    public void Fail(XdrError error)
    {
        if (Error == XdrError.None)
        {
            Error = error;
        }
    }

    /// <summary>Fails with <see cref="XdrError.TrailingBytes"/> if anything is left.</summary>
    public void ExpectEnd()
    {
        if (IsValid && Remaining != 0)
        {
            Fail(XdrError.TrailingBytes);
        }
    }

    public uint ReadUInt32()
    {
        if (!Take(4, out int at))
        {
            return 0;
        }

        return BinaryPrimitives.ReadUInt32BigEndian(_buffer.Span[at..]);
    }

    public int ReadInt32() => (int)ReadUInt32();

    public ulong ReadUInt64()
    {
        if (!Take(8, out int at))
        {
            return 0;
        }

        return BinaryPrimitives.ReadUInt64BigEndian(_buffer.Span[at..]);
    }

    public long ReadInt64() => (long)ReadUInt64();

    /// <summary>An XDR boolean: 0 or 1, anything else is <see cref="XdrError.BadBoolean"/>.</summary>
    public bool ReadBool()
    {
        uint v = ReadUInt32();
        if (v > 1)
        {
            Fail(XdrError.BadBoolean);
            return false;
        }

        return v == 1;
    }

    /// <summary>An enum whose valid values are <c>0..max</c> inclusive.</summary>
    public uint ReadEnum(uint max)
    {
        uint v = ReadUInt32();
        if (v > max)
        {
            Fail(XdrError.BadDiscriminant);
            return 0;
        }

        return v;
    }

    /// <summary>Fixed-length opaque data (RFC 4506 §4.9): <paramref name="length"/> bytes and zero padding to 4.</summary>
    public ReadOnlyMemory<byte> ReadOpaqueFixed(int length)
    {
        if (length < 0 || !Take(Pad(length), out int at))
        {
            Fail(XdrError.Truncated);
            return ReadOnlyMemory<byte>.Empty;
        }

        ReadOnlySpan<byte> padding = _buffer.Span.Slice(at + length, Pad(length) - length);
        if (padding.IndexOfAnyExcept((byte)0) >= 0)
        {
            Fail(XdrError.NonZeroPadding);
            return ReadOnlyMemory<byte>.Empty;
        }

        return _buffer.Slice(at, length);
    }

    /// <summary>Variable-length opaque data (RFC 4506 §4.10) of at most <paramref name="maxLength"/> bytes.</summary>
    public ReadOnlyMemory<byte> ReadOpaque(int maxLength)
    {
        uint length = ReadUInt32();
        if (!IsValid)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        if (length > (uint)maxLength)
        {
            Fail(XdrError.LengthExceedsBound);
            return ReadOnlyMemory<byte>.Empty;
        }

        return ReadOpaqueFixed((int)length);
    }

    /// <summary>A UTF-8 string (RFC 4506 §4.11) of at most <paramref name="maxLength"/> bytes.</summary>
    public string ReadString(int maxLength)
    {
        ReadOnlyMemory<byte> bytes = ReadOpaque(maxLength);
        if (!IsValid)
        {
            return string.Empty;
        }

        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span))
        {
            Fail(XdrError.BadString);
            return string.Empty;
        }

        return Encoding.UTF8.GetString(bytes.Span);
    }

    /// <summary>The element count of a counted array (RFC 4506 §4.13) of at most <paramref name="max"/> elements,
    /// each taking at least <paramref name="minElementBytes"/> bytes, so the count can never exceed what is left.</summary>
    public int ReadCount(int max, int minElementBytes = 4)
    {
        uint count = ReadUInt32();
        if (!IsValid)
        {
            return 0;
        }

        if (count > (uint)max)
        {
            Fail(XdrError.LengthExceedsBound);
            return 0;
        }

        if ((long)count * Math.Max(minElementBytes, 1) > Remaining)
        {
            Fail(XdrError.Truncated);
            return 0;
        }

        return (int)count;
    }

    /// <summary>Skips <paramref name="length"/> bytes (already a multiple of 4).</summary>
    public void Skip(int length)
    {
        _ = Take(length, out _);
    }

    internal static int Pad(int length) => (length + 3) & ~3;

    private bool Take(int count, out int at)
    {
        at = _position;
        if (Error != XdrError.None)
        {
            return false;
        }

        if (count < 0 || count > _buffer.Length - _position)
        {
            Fail(XdrError.Truncated);
            return false;
        }

        _position += count;
        return true;
    }
}
