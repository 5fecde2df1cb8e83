using BenchmarkDotNet.Attributes;
using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Hypervisor;
using FragNet.Xen.Netif;
using FragNet.Xen.Testbed;

namespace FragNet.Benchmarks;

/// <summary>
/// Netback's map path in steady state, in process — which is also the cost of the cross-process premapped model,
/// where a grant map aliases the guest's memory in place exactly as here. Two levels: one page through the
/// hypervisor's map and unmap (with and without a frag carrying a destructor), and whole packets through netback
/// (<see cref="NetbackBench"/>: the guest produces one packet, netback polls twice, the guest reclaims the answers).
/// The <c>Allocated</c> column is what one page or one packet costs the managed heap.
/// </summary>
[MemoryDiagnoser]
public class NetbackMapBenchmarks
{
    private XenHypervisor _xen = null!;
    private Domain _dom0 = null!;
    private Domain _guest = null!;
    private PagePool _pool = null!;
    private SkbCache _cache = null!;
    private FragDestructor _destructor = null!;
    private uint _gref;

    [GlobalSetup]
    public void Setup()
    {
        _xen = new XenHypervisor();
        _dom0 = _xen.CreateDomain("backend", 16);
        _guest = _xen.CreateDomain("guest", 64);
        _pool = new PagePool(64, "bench-dom0");
        _cache = new SkbCache(_pool, "bench-dom0");
        _destructor = new FragDestructor(static _ => { }, null, "bench"); // the creator keeps it: never destroyed here
        _gref = _guest.Grants.GrantAccess(_dom0.Id, 3, readOnly: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _destructor.Release();
        _guest.Grants.EndAccess(_gref);
        _xen.Dispose();
        _pool.Dispose();
    }

    [Benchmark(Description = "grant map + unmap (1 page, premapped)")]
    public int MapUnmap()
    {
        _xen.Map(_dom0, _guest.Id, _gref, GrantMapFlags.HostMap | GrantMapFlags.Readonly, out GrantMapping? m);
        m!.Page.Release();
        return (int)_xen.Unmap(m);
    }

    [Benchmark(Description = "grant map + frag with destructor + free + unmap (1 page)")]
    public int MapFragUnmap()
    {
        _xen.Map(_dom0, _guest.Id, _gref, GrantMapFlags.HostMap | GrantMapFlags.Readonly, out GrantMapping? m);
        SkBuff skb = _cache.Alloc(0);
        skb.AppendFrag(m!.Page, 0, Page.Size, _destructor);
        m.Page.Release();
        skb.Consume();
        return (int)_xen.Unmap(m);
    }
}

/// <summary>One packet through netback per operation, by mode and size (65535 B is 16 pages: divide for ns/page).</summary>
[MemoryDiagnoser]
public class NetbackPacketBenchmarks
{
    private NetbackBench _bench = null!;

    [Params(NetbackMode.Copy, NetbackMode.MapDestructor, NetbackMode.MapForeign, NetbackMode.CopyHeaderMapRest, NetbackMode.Adaptive)]
    public NetbackMode Mode { get; set; }

    [Params(64, 1500, 65535)]
    public int Size { get; set; }

    /// <summary>Adaptive learns with the host's clock, as in <c>fragnet bench netback</c>: what it costs over the mode
    /// it settles on is its dispatch, its probes and its clock reads.</summary>
    [GlobalSetup]
    public void Setup() => _bench = new NetbackBench(Mode, Size, Mode == NetbackMode.Adaptive ? StopwatchClock.Instance : null);

    [GlobalCleanup]
    public void Cleanup()
    {
        _bench.Dispose();
        if (!_bench.Leaks.IsClean)
        {
            throw new InvalidOperationException($"netback leaked: {_bench.Leaks}");
        }
    }

    [Benchmark(Description = "guest → netback → sink, one packet")]
    public long Packet() => _bench.Run(1);
}

/// <summary>The benchmark's work clock for adaptive netback (the host edge's is in FragNet.Xen.Host).</summary>
internal sealed class StopwatchClock : IWorkClock
{
    public static StopwatchClock Instance { get; } = new();

    public long Ticks => System.Diagnostics.Stopwatch.GetTimestamp();

    public long TicksPerSecond => System.Diagnostics.Stopwatch.Frequency;
}
