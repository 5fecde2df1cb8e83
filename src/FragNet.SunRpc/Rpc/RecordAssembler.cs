using System.Buffers;

namespace FragNet.SunRpc.Rpc;

/// <summary>
/// Sans-IO reassembly of record-marked RPC messages (RFC 5531 §11) from a TCP byte stream: bytes are pushed as they
/// arrive, in pieces of any size; fragments are joined until the last-fragment bit; a record larger than the maximum
/// (summed over its fragments) fails the stream.
/// </summary>
/// <remarks>
/// The record is assembled in one buffer rented from the shared array pool (this is the one receive copy, as Linux's
/// svc_tcp_recvfrom copies from the socket into <c>rq_pages</c>); it grows only as fragments arrive, never by a
/// declared length, so a hostile header cannot make us allocate more than the bytes actually sent.
/// </remarks>
public sealed class RecordAssembler : IDisposable
{
    private readonly int _maxRecord;
    private readonly byte[] _header = new byte[RecordMarking.HeaderLength];
    private byte[] _buffer;
    private int _length;        // record bytes assembled so far
    private int _headerHave;    // header bytes of the current fragment read so far
    private int _fragmentLeft;  // bytes of the current fragment still to come
    private bool _last;         // the current fragment is the record's last
    private bool _complete;
    private bool _failed;       // TooLarge is final: the stream cannot be resynchronised

    public RecordAssembler(int maxRecord)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRecord);
        _maxRecord = maxRecord;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(maxRecord, 4096));
    }

    /// <summary>The largest record accepted.</summary>
    public int MaxRecord => _maxRecord;

    /// <summary>The completed record (valid after <see cref="RecordStatus.Complete"/> until the next push).</summary>
    public ReadOnlyMemory<byte> Record => _complete ? _buffer.AsMemory(0, _length) : ReadOnlyMemory<byte>.Empty;

    /// <summary>Fragments seen in the current record.</summary>
    public int Fragments { get; private set; }

    /// <summary>True if a record has started (some of its bytes were pushed) but is not complete.</summary>
    public bool InRecord => !_complete && (_headerHave > 0 || _length > 0 || _fragmentLeft > 0 || Fragments > 0);

    /// <summary>Consumes bytes of <paramref name="data"/> until a record completes or the input runs out.</summary>
    public RecordStatus Push(ReadOnlySpan<byte> data, out int consumed)
    {
        if (_failed)
        {
            consumed = 0;
            return RecordStatus.TooLarge;
        }

        if (_complete)
        {
            _complete = false;
            _length = 0;
            Fragments = 0;
        }

        consumed = 0;
        while (true)
        {
            if (_fragmentLeft == 0 && _headerHave < RecordMarking.HeaderLength)
            {
                int n = Math.Min(RecordMarking.HeaderLength - _headerHave, data.Length - consumed);
                data.Slice(consumed, n).CopyTo(_header.AsSpan(_headerHave));
                _headerHave += n;
                consumed += n;
                if (_headerHave < RecordMarking.HeaderLength)
                {
                    return RecordStatus.NeedMore;
                }

                (int length, bool last) = RecordMarking.ReadHeader(_header);
                Fragments++;
                if ((long)_length + length > _maxRecord)
                {
                    _failed = true;
                    return RecordStatus.TooLarge;
                }

                _fragmentLeft = length;
                _last = last;
            }

            if (_fragmentLeft > 0)
            {
                int n = Math.Min(_fragmentLeft, data.Length - consumed);
                if (n == 0)
                {
                    return RecordStatus.NeedMore;
                }

                EnsureCapacity(_length + n);
                data.Slice(consumed, n).CopyTo(_buffer.AsSpan(_length));
                _length += n;
                consumed += n;
                _fragmentLeft -= n;
                if (_fragmentLeft > 0)
                {
                    return RecordStatus.NeedMore;
                }
            }

            // The fragment is complete.
            _headerHave = 0;
            if (_last)
            {
                _complete = true;
                return RecordStatus.Complete;
            }
        }
    }

    public void Dispose()
    {
        byte[] b = _buffer;
        _buffer = [];
        if (b.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _buffer.Length)
        {
            return;
        }

        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(Math.Max(needed, _buffer.Length * 2), _maxRecord));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
