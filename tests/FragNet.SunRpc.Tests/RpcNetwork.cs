using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Stack;
using FragNet.SunRpc.Client;
using FragNet.SunRpc.Server;
using FragNet.Wire;

namespace FragNet.SunRpc.Tests;

/// <summary>
/// A client and a server host on a simulated link in virtual time, with an <see cref="RpcServer"/> on port 2049 and
/// one <see cref="RpcClient"/> to it; <see cref="RunUntil"/> drives everything the way an application loop would.
/// <see cref="Dispose"/> tears down and leak-checks: every page back, every buffer freed.
/// </summary>
internal sealed class RpcNetwork : IDisposable
{
    public const ushort Port = 2049;

    private readonly PagePool _clientPool = new(4096, "rpc-client");
    private readonly PagePool _serverPool = new(4096, "rpc-server");
    private readonly SkbCache _clientCache;
    private readonly SkbCache _serverCache;
    private readonly SimulatedHost _clientHost;
    private readonly SimulatedHost _serverHost;
    private bool _disposed;

    public RpcNetwork(RpcClientConfig? clientConfig = null, RpcServerConfig? serverConfig = null, ulong seed = 1)
    {
        Sim = new Simulator(seed);
        _clientCache = new SkbCache(_clientPool, "rpc-client");
        _serverCache = new SkbCache(_serverPool, "rpc-server");
        Link = new SimulatedLink(
            Sim,
            new SimulatedLinkConfig { BitsPerSecond = 1_000_000_000, Propagation = Duration.FromMicroseconds(100) },
            ("c0", EthernetAddress.Parse("02:00:00:00:00:01"), _clientCache, NetDeviceFeatures.ScatterGather | NetDeviceFeatures.Tso),
            ("s0", EthernetAddress.Parse("02:00:00:00:00:02"), _serverCache, NetDeviceFeatures.ScatterGather | NetDeviceFeatures.Tso));
        ClientStack = new NetInterface(_clientCache, Link.A, Ipv4Cidr.Parse("10.0.0.1/24"), seed: 11);
        ServerStack = new NetInterface(_serverCache, Link.B, Ipv4Cidr.Parse("10.0.0.2/24"), seed: 12);
        _clientHost = new SimulatedHost(Sim, ClientStack, Link.A);
        _serverHost = new SimulatedHost(Sim, ServerStack, Link.B);
        Server = new RpcServer(ServerStack, Port, serverConfig);
        Client = new RpcClient(ClientStack, new Ipv4Endpoint(Ipv4Address.Parse("10.0.0.2"), Port), clientConfig, firstXid: 0x1000);
        Driver = new SimulationDriver(Sim).Add(Client.Poll, Client.PollAt).Add(Server.Poll).Add(_clientHost).Add(_serverHost);
    }

    public Simulator Sim { get; }

    public SimulatedLink Link { get; }

    public NetInterface ClientStack { get; }

    public NetInterface ServerStack { get; }

    public RpcServer Server { get; }

    public RpcClient Client { get; }

    /// <summary>The loop: client, server, then the hosts, after every event.</summary>
    public SimulationDriver Driver { get; }

    /// <summary>Runs events until <paramref name="done"/> or the virtual deadline.</summary>
    public bool RunUntil(Func<bool> done, Duration limit) => Driver.RunUntil(done, limit);

    /// <summary>Runs for <paramref name="duration"/> of virtual time, polling after every event.</summary>
    public void RunFor(Duration duration) => Driver.RunFor(duration);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Client.Dispose();
        Server.Dispose();
        ClientStack.Dispose();
        ServerStack.Dispose();
        Link.Dispose();
        Assert.Equal(0, _clientCache.Live);
        Assert.Equal(0, _serverCache.Live);
        Assert.Equal(0, _clientPool.Outstanding);
        Assert.Equal(0, _serverPool.Outstanding);
        _clientPool.Dispose();
        _serverPool.Dispose();
    }
}
