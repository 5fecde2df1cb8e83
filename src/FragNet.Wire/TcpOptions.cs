using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using FragNet.Buffers;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// The options of a TCP header (RFC 9293 §3.2), kept as the raw bytes of the header's option area, held inline (up to
/// 40 bytes, no heap allocation). Known options are read through typed accessors; unknown kinds, their order and the
/// padding survive parse and emit exactly.
/// </summary>
/// <remarks>
/// <para>Invariants: <see cref="Length"/> is a multiple of 4 and at most 40 (the data offset counts 32-bit words), and
/// the bytes are a well-formed option list: End of Option List (0) ends it and the rest is padding; No-Operation (1)
/// is one byte; every other option has a length byte of at least 2 that stays within the area, and the interpreted
/// kinds have their fixed lengths: MSS 4 (RFC 9293 §3.2), Window Scale 3 and Timestamps 10 (RFC 7323),
/// SACK-Permitted 2 and SACK 2 + 8n with n from 1 to 4 (RFC 2018).</para>
/// <para>When a kind appears more than once the accessors read the first. The default value is the empty list.</para>
/// <para>New options come from <see cref="Build"/>, which lays them out as Linux's <c>tcp_options_write</c> does, or
/// from <see cref="Create"/> for any list of bytes (unknown kinds included).</para>
/// </remarks>
public readonly struct TcpOptions : IEquatable<TcpOptions>
{
    /// <summary>Most option bytes a header can hold.</summary>
    public const int MaxLength = OptionBuffer.Length;

    /// <summary>Largest usable window shift (RFC 7323 §2.3): a larger one received is used as 14.</summary>
    public const int MaxWindowShift = 14;

    /// <summary>Most blocks a SACK option can carry (RFC 2018 §3: 2 + 8 × 4 = 34 of the 40 option bytes).</summary>
    public const int MaxSackBlocks = 4;

    private const int SackBlockSize = 8;

    private readonly OptionBuffer _bytes;
    private readonly byte _length;

    private TcpOptions(scoped ReadOnlySpan<byte> bytes, int paddedLength)
    {
        Span<byte> target = _bytes;
        bytes.CopyTo(target);
        _length = (byte)paddedLength;
    }

    /// <summary>No options.</summary>
    public static TcpOptions None => default;

    /// <summary>Option bytes, padding included: a multiple of 4, at most 40.</summary>
    public int Length => _length;

    /// <summary>True when the header has no options.</summary>
    public bool IsEmpty => _length == 0;

    /// <summary>The option bytes, padding included. The span refers to this value, so it lives as long as the
    /// variable holding it.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Bytes => ((ReadOnlySpan<byte>)_bytes)[.._length];

    /// <summary>The Maximum Segment Size option's value, or null if absent.</summary>
    public ushort? MaxSegmentSize =>
        TryFind(Bytes, TcpOptionKind.MaxSegmentSize, out ReadOnlySpan<byte> data) ? BinaryPrimitives.ReadUInt16BigEndian(data) : null;

    /// <summary>The Window Scale option's shift count as sent (it may exceed 14), or null if absent.</summary>
    public byte? WindowScale => TryFind(Bytes, TcpOptionKind.WindowScale, out ReadOnlySpan<byte> data) ? data[0] : null;

    /// <summary>The window shift to use: <see cref="WindowScale"/> clamped to 14 (RFC 7323 §2.3), or null if absent.</summary>
    public int? WindowShift => WindowScale is byte shift ? Math.Min((int)shift, MaxWindowShift) : null;

    /// <summary>True if the SACK-Permitted option is present.</summary>
    public bool SackPermitted => TryFind(Bytes, TcpOptionKind.SackPermitted, out _);

    /// <summary>The Timestamps option, or null if absent.</summary>
    public TcpTimestamp? Timestamp =>
        TryFind(Bytes, TcpOptionKind.Timestamps, out ReadOnlySpan<byte> data)
            ? new TcpTimestamp(BinaryPrimitives.ReadUInt32BigEndian(data), BinaryPrimitives.ReadUInt32BigEndian(data[4..]))
            : null;

    /// <summary>Blocks in the SACK option, 0 if absent.</summary>
    public int SackBlockCount => TryFind(Bytes, TcpOptionKind.Sack, out ReadOnlySpan<byte> data) ? data.Length / SackBlockSize : 0;

    /// <summary>Reads options from a header. False with <see cref="DropReason.TcpOptionMalformed"/> if the length is not
    /// a multiple of 4 up to 40 or the list breaks an invariant (an option overruns the area, has a length below 2, or
    /// an interpreted kind has the wrong length).</summary>
    public static bool TryCreate(ReadOnlySpan<byte> bytes, out TcpOptions options, out DropReason reason)
    {
        if (bytes.Length > MaxLength || (bytes.Length & 3) != 0 || !IsWellFormed(bytes))
        {
            options = default;
            reason = DropReason.TcpOptionMalformed;
            return false;
        }

        options = new TcpOptions(bytes, bytes.Length);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>Options from a list the caller wrote (any kinds, in any order); pads with zeros (End of Option List) to
    /// a multiple of 4.</summary>
    /// <exception cref="ArgumentException">Not a well-formed list (see the invariants), or longer than 40 bytes once padded.</exception>
    public static TcpOptions Create(ReadOnlySpan<byte> bytes)
    {
        int padded = (bytes.Length + 3) & ~3;
        if (padded > MaxLength)
        {
            ThrowHelper.ThrowArgument(nameof(bytes), $"TCP options of {bytes.Length} bytes exceed {MaxLength}");
        }

        if (!IsWellFormed(bytes))
        {
            ThrowHelper.ThrowArgument(nameof(bytes), "not a well-formed TCP option list (RFC 9293 §3.2)");
        }

        return new TcpOptions(bytes, padded);
    }

    /// <summary>Options with the given values, laid out as Linux's <c>tcp_options_write</c> does, 4-byte aligned by
    /// No-Operations: MSS; SACK-Permitted and Timestamps together (or NOP NOP Timestamps, or NOP NOP SACK-Permitted);
    /// NOP Window Scale; NOP NOP SACK.</summary>
    /// <exception cref="ArgumentException">More than 4 SACK blocks, or more than 40 bytes in all (Linux sends fewer SACK
    /// blocks when timestamps are on: 3).</exception>
    public static TcpOptions Build(
        ushort? maxSegmentSize = null,
        byte? windowScale = null,
        bool sackPermitted = false,
        TcpTimestamp? timestamp = null,
        ReadOnlySpan<TcpSackBlock> sackBlocks = default)
    {
        if (sackBlocks.Length > MaxSackBlocks)
        {
            ThrowHelper.ThrowArgument(nameof(sackBlocks), $"a SACK option carries at most {MaxSackBlocks} blocks");
        }

        int length = (maxSegmentSize is null ? 0 : 4)
            + (timestamp is null ? 0 : 12)
            + (sackPermitted && timestamp is null ? 4 : 0)
            + (windowScale is null ? 0 : 4)
            + (sackBlocks.IsEmpty ? 0 : 4 + (SackBlockSize * sackBlocks.Length));
        if (length > MaxLength)
        {
            ThrowHelper.ThrowArgument(nameof(sackBlocks), $"these options need {length} bytes; a header holds {MaxLength}");
        }

        Span<byte> b = stackalloc byte[MaxLength];
        int n = 0;
        if (maxSegmentSize is ushort mss)
        {
            b[n++] = TcpOptionKind.MaxSegmentSize;
            b[n++] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(b[n..], mss);
            n += 2;
        }

        if (timestamp is TcpTimestamp ts)
        {
            b[n++] = sackPermitted ? TcpOptionKind.SackPermitted : TcpOptionKind.NoOperation;
            b[n++] = sackPermitted ? (byte)2 : TcpOptionKind.NoOperation;
            b[n++] = TcpOptionKind.Timestamps;
            b[n++] = 10;
            BinaryPrimitives.WriteUInt32BigEndian(b[n..], ts.Value);
            BinaryPrimitives.WriteUInt32BigEndian(b[(n + 4)..], ts.EchoReply);
            n += 8;
        }
        else if (sackPermitted)
        {
            b[n++] = TcpOptionKind.NoOperation;
            b[n++] = TcpOptionKind.NoOperation;
            b[n++] = TcpOptionKind.SackPermitted;
            b[n++] = 2;
        }

        if (windowScale is byte shift)
        {
            b[n++] = TcpOptionKind.NoOperation;
            b[n++] = TcpOptionKind.WindowScale;
            b[n++] = 3;
            b[n++] = shift;
        }

        if (!sackBlocks.IsEmpty)
        {
            b[n++] = TcpOptionKind.NoOperation;
            b[n++] = TcpOptionKind.NoOperation;
            b[n++] = TcpOptionKind.Sack;
            b[n++] = (byte)(2 + (SackBlockSize * sackBlocks.Length));
            foreach (TcpSackBlock block in sackBlocks)
            {
                BinaryPrimitives.WriteUInt32BigEndian(b[n..], block.Left.Value);
                BinaryPrimitives.WriteUInt32BigEndian(b[(n + 4)..], block.Right.Value);
                n += SackBlockSize;
            }
        }

        return new TcpOptions(b[..n], n);
    }

    /// <summary>Block <paramref name="index"/> of the SACK option.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="SackBlockCount"/>.</exception>
    public TcpSackBlock GetSackBlock(int index)
    {
        if (!TryFind(Bytes, TcpOptionKind.Sack, out ReadOnlySpan<byte> data) || (uint)index >= (uint)(data.Length / SackBlockSize))
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(index), index, "no such SACK block");
        }

        ReadOnlySpan<byte> block = data.Slice(index * SackBlockSize, SackBlockSize);
        return new TcpSackBlock(
            new TcpSeqNumber(BinaryPrimitives.ReadUInt32BigEndian(block)),
            new TcpSeqNumber(BinaryPrimitives.ReadUInt32BigEndian(block[4..])));
    }

    /// <summary>Writes the option bytes (padding included) to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">Not enough room.</exception>
    public void CopyTo(Span<byte> destination) => Bytes.CopyTo(destination);

    /// <summary>Walks the options in order, skipping No-Operation and padding; unknown kinds included.</summary>
    [UnscopedRef]
    public Enumerator GetEnumerator() => new(Bytes);

    public bool Equals(TcpOptions other) => Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is TcpOptions other && Equals(other);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    public static bool operator ==(TcpOptions left, TcpOptions right) => left.Equals(right);

    public static bool operator !=(TcpOptions left, TcpOptions right) => !left.Equals(right);

    /// <summary>Hex of the option bytes, or "none".</summary>
    public override string ToString() => IsEmpty ? "none" : Convert.ToHexString(Bytes);

    private static bool IsWellFormed(ReadOnlySpan<byte> bytes)
    {
        var walker = new OptionWalker(bytes);
        OptionStep step;
        while ((step = walker.Next(out byte kind, out ReadOnlySpan<byte> data)) == OptionStep.Option)
        {
            bool lengthOk = kind switch
            {
                TcpOptionKind.MaxSegmentSize => data.Length == 2,
                TcpOptionKind.WindowScale => data.Length == 1,
                TcpOptionKind.SackPermitted => data.Length == 0,
                TcpOptionKind.Sack => data.Length % SackBlockSize == 0 && data.Length / SackBlockSize is >= 1 and <= MaxSackBlocks,
                TcpOptionKind.Timestamps => data.Length == 8,
                _ => true,
            };
            if (!lengthOk)
            {
                return false;
            }
        }

        return step == OptionStep.End;
    }

    /// <summary>Finds the first option of <paramref name="kind"/> in a list known to be well formed.</summary>
    private static bool TryFind(ReadOnlySpan<byte> bytes, byte kind, out ReadOnlySpan<byte> data)
    {
        var walker = new OptionWalker(bytes);
        while (walker.Next(out byte k, out data) == OptionStep.Option)
        {
            if (k == kind)
            {
                return true;
            }
        }

        data = default;
        return false;
    }

    /// <summary>Walks an option list, yielding every option but No-Operation; stops at End of Option List.</summary>
    public ref struct Enumerator
    {
        private OptionWalker _walker;
        private TcpOption _current;

        internal Enumerator(ReadOnlySpan<byte> bytes)
        {
            _walker = new OptionWalker(bytes);
            _current = default;
        }

        /// <summary>The option the last <see cref="MoveNext"/> found.</summary>
        public readonly TcpOption Current => _current;

        /// <summary>Steps to the next option other than No-Operation.</summary>
        public bool MoveNext()
        {
            while (_walker.Next(out byte kind, out ReadOnlySpan<byte> data) == OptionStep.Option)
            {
                if (kind != TcpOptionKind.NoOperation)
                {
                    _current = new TcpOption(kind, data);
                    return true;
                }
            }

            return false;
        }
    }
}
