using FragNet.Nfs.Protocol;
using FragNet.Stack;
using FragNet.Stack.Streams;
using FragNet.SunRpc.Portmap;
using FragNet.SunRpc.Server;

namespace FragNet.Nfs.Server;

/// <summary>
/// An <see cref="Nfs3Server"/> on a stream transport, wired as a Linux NFS server is: NFS on 2049, MOUNT on its own
/// port, and — unless turned off — a portmapper on 111 that knows both, so clients without ports in their URL find
/// them. What <c>fragnet nfs serve</c> runs, on FragNet's stack or the kernel's.
/// </summary>
public sealed class NfsServerHost : IDisposable
{
    /// <summary>The MOUNT port (rpc.mountd's usual fixed port).</summary>
    public const ushort DefaultMountPort = 20048;

    private readonly IStreamTransport _transport;
    private readonly List<RpcServer> _servers = [];

    /// <param name="transport">Where to listen.</param>
    /// <param name="server">The NFS and MOUNT programs.</param>
    /// <param name="nfsPort">The NFS port.</param>
    /// <param name="mountPort">The MOUNT port.</param>
    /// <param name="portmapPort">The portmapper's port, or 0 for none (when the host already runs rpcbind).</param>
    public NfsServerHost(IStreamTransport transport, Nfs3Server server, ushort nfsPort = Nfs3Constants.Port, ushort mountPort = DefaultMountPort, ushort portmapPort = PortmapConstants.Port)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(server);
        _transport = transport;
        Server = server;
        try
        {
            Nfs = Listen(nfsPort, server.Nfs);
            Mount = Listen(mountPort, server.Mount);
            if (portmapPort != 0)
            {
                Portmap = new PortmapProgram(mayChange: static _ => false); // the mappings below are all it serves
                Portmap.Set(new PortmapMapping(PortmapConstants.Program, PortmapConstants.Version, PortmapConstants.ProtocolTcp, portmapPort));
                Portmap.Set(new PortmapMapping(Nfs3Constants.Program, Nfs3Constants.Version, PortmapConstants.ProtocolTcp, nfsPort));
                Portmap.Set(new PortmapMapping(MountConstants.Program, MountConstants.Version, PortmapConstants.ProtocolTcp, mountPort));
                Listen(portmapPort, Portmap);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The programs served.</summary>
    public Nfs3Server Server { get; }

    /// <summary>The NFS program's RPC server.</summary>
    public RpcServer Nfs { get; } = null!;

    /// <summary>The MOUNT program's RPC server.</summary>
    public RpcServer Mount { get; } = null!;

    /// <summary>The portmapper, or null.</summary>
    public PortmapProgram? Portmap { get; }

    /// <summary>Calls answered over every port.</summary>
    public long Calls => _servers.Sum(s => s.Counters.Calls);

    /// <summary>Accepts, reads and answers on every port.</summary>
    public void Poll(Instant now)
    {
        foreach (RpcServer s in _servers)
        {
            s.Poll(now);
        }
    }

    /// <summary>Closes every connection and stops listening.</summary>
    public void Close(Instant now)
    {
        foreach (RpcServer s in _servers)
        {
            s.Close(now);
        }

        _servers.Clear();
    }

    public void Dispose()
    {
        foreach (RpcServer s in _servers)
        {
            s.Dispose();
        }

        _servers.Clear();
    }

    private RpcServer Listen(ushort port, IRpcProgram program)
    {
        var rpc = new RpcServer(_transport, port);
        rpc.Register(program);
        _servers.Add(rpc);
        return rpc;
    }
}
