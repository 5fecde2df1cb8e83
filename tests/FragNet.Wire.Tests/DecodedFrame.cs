namespace FragNet.Wire.Tests;

/// <summary>A frame taken apart layer by layer: the reprs, and where the innermost payload is.</summary>
public sealed record DecodedFrame(EthernetRepr Ethernet, Ipv4Repr Ip, int IpOffset, int TransportOffset, int PayloadOffset, int PayloadLength);
