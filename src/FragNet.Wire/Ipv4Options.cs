using System.Diagnostics.CodeAnalysis;
using FragNet.Buffers;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// The options of an IPv4 header, kept as raw bytes so they are re-emitted exactly (RFC 791 §3.1), held inline
/// (up to 40 bytes, no heap allocation).
/// </summary>
/// <remarks>
/// <para>Invariants: <see cref="Length"/> is a multiple of 4 and at most 40 (the header length is in 32-bit words), and
/// the bytes are a well-formed option list: End of Option List (0) ends it and the rest is padding; No Operation (1)
/// is one byte; every other option has a length octet of at least 2 that stays within the options. Only this
/// structure is checked, not the contents of particular options (a router's job, not an end host's).</para>
/// <para>The default value is the empty list.</para>
/// </remarks>
public readonly struct Ipv4Options : IEquatable<Ipv4Options>
{
    /// <summary>Most option bytes a header can hold.</summary>
    public const int MaxLength = OptionBuffer.Length;

    private readonly OptionBuffer _bytes;
    private readonly byte _length;

    private Ipv4Options(scoped ReadOnlySpan<byte> bytes, int paddedLength)
    {
        Span<byte> target = _bytes;
        bytes.CopyTo(target);
        _length = (byte)paddedLength;
    }

    /// <summary>No options.</summary>
    public static Ipv4Options None => default;

    /// <summary>Option bytes, padding included: a multiple of 4, at most 40.</summary>
    public int Length => _length;

    /// <summary>True when the header has no options.</summary>
    public bool IsEmpty => _length == 0;

    /// <summary>The option bytes, padding included. The span refers to this value, so it lives as long as the
    /// variable holding it.</summary>
    [UnscopedRef]
    public ReadOnlySpan<byte> Bytes => ((ReadOnlySpan<byte>)_bytes)[.._length];

    /// <summary>Reads options from a header. False with <see cref="DropReason.IpOptionMalformed"/> if the length is not
    /// a multiple of 4 up to 40, or an option is missing its length octet, has a length below 2, or runs past the
    /// options.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> bytes, out Ipv4Options options, out DropReason reason)
    {
        if (bytes.Length > MaxLength || (bytes.Length & 3) != 0 || !IsWellFormed(bytes))
        {
            options = default;
            reason = DropReason.IpOptionMalformed;
            return false;
        }

        options = new Ipv4Options(bytes, bytes.Length);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>Options from a list the caller wrote; pads with zeros (End of Option List) to a multiple of 4.</summary>
    /// <exception cref="ArgumentException">Not a well-formed option list, or longer than 40 bytes once padded.</exception>
    public static Ipv4Options Create(ReadOnlySpan<byte> bytes)
    {
        int padded = (bytes.Length + 3) & ~3;
        if (padded > MaxLength)
        {
            ThrowHelper.ThrowArgument(nameof(bytes), $"IPv4 options of {bytes.Length} bytes exceed {MaxLength}");
        }

        if (!IsWellFormed(bytes))
        {
            ThrowHelper.ThrowArgument(nameof(bytes), "not a well-formed IPv4 option list (RFC 791 §3.1)");
        }

        return new Ipv4Options(bytes, padded);
    }

    /// <summary>The options that go into every fragment after the first: those with the copied flag, in order, padded
    /// to a multiple of 4 (RFC 791 §3.2). No Operation bytes and the others are left out, so later fragments may have
    /// a shorter header.</summary>
    public Ipv4Options CopiedOptions()
    {
        Span<byte> copied = stackalloc byte[MaxLength];
        int n = 0;
        var walker = new OptionWalker(Bytes);
        while (walker.Next(out byte kind, out ReadOnlySpan<byte> data) == OptionStep.Option)
        {
            if ((kind & Ipv4OptionKind.CopiedFlag) != 0)
            {
                copied[n] = kind;
                copied[n + 1] = (byte)(data.Length + 2);
                data.CopyTo(copied[(n + 2)..]);
                n += data.Length + 2;
            }
        }

        int padded = (n + 3) & ~3;
        copied[n..padded].Clear();
        return new Ipv4Options(copied[..padded], padded);
    }

    /// <summary>Writes the option bytes (padding included) to <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">Not enough room.</exception>
    public void CopyTo(Span<byte> destination) => Bytes.CopyTo(destination);

    /// <summary>Walks the options in order, skipping No Operation and padding.</summary>
    [UnscopedRef]
    public Enumerator GetEnumerator() => new(Bytes);

    public bool Equals(Ipv4Options other) => Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is Ipv4Options other && Equals(other);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(Bytes);
        return hash.ToHashCode();
    }

    public static bool operator ==(Ipv4Options left, Ipv4Options right) => left.Equals(right);

    public static bool operator !=(Ipv4Options left, Ipv4Options right) => !left.Equals(right);

    /// <summary>Hex of the option bytes, or "none".</summary>
    public override string ToString() => IsEmpty ? "none" : Convert.ToHexString(Bytes);

    /// <summary>True if <paramref name="bytes"/> is a well-formed option list (see the type's invariants).</summary>
    internal static bool IsWellFormed(ReadOnlySpan<byte> bytes)
    {
        var walker = new OptionWalker(bytes);
        OptionStep step;
        while ((step = walker.Next(out _, out _)) == OptionStep.Option)
        {
        }

        return step == OptionStep.End;
    }

    /// <summary>Walks an option list, yielding every option but No Operation; stops at End of Option List.</summary>
    public ref struct Enumerator
    {
        private OptionWalker _walker;
        private Ipv4Option _current;

        internal Enumerator(ReadOnlySpan<byte> bytes)
        {
            _walker = new OptionWalker(bytes);
            _current = default;
        }

        /// <summary>The option the last <see cref="MoveNext"/> found.</summary>
        public readonly Ipv4Option Current => _current;

        /// <summary>Steps to the next option other than No Operation.</summary>
        public bool MoveNext()
        {
            while (_walker.Next(out byte kind, out ReadOnlySpan<byte> data) == OptionStep.Option)
            {
                if (kind != Ipv4OptionKind.NoOperation)
                {
                    _current = new Ipv4Option(kind, data);
                    return true;
                }
            }

            return false;
        }
    }
}
