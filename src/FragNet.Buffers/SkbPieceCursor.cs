namespace FragNet.Buffers;

/// <summary>
/// Walks a buffer's bytes as pieces that know where they live: linear bytes of some head, or a range of a frag
/// (with its page and destructor), across head, frags and frag list. Segmentation uses it to decide, per segment,
/// which bytes can be shared by reference and which must be copied. A plain struct: copy it to look ahead.
/// </summary>
internal struct SkbPieceCursor
{
    private SkBuff _skb;
    private SkBuff? _nextList;
    private int _index;   // -1 head, then frag indices
    private int _within;  // bytes of the current piece already consumed

    public SkbPieceCursor(SkBuff skb, int offset)
    {
        _skb = skb;
        _nextList = skb.FragList;
        _index = -1;
        _within = 0;
        Skip(offset);
    }

    /// <summary>The next piece of at most <paramref name="max"/> bytes.</summary>
    public Piece Next(int max)
    {
        while (true)
        {
            int size = PieceSize();
            if (size < 0)
            {
                throw new InvalidOperationException("segment cursor ran past the end of the buffer");
            }

            int available = size - _within;
            if (available <= 0)
            {
                Advance();
                continue;
            }

            int take = Math.Min(available, max);
            Piece p = _index < 0
                ? new Piece(_skb, -1, _within, take)
                : new Piece(_skb, _index, _within, take);
            _within += take;
            return p;
        }
    }

    private void Skip(int bytes)
    {
        while (bytes > 0)
        {
            int available = PieceSize() - _within;
            if (available > bytes)
            {
                _within += bytes;
                return;
            }

            bytes -= available;
            Advance();
        }
    }

    /// <summary>Size of the current piece, or -1 past the end.</summary>
    private readonly int PieceSize() => _index < 0 ? _skb.HeadLen : _index < _skb.NrFrags ? _skb.FragSize(_index) : -1;

    private void Advance()
    {
        _within = 0;
        if (_index + 1 < _skb.NrFrags)
        {
            _index++;
            return;
        }

        if (_nextList is null)
        {
            _index = int.MaxValue - 1; // past the end: PieceSize reports -1
            return;
        }

        _skb = _nextList;
        _nextList = _skb.Next;
        _index = -1;
    }

    /// <summary>A run of bytes: linear (<see cref="FragIndex"/> &lt; 0) at <see cref="Skip"/> past the owner's Data, or
    /// <see cref="Skip"/> bytes into frag <see cref="FragIndex"/> of <see cref="Owner"/>.</summary>
    internal readonly record struct Piece(SkBuff Owner, int FragIndex, int Skip, int Length)
    {
        public bool IsFrag => FragIndex >= 0;

        public SkbFrag Frag => Owner.Frag(FragIndex).Slice(Skip, Length);

        public ReadOnlySpan<byte> Linear => Owner.LinearData.Slice(Skip, Length);
    }
}
