namespace FragNet.Devices.Internal;

/// <summary>Where a packet load's offset counts from: the frame (<c>ether[]</c>), the IPv4/ARP header at byte 14
/// (<c>ip[]</c>, <c>arp[]</c>), or the transport header after the IPv4 header's IHL (<c>tcp[]</c>, <c>udp[]</c>...).</summary>
internal enum FilterLayer : byte
{
    Link,
    Network,
    Transport,
}
