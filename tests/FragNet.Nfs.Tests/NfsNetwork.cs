using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Nfs.Client;
using FragNet.Nfs.Protocol;
using FragNet.Nfs.Server;
using FragNet.Stack;
using FragNet.SunRpc.Client;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Server;
using FragNet.Wire;

namespace FragNet.Nfs.Tests;

/// <summary>
/// An NFSv3 client and server on a simulated gigabit link in virtual time, wired as a real mount is: an
/// <see cref="Nfs3Server"/> over the given backend with its NFS program on port 2049 and its MOUNT program on port
/// 20048 (one <see cref="RpcServer"/> each), and an <see cref="NfsClient"/> with one <see cref="RpcClient"/> to each and
/// a page cache for buffered writes. <see cref="RunUntil"/> drives everything the way an application loop would.
/// </summary>
/// <remarks>
/// <see cref="Dispose"/> tears down and leak-checks: every skb freed, every page back in the client's, the server's
/// and the page cache's pools, and (for the disk backend) the temporary export directory deleted.
/// </remarks>
internal sealed class NfsNetwork : IDisposable
{
    public const ushort MountPort = 20048;

    /// <summary>Long enough for any one exchange in these tests, stalls and retransmissions included.</summary>
    public static readonly Duration Limit = Duration.FromSeconds(600);

    public static readonly Ipv4Address ServerAddress = Ipv4Address.Parse("10.0.0.2");

    /// <summary>The NFS client's settings unless a test gives its own: Linux's defaults with an AUTH_SYS credential
    /// (uid 1000, gid 100), as a mount by an ordinary user.</summary>
    public static readonly RpcClientConfig DefaultConfig = new()
    {
        Credential = OpaqueAuth.Sys(new AuthSysParameters(0, "fragnet-client", 1000, 100, [])),
    };

    private readonly PagePool _clientPool = new(4096, "nfs-client");
    private readonly PagePool _serverPool = new(4096, "nfs-server");
    private readonly SkbCache _clientCache;
    private readonly SkbCache _serverCache;
    private readonly SimulatedHost _clientHost;
    private readonly SimulatedHost _serverHost;
    private readonly string? _sandbox;
    private bool _disposed;

    /// <param name="onDisk">Export a <see cref="DiskBackend"/> on a fresh temporary directory instead of a
    /// <see cref="MemoryBackend"/>.</param>
    /// <param name="nfsConfig">The NFS RPC client's settings, <see cref="DefaultConfig"/> if null (the MOUNT client
    /// always copies: it sends no pages).</param>
    /// <param name="seed">Seeds the simulator (the stacks and the server's handles use fixed seeds).</param>
    public NfsNetwork(bool onDisk, RpcClientConfig? nfsConfig = null, ulong seed = 1)
    {
        Sim = new Simulator(seed);
        _clientCache = new SkbCache(_clientPool, "nfs-client");
        _serverCache = new SkbCache(_serverPool, "nfs-server");
        Link = new SimulatedLink(
            Sim,
            new SimulatedLinkConfig { BitsPerSecond = 1_000_000_000, Propagation = Duration.FromMicroseconds(100) },
            ("c0", EthernetAddress.Parse("02:00:00:00:00:01"), _clientCache, NetDeviceFeatures.ScatterGather | NetDeviceFeatures.Tso),
            ("s0", EthernetAddress.Parse("02:00:00:00:00:02"), _serverCache, NetDeviceFeatures.ScatterGather | NetDeviceFeatures.Tso));
        ClientStack = new NetInterface(_clientCache, Link.A, Ipv4Cidr.Parse("10.0.0.1/24"), seed: 11);
        ServerStack = new NetInterface(_serverCache, Link.B, Ipv4Cidr.Parse("10.0.0.2/24"), seed: 12);
        _clientHost = new SimulatedHost(Sim, ClientStack, Link.A);
        _serverHost = new SimulatedHost(Sim, ServerStack, Link.B);

        if (onDisk)
        {
            _sandbox = TestPaths.NewTempDirectory("e2e");
            Backend = new DiskBackend(_sandbox);
        }
        else
        {
            Backend = new MemoryBackend();
        }

        Server = new Nfs3Server(Backend, seed: 7);
        NfsServer = new RpcServer(ServerStack, Nfs3Constants.Port);
        NfsServer.Register(Server.Nfs);
        MountServer = new RpcServer(ServerStack, MountPort);
        MountServer.Register(Server.Mount);

        RpcClientConfig config = nfsConfig ?? DefaultConfig;
        NfsRpc = new RpcClient(ClientStack, new Ipv4Endpoint(ServerAddress, Nfs3Constants.Port), config, firstXid: 0x1000);
        MountRpc = new RpcClient(ClientStack, new Ipv4Endpoint(ServerAddress, MountPort), config with { Policy = PageSendPolicy.Copy }, firstXid: 0x4000_0000);
        Client = new NfsClient(NfsRpc, MountRpc, PageCache);
        Driver = new SimulationDriver(Sim)
            .Add(MountRpc.Poll, MountRpc.PollAt)
            .Add(NfsRpc.Poll, NfsRpc.PollAt)
            .Add(NfsServer.Poll)
            .Add(MountServer.Poll)
            .Add(_clientHost)
            .Add(_serverHost);
    }

    public Simulator Sim { get; }

    public SimulatedLink Link { get; }

    public NetInterface ClientStack { get; }

    public NetInterface ServerStack { get; }

    public INfsBackend Backend { get; }

    public Nfs3Server Server { get; }

    /// <summary>The RPC server of the NFS program (port 2049).</summary>
    public RpcServer NfsServer { get; }

    /// <summary>The RPC server of the MOUNT program (port 20048).</summary>
    public RpcServer MountServer { get; }

    public RpcClient NfsRpc { get; }

    public RpcClient MountRpc { get; }

    public NfsClient Client { get; }

    /// <summary>The client's page cache: 2 MiB, enough for two wsize buffered writes in flight.</summary>
    public PagePool PageCache { get; } = new(512, "nfs-page-cache");

    public Instant Now => Sim.Now;

    /// <summary>The loop: the RPC clients, the servers, then the hosts, after every event.</summary>
    public SimulationDriver Driver { get; }

    /// <summary>Runs events until <paramref name="done"/> or the virtual deadline.</summary>
    public bool RunUntil(Func<bool> done, Duration limit) => Driver.RunUntil(done, limit);

    /// <summary>Runs for <paramref name="duration"/> of virtual time, polling after every event.</summary>
    public void RunFor(Duration duration) => Driver.RunFor(duration);

    /// <summary>Runs until <paramref name="request"/> is done and returns its result, failing the test if the RPC
    /// failed or the results did not decode.</summary>
    public TResult Complete<TResult>(NfsRequest<TResult> request)
        where TResult : class, INfsMessage<TResult>
    {
        Assert.True(RunUntil(() => request.IsDone, Limit), $"{request.Call} did not complete within {Limit}");
        Assert.True(request.Result is not null, request.Error);
        return request.Result!;
    }

    /// <summary>Makes an NFS call of any procedure and runs it to completion.</summary>
    public TResult Call<TArgs, TResult>(Nfs3Procedure procedure, TArgs arguments)
        where TArgs : INfsMessage<TArgs>
        where TResult : class, INfsMessage<TResult> =>
        Complete(Client.Call<TArgs, TResult>(procedure, arguments, Now));

    /// <summary>MNT of the export, over the network; the root handle.</summary>
    public NfsFh3 MountExport()
    {
        Mnt3Result mnt = Complete(Client.Mount(MountProgram.DefaultExportPath, Now));
        Assert.Equal(MountStatus3.Ok, mnt.Status);
        return mnt.Handle!;
    }

    /// <summary>A new empty file (guarded CREATE), over the network.</summary>
    public NfsFh3 CreateFile(NfsFh3 directory, string name)
    {
        NewObject3Result created = Complete(Client.Create(directory, name, CreateMode.Guarded, Now));
        Assert.Equal(Nfs3Status.Ok, created.Status);
        return created.Handle!;
    }

    /// <summary>The whole file, in READs of at most rsize, over the network.</summary>
    public byte[] ReadAll(NfsFh3 file)
    {
        using var collected = new MemoryStream();
        for (ulong at = 0; ;)
        {
            Read3Result r = Complete(Client.Read(file, at, Client.ReadSize, Now));
            Assert.Equal(Nfs3Status.Ok, r.Status);
            collected.Write(r.Data.Span);
            at += r.Count;
            if (r.Eof)
            {
                return collected.ToArray();
            }

            Assert.True(r.Count > 0, "a READ short of eof returned nothing");
        }
    }

    /// <summary>Every name in <paramref name="directory"/>, paging with <paramref name="count"/>-byte READDIRs.</summary>
    public List<string> ListAll(NfsFh3 directory, uint count = 512)
    {
        var names = new List<string>();
        ulong cookie = 0, verifier = 0;
        for (int guard = 0; guard < 10_000; guard++)
        {
            ReadDir3Result r = Complete(Client.ReadDir(directory, cookie, verifier, count, Now));
            Assert.Equal(Nfs3Status.Ok, r.Status);
            names.AddRange(r.Entries.Select(e => e.Name));
            if (r.Eof)
            {
                return names;
            }

            (cookie, verifier) = (r.Entries[^1].Cookie, r.CookieVerifier);
        }

        Assert.Fail("READDIR never reached eof");
        return names;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            NfsRpc.Dispose();
            MountRpc.Dispose();
            NfsServer.Dispose();
            MountServer.Dispose();
            ClientStack.Dispose();
            ServerStack.Dispose();
            Link.Dispose();
            Assert.True(_clientCache.Live == 0, _clientCache.LeakReport());
            Assert.True(_serverCache.Live == 0, _serverCache.LeakReport());
            Assert.True(_clientPool.Outstanding == 0, _clientPool.LeakReport());
            Assert.True(_serverPool.Outstanding == 0, _serverPool.LeakReport());
            Assert.True(PageCache.Outstanding == 0, PageCache.LeakReport());
            _clientPool.Dispose();
            _serverPool.Dispose();
            PageCache.Dispose();
        }
        finally
        {
            if (_sandbox is not null)
            {
                Directory.Delete(_sandbox, recursive: true);
            }
        }
    }
}
