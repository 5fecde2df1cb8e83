namespace FragNet.Xen.Hypervisor;

/// <summary>One end of an interdomain event channel: a port of <see cref="Owner"/>, bound to a port of another
/// domain. A notification sets the peer's <see cref="Pending"/> bit (notifications coalesce, as on Xen) and, unless
/// the peer masked it, counts an upcall; the peer's driver handles pending ports when it next polls.</summary>
public sealed class EventChannel
{
    internal EventChannel(Domain owner, int port, ushort remoteDomain)
    {
        Owner = owner;
        Port = port;
        RemoteDomain = remoteDomain;
    }

    public Domain Owner { get; }

    /// <summary><c>evtchn_port_t</c>.</summary>
    public int Port { get; }

    /// <summary>The domain allowed to bind to (or bound to) this port.</summary>
    public ushort RemoteDomain { get; }

    /// <summary>The other end, once bound.</summary>
    public EventChannel? Peer { get; internal set; }

    /// <summary>A notification arrived and has not been handled.</summary>
    public bool Pending { get; internal set; }

    /// <summary>Masked ports record notifications but do not count upcalls.</summary>
    public bool Masked { get; set; }

    /// <summary>Notifications received.</summary>
    public long Received { get; internal set; }

    /// <summary>Upcalls (notifications received while unmasked and not already pending).</summary>
    public long Upcalls { get; internal set; }

    /// <summary>For a port of a domain in another process: how a notification reaches it (see
    /// <see cref="EventChannels.AllocRemote"/>).</summary>
    public Action? RemoteSignal { get; internal set; }

    /// <summary>True once closed.</summary>
    public bool IsClosed { get; internal set; }

    /// <summary>Clears <see cref="Pending"/>; returns whether it was set (a driver's interrupt acknowledge).</summary>
    public bool TakePending()
    {
        bool was = Pending;
        Pending = false;
        return was;
    }

    public override string ToString() => $"{Owner} port {Port}{(Peer is null ? " (unbound)" : $" <-> {Peer.Owner} port {Peer.Port}")}";
}
