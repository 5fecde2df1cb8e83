namespace FragNet.Buffers;

/// <summary>Sharing and copying: clone, pskb_copy, copy, expand_head, unshare, cow, linearize.</summary>
public sealed partial class SkBuff
{
    /// <summary>A new header sharing this data buffer (<c>skb_clone</c>). No frag references are taken (rule 3):
    /// the frags are dropped when the last sharer is freed.</summary>
    public SkBuff Clone()
    {
        ThrowIfFree();
        SkBuff n = _cache.AllocHeader();
        Interlocked.Increment(ref _shinfo.DataRefRaw);
        n.InitFresh(_shinfo);
        n._data = _data;
        n._tail = _tail;
        n._len = _len;
        n._dataLen = _dataLen;
        n._cloned = true;
        n.CopyHeaderFrom(this, 0);
        _cloned = true;
        return n;
    }

    /// <summary>A private head with shared frags (<c>pskb_copy</c>): each frag gets a second pointer, so
    /// <c>FragRef</c> is taken for each (rule 4); frag-list members get one more holder each.</summary>
    public SkBuff PskbCopy()
    {
        ThrowIfFree();
        SkBuff n = _cache.Alloc(_shinfo.End);
        n.Reserve(Headroom);
        LinearData.CopyTo(n.Put(HeadLen));
        SharedInfo to = n._shinfo;
        for (int i = 0; i < _shinfo.NrFragsValue; i++)
        {
            to.Frags[i] = _shinfo.Frags[i];
            FragCore.Ref(to.Frags[i], nameof(PskbCopy));
        }

        to.NrFragsValue = _shinfo.NrFragsValue;
        to.FragListValue = _shinfo.FragListValue;
        GetFragList(to.FragListValue);
        CopyGso(_shinfo, to);
        n._len = _len;
        n._dataLen = _dataLen;
        n.CopyHeaderFrom(this, 0);
        return n;
    }

    /// <summary>A private, linear copy of everything (<c>skb_copy</c>), headroom included. The copy's bytes are new
    /// memory: it carries no destructor (rule 5).</summary>
    public SkBuff Copy()
    {
        ThrowIfFree();
        SkBuff n = _cache.Alloc(_shinfo.End + _dataLen);
        _shinfo.Head.AsSpan(0, _tail).CopyTo(n._shinfo.Head);
        n._data = _data;
        n._tail = _tail;
        CopyBits(HeadLen, n._shinfo.Head.AsSpan(_tail, _dataLen));
        n._tail += _dataLen;
        n._len = _len;
        CopyGso(_shinfo, n._shinfo);
        n.CopyHeaderFrom(this, 0);
        return n;
    }

    /// <summary>Reallocates the head with <paramref name="headroomToAdd"/> more headroom and
    /// <paramref name="tailroomToAdd"/> more tailroom (<c>pskb_expand_head</c>), leaving this header with a private
    /// data buffer. If the old buffer was shared the frags get second pointers (<c>FragRef</c> each, rule 4); otherwise
    /// they move. Throws on a shared header (<see cref="IsShared"/>), as Linux's BUG_ON does.</summary>
    public void ExpandHead(int headroomToAdd, int tailroomToAdd)
    {
        ThrowIfFree();
        ArgumentOutOfRangeException.ThrowIfNegative(headroomToAdd);
        ArgumentOutOfRangeException.ThrowIfNegative(tailroomToAdd);
        ThrowIfSharedHeader(nameof(ExpandHead));
        SharedInfo old = _shinfo;
        SharedInfo sh = _cache.AllocShared(headroomToAdd + old.End + tailroomToAdd);
        old.Head.AsSpan(0, _tail).CopyTo(sh.Head.AsSpan(headroomToAdd));
        Array.Copy(old.Frags, sh.Frags, old.NrFragsValue);
        sh.NrFragsValue = old.NrFragsValue;
        sh.FragListValue = old.FragListValue;
        CopyGso(old, sh);
        if ((Volatile.Read(ref old.DataRefRaw) & SharedInfo.DataRefMask) != 1)
        {
            for (int i = 0; i < sh.NrFragsValue; i++)
            {
                FragCore.Ref(sh.Frags[i], nameof(ExpandHead));
            }

            GetFragList(sh.FragListValue);
            ReleaseData(old, _nohdr, nameof(ExpandHead));
        }
        else
        {
            // Sole owner: frags and frag list move to the new buffer; the old one is freed without dropping them.
            old.NrFragsValue = 0;
            old.FragListValue = null;
            old.Cache.FreeShared(old);
        }

        _shinfo = sh;
        ShiftHeadOffsets(headroomToAdd);
        _cloned = false;
        _nohdr = false;
    }

    /// <summary>Returns a buffer whose data nobody else shares (<c>skb_unshare</c>): this one if not cloned, else a
    /// private <see cref="Copy"/>, freeing this header.</summary>
    public SkBuff Unshare()
    {
        ThrowIfFree();
        if (!IsCloned)
        {
            return this;
        }

        SkBuff n = Copy();
        Consume();
        return n;
    }

    /// <summary>Makes the data buffer private with at least <paramref name="headroom"/> bytes of headroom
    /// (<c>skb_cow</c>): for writing anywhere in the packet.</summary>
    public void Cow(int headroom) => CowCore(headroom, IsCloned);

    /// <summary>Makes the head private with at least <paramref name="headroom"/> bytes of headroom
    /// (<c>skb_cow_head</c>): for writing headers only.</summary>
    public void CowHead(int headroom) => CowCore(headroom, IsHeaderCloned);

    /// <summary>Copies every paged byte into the head (<c>skb_linearize</c>): frags are dropped (<c>FragUnref</c>, rule 4)
    /// and the new bytes carry no destructor (rule 5). A cloned buffer gets a private head; the clones keep theirs.</summary>
    public void Linearize()
    {
        ThrowIfFree();
        if (_dataLen == 0 && _shinfo.FragListValue is null)
        {
            return;
        }

        ThrowIfSharedHeader(nameof(Linearize));
        SharedInfo old = _shinfo;
        SharedInfo sh = _cache.AllocShared(old.End + _dataLen);
        old.Head.AsSpan(0, _tail).CopyTo(sh.Head);
        CopyBits(HeadLen, sh.Head.AsSpan(_tail, _dataLen));
        CopyGso(old, sh);
        ReleaseData(old, _nohdr, nameof(Linearize));
        _shinfo = sh;
        _tail += _dataLen;
        _dataLen = 0;
        _cloned = false;
        _nohdr = false;
    }

    private void CowCore(int headroom, bool mustCopy)
    {
        ThrowIfFree();
        int delta = Math.Max(0, headroom - Headroom);
        if (delta > 0 || mustCopy)
        {
            ExpandHead((delta + SkbCache.HeadAlign - 1) & ~(SkbCache.HeadAlign - 1), 0);
        }
    }

    private void ThrowIfSharedHeader(string operation)
    {
        if (IsShared)
        {
            ThrowHelper.ThrowShared(this, operation, $"the header has {Users} holders (skb_shared)");
        }
    }

    private static void CopyGso(SharedInfo from, SharedInfo to)
    {
        to.GsoSize = from.GsoSize;
        to.GsoSegs = from.GsoSegs;
        to.GsoType = from.GsoType;
    }
}
