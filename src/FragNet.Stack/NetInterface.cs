using FragNet.Buffers;
using FragNet.Stack.Arp;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack;

/// <summary>
/// One host's IPv4 interface on one Ethernet device (smoltcp's <c>Interface</c>), sans-IO: frames come in through
/// <see cref="Receive"/>, time through <see cref="Poll"/>, and frames go out through the device's
/// <see cref="INetDevice.Transmit"/>. Holds the ARP cache, IPv4 reassembly, the ICMP echo responder, and the TCP
/// connection table with its listeners.
/// </summary>
/// <remarks>
/// Bad input is never an exception: every frame that is not delivered is dropped with a <see cref="DropReason"/>,
/// counted in <see cref="Drops"/>. Routing: the connected subnet directly, everything else via the gateway.
/// </remarks>
public sealed partial class NetInterface : IDisposable
{
    private readonly SkbCache _cache;
    private readonly INetDevice _device;
    private readonly ArpCache _arp = new();
    private readonly Ipv4Reassembler _reassembler = new();
    private readonly Dictionary<(Ipv4Endpoint Remote, ushort LocalPort), TcpSocket> _connections = [];
    private readonly Dictionary<ushort, TcpListener> _listeners = [];
    private readonly Dictionary<TcpSocket, TcpListener> _children = new(ReferenceEqualityComparer.Instance);
    private readonly List<TcpSocket> _socketScratch = [];
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];
    private readonly Random _iss;
    private readonly ExpiredDatagram _onReassemblyTimeout;
    private Instant _pollNow; // the time of the Poll in progress (for the reassembly-timeout callback)
    private ushort _nextEphemeral = 49152;
    private ushort _ipId;

    public NetInterface(SkbCache cache, INetDevice device, Ipv4Cidr address, Ipv4Address? gateway = null, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(device);
        _cache = cache;
        _device = device;
        Address = address;
        Gateway = gateway;
        _iss = new Random(seed); // RFC 6528 wants unpredictable ISNs; a simulation wants them replayable from a seed
        _onReassemblyTimeout = SendReassemblyTimeExceeded;
    }

    /// <summary>ICMP time exceeded messages sent for datagrams whose reassembly timed out.</summary>
    public long TimeExceededSent { get; private set; }

    /// <summary>RFC 792 / RFC 1122 §3.3.2: a datagram whose reassembly timed out draws a "fragment reassembly time
    /// exceeded" to its source — only if its first fragment arrived (it is what the message quotes) and it was
    /// addressed to this host, never for a broadcast.</summary>
    private void SendReassemblyTimeExceeded(in Ipv4Repr first, ReadOnlySpan<byte> firstBytes)
    {
        if (first.Destination != Address.Address || first.Protocol == IpProtocol.Icmp && firstBytes.Length > 0 && firstBytes[0] is 3 or 11)
        {
            return; // not ours, or an ICMP error itself (RFC 1122 §3.2.2: never answer an error with an error)
        }

        TimeExceededSent++;
        SendIcmpError(Icmpv4Repr.TimeExceeded(Icmpv4TimeExceededCode.FragmentReassemblyTimeExceeded, first, firstBytes.Length), firstBytes, first.Source, _pollNow);
    }

    /// <summary>This host's address and subnet.</summary>
    public Ipv4Cidr Address { get; }

    /// <summary>The default gateway, if any.</summary>
    public Ipv4Address? Gateway { get; }

    /// <summary>The device.</summary>
    public INetDevice Device => _device;

    /// <summary>The neighbour table.</summary>
    public ArpCache Arp => _arp;

    /// <summary>Frames and packets dropped for <paramref name="reason"/>.</summary>
    public long Drops(DropReason reason) => _drops[(int)reason];

    /// <summary>ICMP echo requests answered.</summary>
    public long EchoRepliesSent { get; private set; }

    /// <summary>Opens a TCP connection to <paramref name="remote"/> from an ephemeral port (or <paramref name="localPort"/>).</summary>
    public TcpSocket TcpConnect(Ipv4Endpoint remote, Instant now, TcpConfig? config = null, ushort localPort = 0)
    {
        ushort port = localPort != 0 ? localPort : NextEphemeralPort(remote);
        if (_connections.ContainsKey((remote, port)))
        {
            throw new InvalidOperationException($"a connection {Address.Address}:{port} -> {remote} already exists");
        }

        var socket = new TcpSocket(_cache, ForDevice(config));
        socket.Connect(new Ipv4Endpoint(Address.Address, port), remote, NewIss(), now);
        _connections[(remote, port)] = socket;
        Flush(socket, now);
        return socket;
    }

    /// <summary>Listens on <paramref name="port"/> with room for <paramref name="backlog"/> connections not yet accepted.</summary>
    public TcpListener TcpListen(ushort port, int backlog = 128, TcpConfig? config = null)
    {
        if (_listeners.ContainsKey(port))
        {
            throw new InvalidOperationException($"port {port} is already listening");
        }

        var listener = new TcpListener(port, backlog, ForDevice(config));
        _listeners[port] = listener;
        return listener;
    }

    /// <summary>The settings a socket on this interface runs with: the MSS it announces is at most what the device's
    /// MTU carries under 20-byte IPv4 and TCP headers (Linux takes it from the route's MTU), and without settings of the
    /// caller's it is exactly that — 1460 on Ethernet, 8960 with jumbo frames.</summary>
    private TcpConfig ForDevice(TcpConfig? config)
    {
        int deviceMss = Math.Min(_device.Mtu - Ipv4Field.MinHeaderLength - TcpField.MinHeaderLength, ushort.MaxValue);
        if (config is null)
        {
            return new TcpConfig { Mss = deviceMss };
        }

        return config.Mss > deviceMss ? config with { Mss = deviceMss } : config;
    }

    /// <summary>Stops listening; connections not yet accepted are reset.</summary>
    public void CloseListener(TcpListener listener, Instant now)
    {
        ArgumentNullException.ThrowIfNull(listener);
        _listeners.Remove(listener.Port);
        listener.IsOpen = false;
        foreach (TcpSocket s in listener.Drain())
        {
            s.Abort();
            Flush(s, now);
        }
    }

    /// <summary>How long a received buffer may hold lent fragments (a netback's mapped guest pages) in a socket
    /// queue before <see cref="Poll"/> copies them out (<see cref="TcpSocket.OrphanHeldFrags"/>); null: never.</summary>
    public Duration? LentFragHoldLimit { get; set; }

    /// <summary>When <see cref="Poll"/> next has work.</summary>
    public Instant PollAt()
    {
        Instant at = Instant.Min(_arp.PollAt(), _reassembler.PollAt());
        foreach (TcpSocket s in _connections.Values)
        {
            at = Instant.Min(at, s.PollAt());
            if (LentFragHoldLimit is Duration limit)
            {
                at = Instant.Min(at, s.HeldFragsDeadline(limit));
            }
        }

        return at;
    }

    /// <summary>Runs timers due at <paramref name="now"/> and sends whatever is ready.</summary>
    public void Poll(Instant now)
    {
        foreach (Ipv4Address ip in _arp.Poll(now))
        {
            SendArpRequest(ip, now);
        }

        _pollNow = now;
        _reassembler.Poll(now, _onReassemblyTimeout);
        _socketScratch.Clear();
        _socketScratch.AddRange(_connections.Values);
        foreach (TcpSocket s in _socketScratch)
        {
            if (LentFragHoldLimit is Duration limit)
            {
                s.OrphanHeldFrags(now, limit);
            }

            if (s.PollAt() <= now)
            {
                s.Poll(now);
            }

            Flush(s, now);
        }
    }

    /// <summary>Sends what <paramref name="socket"/> has ready (call after Send, Close or reading).</summary>
    public void Flush(TcpSocket socket, Instant now)
    {
        ArgumentNullException.ThrowIfNull(socket);
        while (socket.TryDispatch(now, out TcpRepr seg, out SkBuff? payload))
        {
            TransmitTcp(socket, seg, payload, now);
        }

        AfterSocketEvent(socket);
    }

    /// <summary>Frees everything the interface holds.</summary>
    public void Dispose()
    {
        foreach (TcpSocket s in _connections.Values)
        {
            s.Dispose();
        }

        foreach (TcpListener l in _listeners.Values)
        {
            foreach (TcpSocket s in l.Drain())
            {
                s.Dispose();
            }
        }

        foreach (Udp.UdpSocket u in _udp.Values)
        {
            u.Clear();
        }

        _udp.Clear();
        _connections.Clear();
        _listeners.Clear();
        _arp.Clear();
        _reassembler.Dispose();
    }

    private void Count(DropReason reason) => _drops[(int)reason]++;

    private void Drop(SkBuff skb, DropReason reason)
    {
        Count(reason);
        skb.Drop(reason);
    }

    private TcpSeqNumber NewIss() => new((uint)_iss.NextInt64(0, 1L << 32));

    private ushort NextEphemeralPort(Ipv4Endpoint remote)
    {
        for (int tries = 0; tries < 16384; tries++)
        {
            ushort port = _nextEphemeral;
            _nextEphemeral = _nextEphemeral == 65535 ? (ushort)49152 : (ushort)(_nextEphemeral + 1);
            if (!_connections.ContainsKey((remote, port)) && !_listeners.ContainsKey(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException("no free ephemeral port");
    }

    /// <summary>Moves a child that finished its handshake to its listener's accept queue; forgets closed sockets.</summary>
    private void AfterSocketEvent(TcpSocket socket)
    {
        if (_children.TryGetValue(socket, out TcpListener? listener) && socket.State != TcpState.SynReceived)
        {
            _children.Remove(socket);
            listener.Pending--;
            if (socket.State is TcpState.Established or TcpState.CloseWait && listener.IsOpen)
            {
                listener.Enqueue(socket);
            }
        }

        if (socket.State == TcpState.Closed)
        {
            _connections.Remove((socket.Remote, socket.Local.Port));
        }
    }
}
