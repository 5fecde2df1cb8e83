using System.Buffers;
using System.Text;

namespace FragNet.Buffers;

/// <summary>
/// Where buffers come from (the <c>skbuff_head_cache</c> slab, heads from its own array pool): recycles
/// <see cref="SkBuff"/> headers and <see cref="SharedInfo"/> objects so no managed allocation happens per packet in
/// steady state, and holds the <see cref="PagePool"/> that operations needing new pages (<see cref="SkBuff.OrphanFrags"/>)
/// take them from. Counts live buffers (a leak check asserts 0) and drops by <see cref="DropReason"/>.
/// </summary>
public sealed class SkbCache
{
    /// <summary>Linear heads are rounded up to this (Linux <c>SKB_DATA_ALIGN</c>).</summary>
    public const int HeadAlign = 64;

    private readonly Lock _lock = new();
    private readonly Stack<SkBuff> _freeSkbs = new();
    private readonly Stack<SharedInfo> _freeShared = new();
    private readonly List<SkBuff> _allSkbs = [];
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];
    private int _liveSkbs;
    private int _liveShared;

    /// <summary>Linear heads held free per size class. The shared array pool keeps only a few per core, so a socket
    /// queue of thousands of received frames would make every new head a fresh allocation; this pool keeps enough.</summary>
    public const int HeadsPerSizeClass = 8192;

    private readonly ArrayPool<byte> _heads = ArrayPool<byte>.Create(1 << 20, HeadsPerSizeClass);

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
    public int Live => Volatile.Read(ref _liveSkbs);

    /// <summary>Data buffers (head + shared info) allocated and not freed.</summary>
    public int LiveShared => Volatile.Read(ref _liveShared);

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
        SkBuff? skb;
        lock (_lock)
        {
            if (!_freeSkbs.TryPop(out skb))
            {
                skb = new SkBuff(this);
                _allSkbs.Add(skb);
            }

            _liveSkbs++;
        }

        return skb;
    }

    internal void FreeHeader(SkBuff skb)
    {
        lock (_lock)
        {
            _liveSkbs--;
            _freeSkbs.Push(skb);
        }
    }

    internal SharedInfo AllocShared(int size)
    {
        int end = (size + HeadAlign - 1) & ~(HeadAlign - 1);
        byte[] head = end == 0 ? [] : _heads.Rent(end);
        SharedInfo? shinfo;
        lock (_lock)
        {
            if (!_freeShared.TryPop(out shinfo))
            {
                shinfo = new SharedInfo(this);
            }

            _liveShared++;
        }

        shinfo.ResetForUse(head, end);
        return shinfo;
    }

    internal void FreeShared(SharedInfo shinfo)
    {
        if (shinfo.Head.Length != 0)
        {
            _heads.Return(shinfo.Head);
        }

        shinfo.Head = [];
        shinfo.FragListValue = null;
        shinfo.NrFragsValue = 0;
        Array.Clear(shinfo.Frags);
        lock (_lock)
        {
            _liveShared--;
            _freeShared.Push(shinfo);
        }
    }

    internal void CountFree(DropReason reason) => Interlocked.Increment(ref _drops[(int)reason]);

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
