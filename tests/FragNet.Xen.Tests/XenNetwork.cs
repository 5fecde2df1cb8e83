using FragNet.Xen.Netif;
using FragNet.Xen.Testbed;

namespace FragNet.Xen.Tests;

/// <summary>A <see cref="XenPair"/> whose disposal asserts that nothing leaked.</summary>
internal sealed class XenNetwork : IDisposable
{
    public static readonly FragNet.Wire.Ipv4Address BackendAddress = XenPair.BackendAddress;
    public static readonly FragNet.Wire.Ipv4Address GuestAddress = XenPair.GuestAddress;

    /// <summary>A frame netfront uses for transmit buffers (frames 66–399 of the guest).</summary>
    public const int AnyTxFrame = 399;

    private readonly XenPair _pair;

    public XenNetwork(NetbackConfig? config = null) => _pair = new XenPair(config);

    public FragNet.Devices.Simulator Sim => _pair.Sim;

    public Hypervisor.XenHypervisor Xen => _pair.Xen;

    public Hypervisor.Domain Dom0 => _pair.Dom0;

    public Hypervisor.Domain Guest => _pair.Guest;

    public Netfront Front => _pair.Front;

    public Vif Back => _pair.Back;

    public FragNet.Stack.NetInterface BackendStack => _pair.BackendStack;

    public FragNet.Stack.NetInterface GuestStack => _pair.GuestStack;

    public FragNet.Buffers.SkbCache BackendCache => _pair.BackendCache;

    public FragNet.Devices.SimulationDriver Driver => _pair.Driver;

    public bool RunUntil(Func<bool> done, Duration limit) => _pair.RunUntil(done, limit);

    public void RunFor(Duration duration) => _pair.RunFor(duration);

    public void Dispose()
    {
        _pair.Dispose();
        Assert.True(_pair.Leaks.IsClean, _pair.Leaks.ToString());
    }
}
