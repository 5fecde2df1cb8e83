using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Nfs.Server;
using FragNet.Stack;
using FragNet.Wire;

namespace FragNet.Nfs.Tests;

/// <summary>
/// Two hosts on a simulated link for <see cref="FragNet.Nfs.Client.NfsSession"/> tests: the server runs an
/// <see cref="NfsServerHost"/> (NFS 2049, MOUNT 20048, portmap 111) over a <see cref="MemoryBackend"/> exported at
/// <c>/srv/exp</c>; the client stack is empty, for the session to fill. <see cref="Dispose"/> leak-checks both sides.
/// </summary>
internal sealed class SessionNetwork : IDisposable
{
    public const string ExportPath = "/srv/exp";

    private readonly PagePool _clientPool = new(8192, "session-client");
    private readonly PagePool _serverPool = new(8192, "session-server");
    private readonly SkbCache _clientCache;
    private readonly SkbCache _serverCache;

    public SessionNetwork(ulong seed = 1, uint maxTransfer = 1 << 20)
    {
        Sim = new Simulator(seed);
        _clientCache = new SkbCache(_clientPool, "session-client");
        _serverCache = new SkbCache(_serverPool, "session-server");
        Link = new SimulatedLink(
            Sim,
            new SimulatedLinkConfig { BitsPerSecond = 1_000_000_000, Propagation = Duration.FromMicroseconds(100) },
            ("c0", EthernetAddress.Parse("02:00:00:00:00:01"), _clientCache, NetDeviceFeatures.ScatterGather | NetDeviceFeatures.Tso),
            ("s0", EthernetAddress.Parse("02:00:00:00:00:02"), _serverCache, NetDeviceFeatures.ScatterGather | NetDeviceFeatures.Tso));
        ClientStack = new NetInterface(_clientCache, Link.A, Ipv4Cidr.Parse("10.0.0.1/24"), seed: 11);
        ServerStack = new NetInterface(_serverCache, Link.B, Ipv4Cidr.Parse("10.0.0.2/24"), seed: 12);
        Files = new MemoryBackend();
        Host = new NfsServerHost(ServerStack, new Nfs3Server(Files, seed: 7, ExportPath, maxTransfer: maxTransfer));
        Driver = new SimulationDriver(Sim)
            .Add(Host.Poll)
            .Add(new SimulatedHost(Sim, ClientStack, Link.A))
            .Add(new SimulatedHost(Sim, ServerStack, Link.B));
    }

    public Simulator Sim { get; }

    public SimulatedLink Link { get; }

    public NetInterface ClientStack { get; }

    public NetInterface ServerStack { get; }

    public MemoryBackend Files { get; }

    public NfsServerHost Host { get; }

    public SimulationDriver Driver { get; }

    public void Dispose()
    {
        Host.Dispose();
        ClientStack.Dispose();
        ServerStack.Dispose();
        Link.Dispose();
        Assert.True(_clientCache.Live == 0, _clientCache.LeakReport());
        Assert.True(_serverCache.Live == 0, _serverCache.LeakReport());
        Assert.True(_clientPool.Outstanding == 0, _clientPool.LeakReport());
        Assert.True(_serverPool.Outstanding == 0, _serverPool.LeakReport());
        _clientPool.Dispose();
        _serverPool.Dispose();
    }
}
