using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Stack;
using FragNet.Wire;
using FragNet.Xen.Hypervisor;
using FragNet.Xen.Netif;

namespace FragNet.Xen.Testbed;

/// <summary>
/// A backend domain and a guest joined by netfront/netback, in one process and in virtual time, each with a FragNet
/// <see cref="NetInterface"/> (backend 10.9.0.1 on the vif, guest 10.9.0.2 on eth0). Used by the tests, the hostile
/// matrix and the benchmarks. <see cref="Dispose"/> tears everything down and returns what leaked.
/// </summary>
public sealed class XenPair : IDisposable
{
    public static readonly Ipv4Address BackendAddress = Ipv4Address.Parse("10.9.0.1");
    public static readonly Ipv4Address GuestAddress = Ipv4Address.Parse("10.9.0.2");

    private readonly PagePool _backendPool = new(8192, "dom0-pool");
    private readonly PagePool _guestPool = new(8192, "domU-pool");
    private bool _disposed;

    public XenPair(NetbackConfig? config = null, bool connect = true, ulong seed = 1)
    {
        Sim = new Simulator(seed);
        Xen = new XenHypervisor();
        Dom0 = Xen.CreateDomain("backend", 16);
        Guest = Xen.CreateDomain("guest", 512);
        BackendCache = new SkbCache(_backendPool, "dom0");
        GuestCache = new SkbCache(_guestPool, "domU");
        Front = new Netfront(Xen, Guest, Dom0, "device/vif/0", GuestCache, firstFrame: 0, frameCount: 400);
        Back = new Vif(Xen, Dom0, Guest, "device/vif/0", BackendCache, config);
        BackendStack = new NetInterface(BackendCache, Back, new Ipv4Cidr(BackendAddress, 24), seed: 5);
        GuestStack = new NetInterface(GuestCache, Front, new Ipv4Cidr(GuestAddress, 24), seed: 6);
        BackendStack.LentFragHoldLimit = Back.Config.HoldLimit;
        Back.Host = BackendStack;
        Front.Host = GuestStack;
        Driver = new SimulationDriver(Sim)
            .Add(Front.Poll, Front.PollAt)
            .Add(Back.Poll, Back.PollAt)
            .Add(now => PollStack(GuestStack, now), GuestStack.PollAt)
            .Add(now => PollStack(BackendStack, now), BackendStack.PollAt);
        if (connect)
        {
            Front.Initialise();
            if (!Back.Connect() || !Front.Connect(Back.BackendPath))
            {
                throw new InvalidOperationException($"the vif did not connect: {Back.DisconnectReason}");
            }
        }
    }

    /// <summary>Frames of guest memory beyond netfront's, free for a test or a hostile guest to grant.</summary>
    public const int ScratchFrame = 450;

    public Simulator Sim { get; }

    public XenHypervisor Xen { get; }

    public Domain Dom0 { get; }

    public Domain Guest { get; }

    public SkbCache BackendCache { get; }

    public SkbCache GuestCache { get; }

    public Netfront Front { get; }

    public Vif Back { get; }

    public NetInterface BackendStack { get; }

    public NetInterface GuestStack { get; }

    public SimulationDriver Driver { get; }

    public bool RunUntil(Func<bool> done, Duration limit) => Driver.RunUntil(done, limit);

    public void RunFor(Duration duration) => Driver.RunFor(duration);

    /// <summary>What <see cref="Dispose"/> found: grants still mapped or pinned, pages or buffers not back.</summary>
    public XenLeakReport Leaks { get; private set; } = new();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        GuestStack.Dispose();
        BackendStack.Dispose();
        Back.Disconnect("teardown");
        int held = Back.ReleaseAfterDisconnect();
        Front.Close();
        Leaks = new XenLeakReport
        {
            PacketsHeld = held,
            DestructorsPending = Back.TxDestructorsCreated - Back.TxDestructorsRun,
            GrantsMapped = Xen.ActiveMappings,
            GrantsPinned = Guest.Grants.TotalPins,
            GrantsInUse = Guest.Grants.InUse,
            EndAccessFailures = Front.EndAccessFailures,
            BuffersLive = BackendCache.Live + GuestCache.Live,
            PagesOutstanding = _backendPool.Outstanding + _guestPool.Outstanding + Guest.Memory.PagesInUse,
        };
        Xen.Dispose();
        _backendPool.Dispose();
        _guestPool.Dispose();
    }

    private static void PollStack(NetInterface stack, Instant now)
    {
        if (stack.PollAt() <= now)
        {
            stack.Poll(now);
        }
    }
}
