namespace FragNet.Buffers;

/// <summary>
/// Why a buffer was dropped (Linux <c>enum skb_drop_reason</c>). <see cref="SkBuff.Drop"/> counts every drop by
/// reason in its <see cref="SkbCache"/>; normal end of life is <see cref="SkBuff.Consume"/>, counted apart.
/// Layers above add their reasons here so one counter table covers the whole stack.
/// </summary>
public enum DropReason
{
    /// <summary>Not dropped (the value of a live buffer).</summary>
    NotDroppedYet = 0,

    /// <summary>Freed after normal use (<c>consume_skb</c>); not a drop.</summary>
    Consumed,

    /// <summary>Dropped without a more specific reason. Prefer a specific value.</summary>
    NotSpecified,

    /// <summary>Too short for the headers it claims to carry.</summary>
    PacketTooSmall,

    /// <summary>A length field disagrees with the bytes present.</summary>
    BadLength,

    /// <summary>A header field has a value the protocol forbids (malformed packet).</summary>
    Malformed,

    /// <summary>Internet checksum over IPv4 header failed.</summary>
    IpChecksum,

    /// <summary>TCP checksum failed.</summary>
    TcpChecksum,

    /// <summary>UDP checksum failed.</summary>
    UdpChecksum,

    /// <summary>Not addressed to this host.</summary>
    OtherHost,

    /// <summary>No socket or handler for the destination.</summary>
    NoSocket,

    /// <summary>Unknown protocol number.</summary>
    UnknownProtocol,

    /// <summary>The receiving socket's buffer is full.</summary>
    SocketReceiveBuffer,

    /// <summary>A queue (device, qdisc, ring) was full.</summary>
    QueueFull,

    /// <summary>No memory (page pool exhausted) to process the packet.</summary>
    NoMemory,

    /// <summary>The packet's time to live ran out.</summary>
    TtlExpired,

    /// <summary>Reassembly or a pending resolution timed out.</summary>
    Timeout,

    /// <summary>Dropped on purpose by a fault injector.</summary>
    FaultInjected,

    /// <summary>TCP segment outside the receive window.</summary>
    TcpOutOfWindow,

    /// <summary>TCP out-of-order queue pruned under memory pressure.</summary>
    TcpOfoPrune,

    /// <summary>The device or link went down with the packet queued.</summary>
    DeviceDown,

    /// <summary>The buffer was torn down with its owner (socket or device closed).</summary>
    OwnerClosed,

    /// <summary>ICMP checksum failed.</summary>
    IcmpChecksum,

    /// <summary>An IPv4 option runs past the header or has an impossible length.</summary>
    IpOptionMalformed,

    /// <summary>A TCP option runs past the header or has an impossible length.</summary>
    TcpOptionMalformed,

    /// <summary>An IPv4 version other than 4, or a header length below 20 bytes.</summary>
    IpVersionOrHeaderLength,

    /// <summary>IPv4 fragments overlap inconsistently, or a fragment runs past 65535 bytes.</summary>
    IpFragmentMalformed,

    /// <summary>IPv4 reassembly ran out of its memory or datagram limit.</summary>
    IpReassemblyLimit,

    /// <summary>IPv4 reassembly timed out before all fragments arrived.</summary>
    IpReassemblyTimeout,

    /// <summary>No route to the destination.</summary>
    NoRoute,

    /// <summary>The next hop's link-layer address could not be resolved (ARP).</summary>
    NeighbourUnresolved,

    /// <summary>The packet is larger than the link's MTU and may not be fragmented.</summary>
    PacketTooBig,

    /// <summary>A TCP segment failed RFC 9293 acceptability or RFC 5961 validation.</summary>
    TcpInvalidSegment,

    /// <summary>A TCP RST outside the window, or not exactly at RCV.NXT (RFC 5961 §3).</summary>
    TcpResetInvalid,

    /// <summary>A frame type or link-layer protocol this stack does not handle.</summary>
    UnknownLinkProtocol,
}
