using System.Runtime.InteropServices;
using System.Text;

namespace FragNet.Buffers;

/// <summary>
/// A fixed set of local pages carved from one page-aligned native slab (the local page allocator).
/// </summary>
/// <remarks>
/// <para>
/// Capacity is fixed at construction: exhaustion is a counted failure (<see cref="TryAlloc"/> returns false,
/// <see cref="Alloc"/> throws <see cref="PagePoolExhaustedException"/>), never growth and never a wait.
/// <c>Outstanding == Capacity - Available</c> counts pages handed out and not yet back; a leak check asserts it is 0.
/// </para>
/// <para>
/// Only this pool's own, non-foreign pages come back here. Pages lent by callers come from a
/// <see cref="UserBuffer"/>; foreign pages go to their foreign destructor. Either arriving here is a bug and throws.
/// With <see cref="PoisonOnFree"/> (on whenever tracking is on) a returned page is filled with
/// <see cref="PoisonByte"/>, so a stale reader sees garbage instead of plausible bytes.
/// </para>
/// </remarks>
public sealed unsafe class PagePool : IPageOwner, IDisposable
{
    /// <summary>What a returned page is filled with when poisoning.</summary>
    public const byte PoisonByte = 0x6B; // Linux POISON_FREE

    private static long s_nextFrame = 0x1000;

    private readonly byte* _slab;
    private readonly Page[] _pages;
    private readonly int[] _free; // stack of free page indices
    private readonly long _firstFrame;
    private readonly Lock _lock = new();
    private int _freeCount;
    private long _allocations;
    private long _exhaustions;
    private bool _disposed;

    /// <summary>Creates a pool of <paramref name="capacity"/> pages.</summary>
    public PagePool(int capacity, string name = "pool")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Name = name;
        Capacity = capacity;
        _slab = (byte*)NativeMemory.AlignedAlloc((nuint)capacity * Page.Size, Page.Size);
        NativeMemory.Clear(_slab, (nuint)capacity * Page.Size);
        _firstFrame = Interlocked.Add(ref s_nextFrame, capacity) - capacity;
        _pages = new Page[capacity];
        _free = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _pages[i] = new Page(this, _slab + ((long)i * Page.Size), _firstFrame + i, startLive: false);
            _free[i] = capacity - 1 - i; // hand out low frames first
        }

        _freeCount = capacity;
        PoisonOnFree = RefTracking.IsTracking;
    }

    public string Name { get; }

    /// <summary>Pages in the pool, free or not.</summary>
    public int Capacity { get; }

    /// <summary>Pages free now.</summary>
    public int Available => Volatile.Read(ref _freeCount);

    /// <summary>Pages handed out and not yet returned.</summary>
    public int Outstanding => Capacity - Available;

    /// <summary>Successful allocations since creation.</summary>
    public long Allocations => Interlocked.Read(ref _allocations);

    /// <summary>Allocations refused because the pool was empty.</summary>
    public long Exhaustions => Interlocked.Read(ref _exhaustions);

    /// <summary>Fill returned pages with <see cref="PoisonByte"/>.</summary>
    public bool PoisonOnFree { get; set; }

    /// <summary>Takes a free page (count 1, held by the caller), or returns false and counts an exhaustion.</summary>
    public bool TryAlloc(out Page page)
    {
        int index;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_freeCount == 0)
            {
                _exhaustions++;
                page = null!;
                return false;
            }

            index = _free[--_freeCount];
            _allocations++;
        }

        page = _pages[index];
        page.ReviveFromOwner();
        return true;
    }

    /// <summary>Takes a free page (count 1, held by the caller); throws <see cref="PagePoolExhaustedException"/>.</summary>
    public Page Alloc()
    {
        if (!TryAlloc(out Page page))
        {
            throw new PagePoolExhaustedException(
                $"page pool '{Name}' exhausted: all {Capacity} pages outstanding ({Exhaustions} refusals so far)");
        }

        return page;
    }

    /// <summary>True if <paramref name="page"/> is one of this pool's pages.</summary>
    public bool Owns(Page page) => ReferenceEquals(page.Owner, this);

    void IPageOwner.ReturnPage(Page page)
    {
        if (!Owns(page) || page.IsForeign)
        {
            throw new RefCountException($"{page.Describe()} returned to pool '{Name}', which does not own it");
        }

        if (PoisonOnFree)
        {
            page.SpanUnchecked.Fill(PoisonByte);
        }

        int index = checked((int)(page.FrameNumber - _firstFrame));
        lock (_lock)
        {
            if (_freeCount >= Capacity)
            {
                throw new RefCountException($"{page.Describe()} returned to a full pool '{Name}'");
            }

            _free[_freeCount++] = index;
        }
    }

    /// <summary>The pages handed out and not yet back (for leak reports).</summary>
    public IEnumerable<Page> OutstandingPages()
    {
        foreach (Page page in _pages)
        {
            if (page.RefCount > 0 || page.IsForeign)
            {
                yield return page;
            }
        }
    }

    /// <summary>Describes every outstanding page and its last holders; empty when nothing is outstanding.</summary>
    public string LeakReport()
    {
        if (Outstanding == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        sb.Append("pool '").Append(Name).Append("': ").Append(Outstanding).Append(" page(s) outstanding");
        foreach (Page page in OutstandingPages())
        {
            sb.AppendLine().Append("  ").Append(page.Describe()).Append(" refcount ").Append(page.RefCount);
            page.AppendHistory(sb, "    ");
        }

        return sb.ToString();
    }

    /// <summary>Frees the slab. Refused (throws, memory kept) while pages are outstanding: someone may still read them.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_freeCount != Capacity)
            {
                throw new InvalidOperationException(
                    $"page pool '{Name}' disposed with pages outstanding; memory kept alive.{Environment.NewLine}{LeakReport()}");
            }

            _disposed = true;
        }

        NativeMemory.AlignedFree(_slab);
    }
}
