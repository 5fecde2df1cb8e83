using System.Runtime.CompilerServices;

namespace FragNet.Buffers;

/// <summary>
/// A packet buffer in the Linux <c>sk_buff</c> model: a header (this object: geometry, length, protocol metadata)
/// pointing at a data buffer (<see cref="SharedInfo"/>: a linear head, up to 17 paged fragments and a frag list).
/// </summary>
/// <remarks>
/// <para>DOC: Basic geometry (after skbuff.h). Offsets index the head array of the shared data buffer:</para>
/// <code>
///   Head[0]        Data            Tail              End
///   | headroom     | linear data   | tailroom        |   + Frags[0..NrFrags) + FragList
///                  |&lt;-- HeadLen --&gt;|
///   Len     == HeadLen + DataLen
///   DataLen == Σ Frags[i].Size + Σ FragList[j].Len
///   0 &lt;= Data &lt;= Tail &lt;= End,  NrFrags &lt;= MaxSkbFrags
/// </code>
/// <para>Ownership vocabulary: <see cref="Clone"/> (new header, shared data), <see cref="PskbCopy"/> (private head,
/// shared frags with frag references), <see cref="Copy"/> (private everything, linear, no destructors);
/// <see cref="IsCloned"/>, <see cref="IsHeaderCloned"/>, <see cref="IsShared"/>. Operations that change the frag array
/// or the head make the data buffer private first; operations that need sole ownership of the header
/// (<see cref="ExpandHead"/>) throw on a shared one.</para>
/// <para>Headers are pooled by their <see cref="SkbCache"/>: after <see cref="Consume"/> or <see cref="Drop"/> the
/// object is reused, so nobody may keep a reference to a freed buffer (the next use throws while it is still free).</para>
/// </remarks>
public sealed partial class SkBuff
{
    private readonly SkbCache _cache;
    private SharedInfo _shinfo = null!;
    private int _data;
    private int _tail;
    private int _len;
    private int _dataLen;
    private int _users;      // skb->users: holders of this header (skb_get); 0 = free in the cache
    private bool _cloned;    // this header was cloned (the data buffer may be shared)
    private bool _nohdr;     // this header promised to look only at the payload (HeaderRelease)
    private int _macHeader;
    private int _networkHeader;
    private int _transportHeader;
    private int _csumStart;

    internal SkBuff(SkbCache cache) => _cache = cache;

    /// <summary>The cache this buffer returns to.</summary>
    public SkbCache Cache => _cache;

    /// <summary>The data buffer (shared with clones).</summary>
    public SharedInfo Shinfo
    {
        get
        {
            ThrowIfFree();
            return _shinfo;
        }
    }

    /// <summary>The data buffer without the freed check (verification code walks live buffers only).</summary>
    internal SharedInfo SharedUnchecked => _shinfo;

    /// <summary>Bytes of packet: linear plus paged (<c>skb-&gt;len</c>).</summary>
    public int Len => _len;

    /// <summary>Paged bytes: frags and frag list (<c>skb-&gt;data_len</c>).</summary>
    public int DataLen => _dataLen;

    /// <summary>Linear bytes (<c>skb_headlen</c>).</summary>
    public int HeadLen => _len - _dataLen;

    /// <summary>True if any byte is outside the head (<c>skb_is_nonlinear</c>).</summary>
    public bool IsNonlinear => _dataLen != 0;

    /// <summary>Offset of the first packet byte in the head (<c>skb-&gt;data - skb-&gt;head</c>).</summary>
    public int DataOffset => _data;

    /// <summary>Offset just past the linear bytes.</summary>
    public int TailOffset => _tail;

    /// <summary>Room before <c>Data</c> (<c>skb_headroom</c>).</summary>
    public int Headroom => _data;

    /// <summary>Room after <c>Tail</c> (<c>skb_tailroom</c>); 0 for a nonlinear buffer, as in Linux.</summary>
    public int Tailroom => IsNonlinear ? 0 : _shinfo.End - _tail;

    /// <summary>Usable head size (<c>skb_end_offset</c>).</summary>
    public int EndOffset => _shinfo.End;

    /// <summary>Number of paged fragments.</summary>
    public int NrFrags => _shinfo.NrFragsValue;

    /// <summary>Buffers chained after the frags (owned by the data buffer).</summary>
    public SkBuff? FragList => _shinfo.FragListValue;

    /// <summary>Next buffer in a queue or segment list (<c>skb-&gt;next</c>).</summary>
    public SkBuff? Next { get; set; }

    /// <summary>True if this header was cloned and the data buffer is still shared (<c>skb_cloned</c>).</summary>
    public bool IsCloned => _cloned && (Volatile.Read(ref _shinfo.DataRefRaw) & SharedInfo.DataRefMask) != 1;

    /// <summary>True if another header may still read the head of the shared buffer (<c>skb_header_cloned</c>).</summary>
    public bool IsHeaderCloned
    {
        get
        {
            if (!_cloned)
            {
                return false;
            }

            int raw = Volatile.Read(ref _shinfo.DataRefRaw);
            return (raw & SharedInfo.DataRefMask) - (raw >>> SharedInfo.DataRefShift) != 1;
        }
    }

    /// <summary>True if more than one holder has this header (<c>skb_shared</c>).</summary>
    public bool IsShared => Volatile.Read(ref _users) > 1;

    /// <summary>Holders of this header.</summary>
    public int Users => Volatile.Read(ref _users);

    /// <summary>True once this header is back in its cache.</summary>
    public bool IsFree => Volatile.Read(ref _users) == 0;

    // ---- metadata (copied by clone and copy; see CopyHeaderFrom) ----

    /// <summary>Link-layer protocol (EtherType) of the packet.</summary>
    public ushort Protocol { get; set; }

    /// <summary>Queueing priority.</summary>
    public uint Priority { get; set; }

    /// <summary>A mark for filters and policy.</summary>
    public uint Mark { get; set; }

    /// <summary>When the packet was received or queued, in injected time.</summary>
    public Instant Timestamp { get; set; }

    /// <summary>Checksum state (<c>ip_summed</c>).</summary>
    public ChecksumState IpSummed { get; set; }

    /// <summary>With <see cref="ChecksumState.Complete"/>: the 16-bit one's-complement sum of the packet from Data.</summary>
    public uint Csum { get; set; }

    /// <summary>With <see cref="ChecksumState.Partial"/>: where the checksum's field is, relative to CsumStart.</summary>
    public int CsumOffset { get; set; }

    /// <summary>With <see cref="ChecksumState.Partial"/>: offset from Data where checksumming starts.</summary>
    public int CsumStart
    {
        get => _csumStart - _data;
        set => _csumStart = _data + value;
    }

    /// <summary>The skb-level destructor (socket accounting); not inherited by clones.</summary>
    public ISkbDestructor? Destructor { get; set; }

    /// <summary>Why the buffer was last freed (for tracing); <see cref="DropReason.NotDroppedYet"/> while live.</summary>
    public DropReason LastReason { get; private set; }

    /// <summary>Offset from Data of the link-layer header, or -1 when unset.</summary>
    public int MacHeader
    {
        get => _macHeader < 0 ? -1 : _macHeader - _data;
        set => _macHeader = value < 0 ? -1 : _data + value;
    }

    /// <summary>Offset from Data of the network header, or -1 when unset.</summary>
    public int NetworkHeader
    {
        get => _networkHeader < 0 ? -1 : _networkHeader - _data;
        set => _networkHeader = value < 0 ? -1 : _data + value;
    }

    /// <summary>Offset from Data of the transport header, or -1 when unset.</summary>
    public int TransportHeader
    {
        get => _transportHeader < 0 ? -1 : _transportHeader - _data;
        set => _transportHeader = value < 0 ? -1 : _data + value;
    }

    /// <summary>Payload bytes per GSO segment (in the shared info); 0 when not a GSO packet.</summary>
    public int GsoSize
    {
        get => _shinfo.GsoSize;
        set => _shinfo.GsoSize = value;
    }

    // ---- geometry operations ----

    /// <summary>The linear bytes, <c>Data..Tail</c>. Writing them on a header-cloned buffer needs <see cref="CowHead"/>.</summary>
    public Span<byte> LinearData
    {
        get
        {
            ThrowIfFree();
            return _shinfo.Head.AsSpan(_data, _tail - _data);
        }
    }

    /// <summary>Makes room for headers in an empty buffer (<c>skb_reserve</c>).</summary>
    public void Reserve(int length)
    {
        ThrowIfFree();
        if (_len != 0 || length < 0 || _tail + length > _shinfo.End)
        {
            ThrowHelper.ThrowGeometry(this, nameof(Reserve), length);
        }

        _data += length;
        _tail += length;
    }

    /// <summary>Extends the linear data at the tail (<c>skb_put</c>); returns the new bytes to fill.</summary>
    public Span<byte> Put(int length)
    {
        ThrowIfFree();
        if (length < 0 || IsNonlinear || _tail + length > _shinfo.End)
        {
            ThrowHelper.ThrowGeometry(this, nameof(Put), length); // skb_over_panic
        }

        int at = _tail;
        _tail += length;
        _len += length;
        return _shinfo.Head.AsSpan(at, length);
    }

    /// <summary>Prepends to the linear data (<c>skb_push</c>); returns the new bytes to fill. A header-cloned buffer
    /// throws: another header may be reading that headroom (use <see cref="CowHead"/>).</summary>
    public Span<byte> Push(int length)
    {
        ThrowIfFree();
        if (length < 0 || length > _data)
        {
            ThrowHelper.ThrowGeometry(this, nameof(Push), length); // skb_under_panic
        }

        if (IsHeaderCloned)
        {
            ThrowHelper.ThrowShared(this, nameof(Push), "the head is shared with a clone; call CowHead first");
        }

        _data -= length;
        _len += length;
        return _shinfo.Head.AsSpan(_data, length);
    }

    /// <summary>Removes bytes from the front (<c>pskb_pull</c>): pulls them into the head first if they are paged.
    /// Returns false, changing nothing, if <paramref name="length"/> exceeds <see cref="Len"/>.</summary>
    public bool Pull(int length)
    {
        ThrowIfFree();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > _len)
        {
            return false;
        }

        if (length > HeadLen && !PullTail(length))
        {
            return false;
        }

        _data += length;
        _len -= length;
        return true;
    }

    /// <summary>Takes another holder of this header (<c>skb_get</c>); each holder frees once.</summary>
    public SkBuff Get()
    {
        ThrowIfFree();
        Interlocked.Increment(ref _users);
        return this;
    }

    /// <summary>Promises that this header will only look at the payload from now on (<c>skb_header_release</c>), so
    /// clones may write headers into the shared headroom (TCP's retransmit queue does this).</summary>
    public void HeaderRelease()
    {
        ThrowIfFree();
        if (_nohdr)
        {
            ThrowHelper.ThrowShared(this, nameof(HeaderRelease), "header already released");
        }

        _nohdr = true;
        Interlocked.Add(ref _shinfo.DataRefRaw, 1 << SharedInfo.DataRefShift);
    }

    /// <summary>Runs and clears the skb-level destructor now (<c>skb_orphan</c>); frags are untouched.</summary>
    public void Orphan()
    {
        ISkbDestructor? d = Destructor;
        Destructor = null;
        d?.Destruct(this);
    }

    internal void InitFresh(SharedInfo shinfo)
    {
        _shinfo = shinfo;
        _data = 0;
        _tail = 0;
        _len = 0;
        _dataLen = 0;
        _users = 1;
        _cloned = false;
        _nohdr = false;
        _macHeader = -1;
        _networkHeader = -1;
        _transportHeader = -1;
        _csumStart = 0;
        CsumOffset = 0;
        Csum = 0;
        IpSummed = ChecksumState.None;
        Protocol = 0;
        Priority = 0;
        Mark = 0;
        Timestamp = default;
        Destructor = null;
        Next = null;
        LastReason = DropReason.NotDroppedYet;
    }

    /// <summary>Copies the metadata a new header inherits (<c>__copy_skb_header</c>), shifting head offsets by
    /// <paramref name="headDelta"/> when the new head is laid out differently.</summary>
    private void CopyHeaderFrom(SkBuff old, int headDelta)
    {
        Protocol = old.Protocol;
        Priority = old.Priority;
        Mark = old.Mark;
        Timestamp = old.Timestamp;
        IpSummed = old.IpSummed;
        Csum = old.Csum;
        CsumOffset = old.CsumOffset;
        _csumStart = old._csumStart + headDelta;
        _macHeader = old._macHeader < 0 ? -1 : old._macHeader + headDelta;
        _networkHeader = old._networkHeader < 0 ? -1 : old._networkHeader + headDelta;
        _transportHeader = old._transportHeader < 0 ? -1 : old._transportHeader + headDelta;
    }

    private void ShiftHeadOffsets(int delta)
    {
        _data += delta;
        _tail += delta;
        _csumStart += delta;
        if (_macHeader >= 0)
        {
            _macHeader += delta;
        }

        if (_networkHeader >= 0)
        {
            _networkHeader += delta;
        }

        if (_transportHeader >= 0)
        {
            _transportHeader += delta;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfFree()
    {
        if (Volatile.Read(ref _users) <= 0)
        {
            ThrowHelper.ThrowFreed(this);
        }
    }

    public override string ToString() =>
        IsFree
            ? "skb (free)"
            : $"skb len {_len} (head {HeadLen}, paged {_dataLen}), headroom {_data}, frags {NrFrags}{(FragList is null ? "" : ", fraglist")}, dataref {_shinfo.DataRef}{(_cloned ? ", cloned" : "")}";
}
