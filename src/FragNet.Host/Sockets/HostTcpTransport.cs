using System.Net;
using System.Net.Sockets;
using FragNet.Buffers;
using FragNet.Host.Interop;
using FragNet.Stack;
using FragNet.Stack.Streams;
using FragNet.Stack.Tcp;

namespace FragNet.Host.Sockets;

/// <summary>
/// The kernel's TCP as an <see cref="IStreamTransport"/> (<c>--via host</c>): non-blocking sockets driven by the
/// <see cref="HostLoop"/>, optionally sending lent pages with MSG_ZEROCOPY, whose completions are today's Linux
/// analogue of a fragment destructor.
/// </summary>
/// <remarks>Everything runs on the loop's thread. The transport owns every socket it made or accepted until the
/// socket is disposed; <see cref="Dispose"/> aborts what is left.</remarks>
public sealed class HostTcpTransport : IStreamTransport, IHostPollSource, IDisposable
{
    private readonly SkbCache _cache;
    private readonly List<HostTcpSocket> _sockets = [];
    private readonly List<HostTcpListener> _listeners = [];
    private readonly List<HostTcpSocket> _scratch = [];
    private readonly List<HostTcpSocket> _draining = [];
    private bool _madeRoom;

    public HostTcpTransport(SkbCache cache, HostTcpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        Options = options ?? new HostTcpOptions();
    }

    public HostTcpOptions Options { get; }

    /// <summary>True while sends use MSG_ZEROCOPY (the option was asked for and the kernel accepted SO_ZEROCOPY).</summary>
    public bool ZeroCopyEnabled => Options.ZeroCopy;

    /// <summary>sendmsg calls made with MSG_ZEROCOPY.</summary>
    public long ZeroCopySends { get; internal set; }

    /// <summary>MSG_ZEROCOPY sends the kernel reported complete.</summary>
    public long ZeroCopyCompletions { get; internal set; }

    /// <summary>Completed MSG_ZEROCOPY sends the kernel says it copied anyway (every one on loopback, veth and tap).</summary>
    public long ZeroCopyCopied { get; internal set; }

    /// <summary>Sends that fell back to copying because the kernel refused a zero-copy one (ENOBUFS).</summary>
    public long ZeroCopyFallbacks { get; internal set; }

    /// <summary>Zero-copy buffers a closed socket never got completions for within its drain limit (left allocated).</summary>
    public long ZeroCopyAbandoned { get; internal set; }

    /// <summary>Closed sockets still reading their last zero-copy completions.</summary>
    public int DrainingCount => _draining.Count;

    /// <summary>Open sockets.</summary>
    public int SocketCount => _sockets.Count;

    public IStreamSocket Connect(Ipv4Endpoint remote, Instant now, TcpConfig? config = null, ushort localPort = 0)
    {
        Socket socket = NewSocket();
        int errno;
        try
        {
            if (localPort != 0)
            {
                // Reconnecting from the same port (the server's duplicate request cache keys on it).
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.Bind(new IPEndPoint(Options.LocalAddress, localPort));

            // connect(2) directly: the socket stays ours to poll, and a refusal stays in SO_ERROR for the socket to read.
            errno = SocketCalls.ConnectIpv4((int)socket.SafeHandle.DangerousGetHandle(), remote.Address.Value, remote.Port);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var s = new HostTcpSocket(this, _cache, config ?? new TcpConfig(), socket, remote, connecting: true);
        _sockets.Add(s);
        if (errno != 0)
        {
            s.Fail($"connect to {remote}: {Libc.Describe(errno)}"); // refused at once (no route): a closed socket, as TCP reports it
        }

        return s;
    }

    public IStreamListener Listen(ushort port, int backlog = 128, TcpConfig? config = null)
    {
        Socket socket = NewSocket();
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(Options.LocalAddress, port));
            socket.Listen(backlog);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var listener = new HostTcpListener(this, socket, (ushort)((IPEndPoint)socket.LocalEndPoint!).Port);
        _listeners.Add(listener);
        return listener;
    }

    public void CloseListener(IStreamListener listener, Instant now)
    {
        if (listener is not HostTcpListener own || !_listeners.Remove(own))
        {
            throw new ArgumentException("the listener does not belong to this transport", nameof(listener));
        }

        own.Dispose();
    }

    public void Flush(IStreamSocket socket, Instant now)
    {
        if (socket is not HostTcpSocket own)
        {
            throw new ArgumentException($"a {socket?.GetType().Name ?? "null"} is not a host socket", nameof(socket));
        }

        own.Flush();
    }

    public void AddWaits(HostWaitSet waits)
    {
        ArgumentNullException.ThrowIfNull(waits);
        foreach (HostTcpListener l in _listeners)
        {
            waits.Add((int)l.Socket.SafeHandle.DangerousGetHandle(), PollEvents.In);
        }

        foreach (HostTcpSocket s in _draining)
        {
            waits.Add(s.Fd, PollEvents.None); // completions arrive as POLLERR
        }

        foreach (HostTcpSocket s in _sockets)
        {
            if (!s.IsOpen || s.IsDraining)
            {
                continue;
            }

            // POLLERR (zero-copy completions, errors) is always reported.
            PollEvents events = (s.WantsRead ? PollEvents.In : PollEvents.None) | (s.WantsWrite ? PollEvents.Out : PollEvents.None);
            waits.Add(s.Fd, events);
        }
    }

    public void Poll(Instant now)
    {
        _madeRoom = false;
        foreach (HostTcpListener l in _listeners)
        {
            l.AcceptReady();
        }

        _scratch.Clear();
        _scratch.AddRange(_sockets);
        foreach (HostTcpSocket s in _scratch)
        {
            s.Pump();
        }

        _draining.RemoveAll(s => s.Drain(now));
    }

    /// <summary>The kernel runs TCP's timers: nothing here is timed. But when a flush handed queued bytes to the kernel,
    /// send space opened without any descriptor event (in FragNet's TCP an ACK frame would announce it), so the loop
    /// must turn once more for whoever waits to write — a reply larger than the send buffer, say.</summary>
    public Instant PollAt()
    {
        Instant at = _madeRoom ? Instant.Zero : Instant.MaxValue;
        foreach (HostTcpSocket s in _draining)
        {
            at = Instant.Min(at, s.DrainDeadline);
        }

        return at;
    }

    /// <summary>A socket handed bytes to the kernel: its send space grew.</summary>
    internal void MadeRoom() => _madeRoom = true;

    public void Dispose()
    {
        foreach (HostTcpListener l in _listeners)
        {
            l.Dispose();
        }

        _listeners.Clear();
        foreach (HostTcpSocket s in _sockets.ToArray())
        {
            s.Dispose();
        }

        _sockets.Clear();
        foreach (HostTcpSocket s in _draining)
        {
            s.Drain(Instant.MaxValue); // last look; what is still owed is abandoned, not freed
        }

        _draining.Clear();
    }

    internal HostTcpSocket Adopt(Socket accepted)
    {
        Configure(accepted);
        var remote = (IPEndPoint)accepted.RemoteEndPoint!;
        var s = new HostTcpSocket(this, _cache, new TcpConfig(), accepted, new Ipv4Endpoint(new Wire.Ipv4Address(remote.Address.GetAddressBytes()), (ushort)remote.Port), connecting: false);
        _sockets.Add(s);
        return s;
    }

    internal void Forget(HostTcpSocket socket) => _sockets.Remove(socket);

    /// <summary>A closed socket still owed zero-copy completions: polled until they come or its limit passes.</summary>
    internal void Draining(HostTcpSocket socket) => _draining.Add(socket);

    private Socket NewSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            Configure(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    private unsafe void Configure(Socket socket)
    {
        socket.Blocking = false;
        socket.NoDelay = true; // RPC records go out whole and at once, as Linux's SUNRPC sets TCP_NODELAY
        if (Options.ZeroCopy)
        {
            int one = 1;
            if (SocketCalls.SetSockOpt((int)socket.SafeHandle.DangerousGetHandle(), SocketCalls.SOL_SOCKET, SocketCalls.SO_ZEROCOPY, &one, sizeof(int)) != 0)
            {
                throw new IOException($"SO_ZEROCOPY: {Libc.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())} (the kernel needs 4.14 or later)");
            }
        }
    }

}
