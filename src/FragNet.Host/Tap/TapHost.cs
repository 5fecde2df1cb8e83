using FragNet.Buffers;
using FragNet.Stack;
using FragNet.Wire;

namespace FragNet.Host.Tap;

/// <summary>
/// A running FragNet host on a TAP in one call, for commands and tests: a <see cref="PagePool"/> and
/// <see cref="SkbCache"/>, the <see cref="TapDevice"/>, a <see cref="NetInterface"/> with the given address, all
/// registered with a <see cref="HostLoop"/> (the device as a poll source, the interface as a participant).
/// </summary>
/// <remarks>
/// <para>Use: <c>using var host = TapHost.Open(new TapOptions("fn0"), Ipv4Cidr.Parse("10.77.0.2/24"));</c>, then
/// open sockets on <see cref="Interface"/> (it is also an <c>IStreamTransport</c> for SUNRPC and NFS), add the
/// application's own participant with <c>host.Loop.Add(poll, pollAt)</c> and drive everything with
/// <see cref="RunUntil"/>. Everything here belongs to the loop's thread; other threads use <c>Loop.Post</c>.</para>
/// <para>The interface polls every iteration and flushes every socket, so data queued with <c>Send</c> leaves in the
/// same iteration. <see cref="Dispose"/> frees the interface's sockets, closes the device and checks that every page
/// and buffer came back; <see cref="LeakReport"/> says what did not.</para>
/// </remarks>
public sealed class TapHost : IDisposable
{
    /// <summary>Default pool size: 16384 pages (64 MiB), room for megabyte windows of 1-page received frames.</summary>
    public const int DefaultPages = 16384;

    private readonly bool _ownsLoop;
    private bool _disposed;

    private TapHost(HostLoop loop, bool ownsLoop, PagePool pool, SkbCache cache, TapDevice device, NetInterface iface)
    {
        Loop = loop;
        _ownsLoop = ownsLoop;
        Pool = pool;
        Cache = cache;
        Device = device;
        Interface = iface;
    }

    /// <summary>Opens the TAP (<see cref="TapDevice.Open"/>: its exceptions say what is missing) and builds the host.
    /// With <paramref name="loop"/> the stack joins that loop (and does not dispose it); otherwise it makes its own.</summary>
    /// <param name="tap">Which TAP, where, and how.</param>
    /// <param name="address">FragNet's address and subnet on the TAP's wire (the kernel side has another address in
    /// the same subnet).</param>
    /// <param name="gateway">Where traffic outside the subnet goes; null for none.</param>
    /// <param name="pages">Pool size in 4 KiB pages.</param>
    /// <param name="loop">An existing loop to join.</param>
    /// <param name="seed">Seeds the interface's initial sequence numbers.</param>
    public static TapHost Open(TapOptions tap, Ipv4Cidr address, Ipv4Address? gateway = null, int pages = DefaultPages, HostLoop? loop = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(tap);
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, 64);
        var pool = new PagePool(pages, $"tap {tap.Name}");
        var cache = new SkbCache(pool, $"tap {tap.Name}");
        TapDevice device;
        try
        {
            device = TapDevice.Open(cache, tap);
        }
        catch
        {
            pool.Dispose();
            throw;
        }

        var iface = new NetInterface(cache, device, address, gateway, seed == 0 ? Random.Shared.Next(1, int.MaxValue) : seed);
        device.Receiver = iface.Receive;
        bool owns = loop is null;
        loop ??= new HostLoop();
        loop.Add(device);
        loop.Add(iface.Poll, iface.PollAt);
        iface.Announce(loop.Clock.Now); // the kernel may remember this address at a previous run's random MAC
        return new TapHost(loop, owns, pool, cache, device, iface);
    }

    /// <summary>The loop driving the device and the interface.</summary>
    public HostLoop Loop { get; }

    /// <summary>The pages every buffer of this host uses.</summary>
    public PagePool Pool { get; }

    /// <summary>The buffer cache of this host.</summary>
    public SkbCache Cache { get; }

    /// <summary>The TAP.</summary>
    public TapDevice Device { get; }

    /// <summary>The IPv4 interface: TCP, UDP, ICMP echo (<see cref="NetInterface.SendEchoRequest"/>).</summary>
    public NetInterface Interface { get; }

    /// <summary>The loop's clock now.</summary>
    public Instant Now => Loop.Clock.Now;

    /// <summary>What <see cref="Dispose"/> found still allocated (pages, buffers); empty when everything came back,
    /// and before disposal.</summary>
    public string LeakReport { get; private set; } = string.Empty;

    /// <summary>Runs the loop until <paramref name="done"/> holds (true), <paramref name="limit"/> passes or
    /// <paramref name="cancel"/> fires (false). See <see cref="HostLoop.RunUntil(Func{bool}, TimeSpan, CancellationToken)"/>.</summary>
    public bool RunUntil(Func<bool> done, TimeSpan limit, CancellationToken cancel = default) => Loop.RunUntil(done, limit, cancel);

    /// <summary>Frees the interface's sockets, closes the TAP, checks for leaks (<see cref="LeakReport"/>) and frees the
    /// pool if nothing leaked (a leaked page keeps the pool's memory alive rather than be freed under its holder).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Interface.Dispose();
        Device.Receiver = null;
        Device.Dispose();
        if (_ownsLoop)
        {
            Loop.Dispose();
        }

        LeakReport = LeakCheck.Report([Pool], [Cache]);
        if (LeakReport.Length == 0)
        {
            Pool.Dispose();
        }
    }
}
