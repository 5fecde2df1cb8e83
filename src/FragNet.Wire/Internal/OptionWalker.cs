namespace FragNet.Wire.Internal;

/// <summary>What <see cref="OptionWalker.Next"/> found.</summary>
internal enum OptionStep
{
    /// <summary>An option: a single-byte No-Operation, or a kind-length-data option within the region.</summary>
    Option,

    /// <summary>The end of the list: the region is used up, or an End of Option List byte starts the padding.</summary>
    End,

    /// <summary>A length byte is missing, below 2, or runs past the region.</summary>
    Malformed,
}

/// <summary>
/// Walks the type-length-value option list shared by IPv4 (RFC 791 §3.1) and TCP (RFC 9293 §3.1): kind 0 (End of
/// Option List) ends the list and whatever follows it is padding; kind 1 (No-Operation) is one byte; every other
/// kind has a length byte that counts the kind and length bytes too, so it is at least 2 and may not run past the
/// region. The walker never reads outside the region, so it never throws on any input.
/// </summary>
internal ref struct OptionWalker
{
    /// <summary>End of Option List, the same value in IPv4 and TCP.</summary>
    public const byte EndOfOptionList = 0;

    /// <summary>No-Operation, the same value in IPv4 and TCP.</summary>
    public const byte NoOperation = 1;

    private readonly ReadOnlySpan<byte> _region;
    private int _position;

    public OptionWalker(ReadOnlySpan<byte> region)
    {
        _region = region;
        _position = 0;
    }

    /// <summary>Offset of the next byte to walk; after <see cref="OptionStep.End"/> at an End of Option List, the
    /// offset of that byte.</summary>
    public readonly int Position => _position;

    /// <summary>Steps to the next option. <paramref name="data"/> excludes the kind and length bytes; it is empty for
    /// a No-Operation. After <see cref="OptionStep.End"/> or <see cref="OptionStep.Malformed"/> the walk stays there.</summary>
    public OptionStep Next(out byte kind, out ReadOnlySpan<byte> data)
    {
        data = default;
        kind = 0;
        if (_position >= _region.Length)
        {
            return OptionStep.End;
        }

        kind = _region[_position];
        if (kind == EndOfOptionList)
        {
            return OptionStep.End;
        }

        if (kind == NoOperation)
        {
            _position++;
            return OptionStep.Option;
        }

        int remaining = _region.Length - _position;
        if (remaining < 2)
        {
            return OptionStep.Malformed;
        }

        int length = _region[_position + 1];
        if (length < 2 || length > remaining)
        {
            return OptionStep.Malformed;
        }

        data = _region.Slice(_position + 2, length - 2);
        _position += length;
        return OptionStep.Option;
    }
}
