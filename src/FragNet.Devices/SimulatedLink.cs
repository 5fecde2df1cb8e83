using FragNet.Buffers;
using FragNet.Stack;
using FragNet.Wire;

namespace FragNet.Devices;

/// <summary>A point-to-point Ethernet link with two <see cref="SimulatedNic"/> ends, in a <see cref="Simulator"/>'s
/// virtual time: bandwidth, propagation delay, MTU, TX rings, per-direction faults and an optional pcap capture of
/// every frame at the moment it is on the wire.</summary>
public sealed class SimulatedLink : IDisposable
{
    public SimulatedLink(Simulator simulator, SimulatedLinkConfig config,
        (string Name, EthernetAddress Address, SkbCache RxCache, NetDeviceFeatures Features) a,
        (string Name, EthernetAddress Address, SkbCache RxCache, NetDeviceFeatures Features) b)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(config);
        Simulator = simulator;
        Config = config;
        A = new SimulatedNic(this, a.Name, a.Address, a.RxCache, a.Features);
        B = new SimulatedNic(this, b.Name, b.Address, b.RxCache, b.Features);
        A.Peer = B;
        B.Peer = A;
    }

    public Simulator Simulator { get; }

    public SimulatedLinkConfig Config { get; }

    /// <summary>One end.</summary>
    public SimulatedNic A { get; }

    /// <summary>The other end.</summary>
    public SimulatedNic B { get; }

    /// <summary>Where frames are captured (both directions, at TX completion); null for none.</summary>
    public PcapWriter? Capture { get; set; }

    /// <summary>Drops every frame still queued or in flight.</summary>
    public void Dispose()
    {
        A.Clear();
        B.Clear();
    }
}
