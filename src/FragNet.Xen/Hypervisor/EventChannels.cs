namespace FragNet.Xen.Hypervisor;

/// <summary>Interdomain event channels (xen/include/public/event_channel.h): <c>EVTCHNOP_alloc_unbound</c>,
/// <c>EVTCHNOP_bind_interdomain</c>, <c>EVTCHNOP_send</c>, <c>EVTCHNOP_close</c>.</summary>
public sealed class EventChannels
{
    private readonly XenHypervisor _hypervisor;
    private readonly Dictionary<(ushort Domain, int Port), EventChannel> _ports = [];
    private readonly Dictionary<ushort, int> _nextPort = [];

    internal EventChannels(XenHypervisor hypervisor) => _hypervisor = hypervisor;

    /// <summary>Notifications sent through every channel.</summary>
    public long Notifications { get; private set; }

    /// <summary>Allocates a port of <paramref name="local"/> that <paramref name="remote"/> may bind to.</summary>
    public EventChannel AllocUnbound(Domain local, ushort remote)
    {
        ArgumentNullException.ThrowIfNull(local);
        int port = _nextPort.TryGetValue(local.Id, out int p) ? p : 1;
        _nextPort[local.Id] = port + 1;
        var ch = new EventChannel(local, port, remote);
        _ports.Add((local.Id, port), ch);
        return ch;
    }

    /// <summary>
    /// A port of <paramref name="local"/> — a domain that runs in another process — for <paramref name="remote"/> to
    /// bind to: a notification sent to it runs <paramref name="signal"/> (an <c>eventfd</c> write) instead of setting
    /// a pending bit here. The host loop that sees that process's own signal calls <see cref="Notify"/> on this port,
    /// which sets the bound local port pending as an in-process notification would.
    /// </summary>
    public EventChannel AllocRemote(Domain local, ushort remote, Action signal)
    {
        ArgumentNullException.ThrowIfNull(signal);
        EventChannel ch = AllocUnbound(local, remote);
        ch.RemoteSignal = signal;
        return ch;
    }

    /// <summary>Binds a new port of <paramref name="local"/> to port <paramref name="remotePort"/> of
    /// <paramref name="remoteDomain"/>, which must be unbound and allocated for <paramref name="local"/>. Null if not.</summary>
    public EventChannel? BindInterdomain(Domain local, ushort remoteDomain, int remotePort)
    {
        ArgumentNullException.ThrowIfNull(local);
        if (_hypervisor.Lookup(remoteDomain) is null
            || !_ports.TryGetValue((remoteDomain, remotePort), out EventChannel? remote)
            || remote.Peer is not null || remote.IsClosed || remote.RemoteDomain != local.Id)
        {
            return null;
        }

        EventChannel ch = AllocUnbound(local, remoteDomain);
        ch.Peer = remote;
        remote.Peer = ch;
        return ch;
    }

    /// <summary>Notifies the other end of <paramref name="channel"/>. False if it is not bound.</summary>
    public bool Notify(EventChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        EventChannel? peer = channel.Peer;
        if (channel.IsClosed || peer is null || peer.IsClosed)
        {
            return false;
        }

        Notifications++;
        peer.Received++;
        if (peer.RemoteSignal is { } signal)
        {
            signal(); // the peer's pending bit lives in its own process
            return true;
        }

        if (!peer.Pending && !peer.Masked)
        {
            peer.Upcalls++;
        }

        peer.Pending = true;
        return true;
    }

    /// <summary>Closes <paramref name="channel"/>; its peer becomes unbound.</summary>
    public void Close(EventChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        channel.IsClosed = true;
        if (channel.Peer is { } peer)
        {
            peer.Peer = null;
        }

        channel.Peer = null;
        _ports.Remove((channel.Owner.Id, channel.Port));
    }
}
