using BenchmarkDotNet.Attributes;
using FragNet.Buffers;

namespace FragNet.Benchmarks;

/// <summary>
/// Per-packet buffer operations in steady state. Every row should allocate 0 B: headers and data buffers come from the
/// cache, heads from the cache's array pool, pages from the page pool.
/// </summary>
[MemoryDiagnoser]
public class SkBuffBenchmarks
{
    private const int Mss = 1448;
    private const int HeaderLength = 54;

    private PagePool _pool = null!;
    private SkbCache _cache = null!;
    private UserBuffer _lender = null!;
    private FragDestructor _destructor = null!;
    private SkBuff _lent64K = null!;
    private SkBuff _gso64K = null!;

    [GlobalSetup]
    public void Setup()
    {
        _pool = new PagePool(4096, "bench");
        _cache = new SkbCache(_pool, "bench");
        _lender = new UserBuffer(16, "bench-lender");
        _lender.Span.Fill(0xAA);
        _destructor = new FragDestructor(_ => { }, null, "bench"); // the creator keeps it: never destroyed here
        _lent64K = BuildLent64K();
        _gso64K = BuildLent64K();
        _gso64K.GsoSize = Mss;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _lent64K.Consume();
        _gso64K.Consume();
        _destructor.Release();
        _lender.Dispose();
        _pool.Dispose();
    }

    [Benchmark(Description = "alloc + reserve + put 1448 + free")]
    public int AllocPutFree()
    {
        SkBuff skb = _cache.Alloc(HeaderLength + Mss + 64);
        skb.Reserve(64 + HeaderLength);
        skb.Put(Mss)[0] = 1;
        int len = skb.Len;
        skb.Consume();
        return len;
    }

    [Benchmark(Description = "clone + free (64 KiB, 16 lent frags)")]
    public int CloneFree()
    {
        SkBuff clone = _lent64K.Clone();
        int len = clone.Len;
        clone.Consume();
        return len;
    }

    [Benchmark(Description = "append 16 frags with destructor + free")]
    public int AppendFragsWithDestructor()
    {
        SkBuff skb = _cache.Alloc(128);
        for (int i = 0; i < 16; i++)
        {
            skb.AppendFrag(_lender[i], 0, Page.Size, _destructor);
        }

        int len = skb.Len;
        skb.Consume();
        return len;
    }

    [Benchmark(Description = "segment 64 KiB into 1448-byte MSS + free")]
    public int Segment64K()
    {
        return SkBuff.FreeList(_gso64K.Segment(HeaderLength));
    }

    [Benchmark(Description = "pskb_copy + free (64 KiB, 16 lent frags)")]
    public int PskbCopyFree()
    {
        SkBuff copy = _lent64K.PskbCopy();
        int len = copy.Len;
        copy.Consume();
        return len;
    }

    [Benchmark(Description = "orphan_frags 64 KiB (build 16 lent frags, copy out, free)")]
    public int OrphanFrags64K()
    {
        SkBuff skb = BuildLent64K();
        skb.OrphanFrags();
        int len = skb.Len;
        skb.Consume();
        return len;
    }

    private SkBuff BuildLent64K()
    {
        SkBuff skb = _cache.Alloc(128 + HeaderLength);
        skb.Reserve(128);
        skb.Put(HeaderLength).Fill(0x45);
        for (int i = 0; i < 16; i++)
        {
            skb.AppendFrag(_lender[i], 0, Page.Size, _destructor);
        }

        return skb;
    }
}
