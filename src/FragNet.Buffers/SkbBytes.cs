namespace FragNet.Buffers;

/// <summary>
/// A zero-copy view of a byte range of a <see cref="SkBuff"/>: <c>foreach (ReadOnlySpan&lt;byte&gt; piece in
/// skb.Bytes(offset, length))</c> walks head, frags and frag list in order, allocating nothing.
/// </summary>
/// <remarks>The pieces alias the buffer's memory: they are valid only while the buffer is held and unchanged.</remarks>
public readonly ref struct SkbBytes
{
    private readonly SkBuff _skb;
    private readonly int _offset;
    private readonly int _length;

    internal SkbBytes(SkBuff skb, int offset, int length)
    {
        _skb = skb;
        _offset = offset;
        _length = length;
    }

    /// <summary>Total bytes in the view.</summary>
    public int Length => _length;

    public Enumerator GetEnumerator() => new(_skb, _offset, _length);

    /// <summary>Walks the pieces; <see cref="CurrentWritable"/> is for the buffer core's own stores.</summary>
    public ref struct Enumerator
    {
        private SkBuff _skb;       // the buffer being walked: the top one, or a frag-list member
        private SkBuff? _nextList; // the frag-list member to walk after the current buffer
        private int _index;        // -2 before the head, -1 head, then frag indices
        private int _skip;
        private int _remaining;
        private Span<byte> _current;

        internal Enumerator(SkBuff skb, int offset, int length)
        {
            _skb = skb;
            _nextList = skb.FragList;
            _index = -2;
            _skip = offset;
            _remaining = length;
            _current = default;
        }

        public readonly ReadOnlySpan<byte> Current => _current;

        internal readonly Span<byte> CurrentWritable => _current;

        public bool MoveNext()
        {
            while (_remaining > 0)
            {
                _index++;
                Span<byte> piece;
                if (_index == -1)
                {
                    piece = _skb.LinearData;
                }
                else if (_index < _skb.NrFrags)
                {
                    piece = _skb.FragSpan(_index);
                }
                else
                {
                    if (_nextList is null)
                    {
                        throw new InvalidOperationException($"skb length exceeds its pieces: {_skb}");
                    }

                    _skb = _nextList;
                    _nextList = _skb.Next;
                    _index = -2;
                    continue;
                }

                if (piece.Length <= _skip)
                {
                    _skip -= piece.Length;
                    continue;
                }

                piece = piece[_skip..];
                _skip = 0;
                if (piece.Length > _remaining)
                {
                    piece = piece[.._remaining];
                }

                _remaining -= piece.Length;
                _current = piece;
                return true;
            }

            return false;
        }
    }
}
