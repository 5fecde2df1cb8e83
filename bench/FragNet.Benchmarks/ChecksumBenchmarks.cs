using BenchmarkDotNet.Attributes;
using FragNet.Buffers;

namespace FragNet.Benchmarks;

/// <summary>The Internet checksum over a buffer's pieces, against memcpy of the same size as the reference row.</summary>
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private PagePool _pool = null!;
    private SkbCache _cache = null!;
    private SkBuff _skb = null!;
    private byte[] _source = null!;
    private byte[] _destination = null!;

    [Params(1500, 65536)]
    public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pool = new PagePool(64, "bench-csum");
        _cache = new SkbCache(_pool, "bench-csum");
        _source = new byte[Size];
        new Random(1).NextBytes(_source);
        _destination = new byte[Size];
        int head = Math.Min(Size, 54);
        _skb = _cache.Alloc(head);
        _source.AsSpan(0, head).CopyTo(_skb.Put(head));
        for (int pos = head; pos < Size;)
        {
            int n = Math.Min(Page.Size, Size - pos);
            Page page = _pool.Alloc();
            _source.AsSpan(pos, n).CopyTo(page.Span);
            _skb.FillPageDesc(_skb.NrFrags, page, 0, n);
            pos += n;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _skb.Consume();
        _pool.Dispose();
    }

    [Benchmark(Baseline = true, Description = "memcpy (reference)")]
    public int Memcpy()
    {
        _source.AsSpan().CopyTo(_destination);
        return _destination[^1];
    }

    [Benchmark(Description = "checksum over skb (head + frags)")]
    public ushort Checksum() => _skb.Checksum(0, _skb.Len);

    [Benchmark(Description = "checksum over flat span")]
    public ushort ChecksumFlat() => InternetChecksum.Sum(_source);
}
