namespace FragNet.Devices.Internal;

/// <summary>The protocol qualifier of a primitive or a packet load (<c>ip</c>, <c>tcp</c>, ...); pcap-filter(7)'s
/// <i>proto</i>.</summary>
internal enum FilterProto : byte
{
    Default,
    Ether,
    Ip,
    Arp,
    Rarp,
    Tcp,
    Udp,
    Icmp,
    Sctp,
}
