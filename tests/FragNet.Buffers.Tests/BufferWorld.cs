namespace FragNet.Buffers.Tests;

/// <summary>
/// A test's own buffer world: a pool, a cache, a DMA device, a lender's buffer and destructors that count their runs.
/// Disposing it is the leak check every test ends with: every buffer freed, every page back, every destructor run
/// exactly once, no mapping left.
/// </summary>
public sealed class BufferWorld : IDisposable
{
    private readonly List<CountingDestructor> _destructors = [];

    static BufferWorld() => RefTracking.Mode = LeakMode.Throw;

    public BufferWorld(int poolPages = 256, int lenderPages = 8)
    {
        Pool = new PagePool(poolPages, "test-pool") { PoisonOnFree = true };
        Cache = new SkbCache(Pool, "test-skb");
        Lender = new UserBuffer(lenderPages, "test-lender");
        Nic = new DmaDevice("test-nic", 64);
        for (int i = 0; i < lenderPages; i++)
        {
            Lender[i].Span.Fill((byte)(0xA0 + i));
        }
    }

    public PagePool Pool { get; }

    public SkbCache Cache { get; }

    public UserBuffer Lender { get; }

    public DmaDevice Nic { get; }

    /// <summary>A destructor whose runs are counted; the leak check wants each to have run exactly once.</summary>
    public CountingDestructor NewDestructor(string name = "d")
    {
        var d = new CountingDestructor(name);
        _destructors.Add(d);
        return d;
    }

    /// <summary>A linear buffer with <paramref name="headroom"/> reserved and <paramref name="bytes"/> put.</summary>
    public SkBuff Linear(ReadOnlySpan<byte> bytes, int headroom = 64)
    {
        SkBuff skb = Cache.Alloc(headroom + bytes.Length);
        skb.Reserve(headroom);
        bytes.CopyTo(skb.Put(bytes.Length));
        return skb;
    }

    /// <summary>A pool page filled with <paramref name="fill"/>; the caller holds its reference.</summary>
    public Page PoolPage(byte fill)
    {
        Page page = Pool.Alloc();
        page.Span.Fill(fill);
        return page;
    }

    public void Dispose()
    {
        foreach (CountingDestructor d in _destructors)
        {
            if (d.Destructor.CreatorHolds)
            {
                d.Destructor.Release(); // a test may end holding its own creator reference
            }
        }

        // Throws LeakException (the assembly runs in LeakMode.Throw) naming whatever is outstanding.
        LeakCheck.AtTeardown([Pool], [Cache], [Nic], _destructors.Select(d => d.Destructor));
        foreach (CountingDestructor d in _destructors)
        {
            Assert.True(d.Runs == 1, $"{d.Destructor.Name} callback ran {d.Runs} times; expected exactly once");
        }

        for (int i = 0; i < Lender.PageCount; i++)
        {
            Assert.Equal(1, Lender[i].RefCount); // only the lender's own hold is left
        }

        Lender.Dispose();
        Assert.True(Lender.IsFreed);
        Pool.Dispose();
    }
}

/// <summary>A <see cref="FragDestructor"/> with a run counter.</summary>
public sealed class CountingDestructor
{
    public CountingDestructor(string name) => Destructor = new FragDestructor(_ => Runs++, this, name);

    public FragDestructor Destructor { get; }

    public int Runs { get; private set; }

    public static implicit operator FragDestructor(CountingDestructor d) => d.Destructor;
}
