using System.Numerics;
using System.Text;

namespace FragNet.Buffers;

/// <summary>
/// Where buffers come from (the <c>skbuff_head_cache</c> slab): recycles <see cref="SkBuff"/> headers and
/// <see cref="SharedInfo"/> objects, each data buffer with its linear head, so no managed allocation happens per
/// packet in steady state, and holds the <see cref="PagePool"/> that operations needing new pages
/// (<see cref="SkBuff.OrphanFrags"/>) take them from. Counts live buffers (a leak check asserts 0) and drops by
/// <see cref="DropReason"/>.
/// </summary>
/// <remarks>
/// Like a slab's per-CPU magazines: the thread that made the cache — the one running its stack — allocates and frees
/// from its own free lists without a lock; any other thread (a device's completion, a host thread dropping the last
/// reference) frees into a second set of lists under a lock, and the owner takes those back when its own run dry.
/// </remarks>
public sealed class SkbCache
{
    /// <summary>Linear heads are rounded up to this (Linux <c>SKB_DATA_ALIGN</c>).</summary>
    public const int HeadAlign = 64;

    private readonly int _owner = Environment.CurrentManagedThreadId;

    // The owner's magazine: only the thread that made the cache touches these, without a lock.
    private readonly Stack<SkBuff> _ownerSkbs = new();
    private readonly Stack<SharedInfo>[] _ownerShared = NewSizeClasses();
    private int _ownerLiveSkbs;
    private int _ownerLiveShared;

    // Every other thread's, and the list of all headers: under the lock.
    private readonly Lock _lock = new();
    private readonly Stack<SkBuff> _remoteSkbs = new();
    private readonly Stack<SharedInfo>[] _remoteShared = NewSizeClasses();
    private int _remoteLiveSkbs;
    private int _remoteLiveShared;
    private readonly List<SkBuff> _allSkbs = [];
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];

    /// <summary>Linear heads come in power-of-two sizes from <see cref="HeadAlign"/> up to this (larger ones are made
    /// to measure); a data buffer keeps its head across lives, so a free one is found by its head's size class.</summary>
    public const int MaxPooledHead = 1 << 20;

    private const int SmallestClassShift = 6; // 64 = HeadAlign

    public SkbCache(PagePool pages, string name = "skb")
    {
        ArgumentNullException.ThrowIfNull(pages);
        Pages = pages;
        Name = name;
    }

    public string Name { get; }

    /// <summary>The page pool new pages come from.</summary>
    public PagePool Pages { get; }

    /// <summary>Buffer headers allocated and not freed.</summary>
    public int Live
    {
        get
        {
            lock (_lock)
            {
                return Volatile.Read(ref _ownerLiveSkbs) + _remoteLiveSkbs;
            }
        }
    }

    /// <summary>Data buffers (head + shared info) allocated and not freed.</summary>
    public int LiveShared
    {
        get
        {
            lock (_lock)
            {
                return Volatile.Read(ref _ownerLiveShared) + _remoteLiveShared;
            }
        }
    }

    /// <summary>Buffers ended by <see cref="SkBuff.Consume"/>.</summary>
    public long Consumed => Interlocked.Read(ref _drops[(int)DropReason.Consumed]);

    /// <summary>Buffers dropped for <paramref name="reason"/>.</summary>
    public long Drops(DropReason reason) => Interlocked.Read(ref _drops[(int)reason]);

    /// <summary>Allocates a buffer with <paramref name="size"/> bytes of linear room (<c>alloc_skb</c>): empty, data at
    /// the start of the head, no frags.</summary>
    public SkBuff Alloc(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        SkBuff skb = AllocHeader();
        skb.InitFresh(AllocShared(size));
        return skb;
    }

    internal SkBuff AllocHeader()
    {
        if (IsOwner)
        {
            _ownerLiveSkbs++;
            return _ownerSkbs.TryPop(out SkBuff? mine) ? mine : RefillHeader(owner: true);
        }

        lock (_lock)
        {
            _remoteLiveSkbs++;
            return _remoteSkbs.TryPop(out SkBuff? skb) ? skb : RefillHeader(owner: false);
        }
    }

    internal void FreeHeader(SkBuff skb)
    {
        if (IsOwner)
        {
            _ownerLiveSkbs--;
            _ownerSkbs.Push(skb);
            return;
        }

        lock (_lock)
        {
            _remoteLiveSkbs--;
            _remoteSkbs.Push(skb);
        }
    }

    internal SharedInfo AllocShared(int size)
    {
        int end = (size + HeadAlign - 1) & ~(HeadAlign - 1);
        int sizeClass = SizeClassOf(end);
        SharedInfo? shinfo;
        if (IsOwner)
        {
            _ownerLiveShared++;
            if (!_ownerShared[sizeClass].TryPop(out shinfo))
            {
                shinfo = RefillShared(sizeClass, end, owner: true);
            }
        }
        else
        {
            lock (_lock)
            {
                _remoteLiveShared++;
                if (!_remoteShared[sizeClass].TryPop(out shinfo))
                {
                    shinfo = RefillShared(sizeClass, end, owner: false);
                }
            }
        }

        shinfo.ResetForUse(end, shinfo.Head.Length < end ? new byte[end] : null);
        return shinfo;
    }

    internal void FreeShared(SharedInfo shinfo)
    {
        shinfo.FragListValue = null;
        shinfo.NrFragsValue = 0;
        Array.Clear(shinfo.Frags);
        int sizeClass = SizeClassOf(shinfo.Head.Length);
        if (IsOwner)
        {
            _ownerLiveShared--;
            _ownerShared[sizeClass].Push(shinfo);
            return;
        }

        lock (_lock)
        {
            _remoteLiveShared--;
            _remoteShared[sizeClass].Push(shinfo);
        }
    }

    internal void CountFree(DropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);

    private bool IsOwner => Environment.CurrentManagedThreadId == _owner;

    /// <summary>The owner's magazine is empty: take back what other threads freed, or make a new header (counted in
    /// <see cref="_allSkbs"/> for the leak report). A non-owner calls this holding the lock.</summary>
    private SkBuff RefillHeader(bool owner)
    {
        lock (_lock)
        {
            if (owner)
            {
                while (_remoteSkbs.TryPop(out SkBuff? back))
                {
                    _ownerSkbs.Push(back);
                }

                if (_ownerSkbs.TryPop(out SkBuff? mine))
                {
                    return mine;
                }
            }

            var skb = new SkBuff(this);
            _allSkbs.Add(skb);
            return skb;
        }
    }

    private SharedInfo RefillShared(int sizeClass, int end, bool owner)
    {
        if (owner)
        {
            lock (_lock)
            {
                while (_remoteShared[sizeClass].TryPop(out SharedInfo? back))
                {
                    _ownerShared[sizeClass].Push(back);
                }
            }

            if (_ownerShared[sizeClass].TryPop(out SharedInfo? mine))
            {
                return mine;
            }
        }

        var shinfo = new SharedInfo(this);
        shinfo.Head = sizeClass == 0 ? [] : new byte[Math.Max(1 << (sizeClass + SmallestClassShift - 1), end)];
        return shinfo;
    }

    /// <summary>0 for an empty head, then one class per power of two from 64 bytes (<see cref="HeadAlign"/>) up to
    /// <see cref="MaxPooledHead"/>; larger heads share the last class.</summary>
    private static int SizeClassOf(int bytes)
    {
        if (bytes == 0)
        {
            return 0;
        }

        int rounded = (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)Math.Max(bytes, HeadAlign)), MaxPooledHead);
        return BitOperations.Log2((uint)rounded) - SmallestClassShift + 1;
    }

    private static Stack<SharedInfo>[] NewSizeClasses()
        => [.. Enumerable.Range(0, SizeClassOf(MaxPooledHead) + 1).Select(_ => new Stack<SharedInfo>())];

    /// <summary>Describes every live buffer; empty when none.</summary>
    public string LeakReport()
    {
        if (Live == 0 && LiveShared == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder().Append("skb cache '").Append(Name).Append("': ").Append(Live)
            .Append(" buffer(s) and ").Append(LiveShared).Append(" data buffer(s) live");
        lock (_lock)
        {
            foreach (SkBuff skb in _allSkbs)
            {
                if (!skb.IsFree)
                {
                    sb.AppendLine().Append("  ").Append(skb);
                }
            }
        }

        return sb.ToString();
    }
}
