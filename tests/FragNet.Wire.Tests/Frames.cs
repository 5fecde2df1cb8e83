namespace FragNet.Wire.Tests;

/// <summary>Helpers that walk real frames through the views and reprs, asserting every step.</summary>
public static class Frames
{
    /// <summary>Ethernet and IPv4 of a frame, both checked; fails the test on any drop.</summary>
    public static (EthernetRepr Ethernet, Ipv4Repr Ip) ParseIp(ReadOnlySpan<byte> frame)
    {
        Assert.True(EthernetFrame.TryCreate(frame, out EthernetFrame eth, out DropReason reason), reason.ToString());
        Assert.True(EthernetRepr.TryParse(eth, out EthernetRepr ethRepr, out reason), reason.ToString());
        Assert.Equal(EtherType.Ipv4, ethRepr.EtherType);
        Assert.True(Ipv4Packet.TryCreate(eth.Payload, out Ipv4Packet ip, out reason), reason.ToString());
        Assert.True(ip.VerifyChecksum());
        Assert.True(Ipv4Repr.TryParse(ip, out Ipv4Repr ipRepr, out reason), reason.ToString());
        return (ethRepr, ipRepr);
    }

    /// <summary>Ethernet → IPv4 → TCP; the TCP checksum verified unless <paramref name="verifyTcpChecksum"/> is false.</summary>
    public static (DecodedFrame Frame, TcpRepr Tcp) ParseTcp(ReadOnlySpan<byte> frame, bool verifyTcpChecksum = true)
    {
        (EthernetRepr ethRepr, Ipv4Repr ipRepr) = ParseIp(frame);
        Assert.Equal(IpProtocol.Tcp, ipRepr.Protocol);
        ReadOnlySpan<byte> segment = frame.Slice(EthernetField.HeaderLength + ipRepr.HeaderLength, ipRepr.PayloadLength);
        Assert.True(TcpPacket.TryCreate(segment, out TcpPacket tcp, out DropReason reason), reason.ToString());
        Assert.True(TcpRepr.TryParse(tcp, ipRepr.Source, ipRepr.Destination, out TcpRepr tcpRepr, out reason, verifyTcpChecksum), reason.ToString());
        int transport = EthernetField.HeaderLength + ipRepr.HeaderLength;
        return (new DecodedFrame(ethRepr, ipRepr, EthernetField.HeaderLength, transport, transport + tcpRepr.HeaderLength, tcpRepr.PayloadLength), tcpRepr);
    }

    /// <summary>Ethernet → IPv4 → UDP with every checksum verified.</summary>
    public static (DecodedFrame Frame, UdpRepr Udp) ParseUdp(ReadOnlySpan<byte> frame)
    {
        (EthernetRepr ethRepr, Ipv4Repr ipRepr) = ParseIp(frame);
        Assert.Equal(IpProtocol.Udp, ipRepr.Protocol);
        ReadOnlySpan<byte> datagram = frame.Slice(EthernetField.HeaderLength + ipRepr.HeaderLength, ipRepr.PayloadLength);
        Assert.True(UdpPacket.TryCreate(datagram, out UdpPacket udp, out DropReason reason), reason.ToString());
        Assert.True(UdpRepr.TryParse(udp, ipRepr.Source, ipRepr.Destination, out UdpRepr udpRepr, out reason), reason.ToString());
        int transport = EthernetField.HeaderLength + ipRepr.HeaderLength;
        return (new DecodedFrame(ethRepr, ipRepr, EthernetField.HeaderLength, transport, transport + udpRepr.HeaderLength, udpRepr.PayloadLength), udpRepr);
    }

    /// <summary>Ethernet → IPv4 → ICMP with every checksum verified.</summary>
    public static (DecodedFrame Frame, Icmpv4Repr Icmp) ParseIcmp(ReadOnlySpan<byte> frame)
    {
        (EthernetRepr ethRepr, Ipv4Repr ipRepr) = ParseIp(frame);
        Assert.Equal(IpProtocol.Icmp, ipRepr.Protocol);
        ReadOnlySpan<byte> message = frame.Slice(EthernetField.HeaderLength + ipRepr.HeaderLength, ipRepr.PayloadLength);
        Assert.True(Icmpv4Packet.TryCreate(message, out Icmpv4Packet icmp, out DropReason reason), reason.ToString());
        Assert.True(Icmpv4Repr.TryParse(icmp, out Icmpv4Repr icmpRepr, out reason), reason.ToString());
        int transport = EthernetField.HeaderLength + ipRepr.HeaderLength;
        return (new DecodedFrame(ethRepr, ipRepr, EthernetField.HeaderLength, transport, transport + icmpRepr.HeaderLength, icmpRepr.DataLength), icmpRepr);
    }

    /// <summary>A new frame of the same length built from the reprs: Ethernet and IPv4 headers emitted, the payload
    /// (and any Ethernet padding) copied from <paramref name="original"/>, then <paramref name="emitTransport"/> run
    /// over the IPv4 payload so its checksum covers the payload in place.</summary>
    public static byte[] Rebuild(ReadOnlySpan<byte> original, DecodedFrame d, SpanAction emitTransport)
    {
        var output = new byte[original.Length];
        d.Ethernet.Emit(output);
        d.Ip.Emit(output.AsSpan(d.IpOffset));
        original[d.PayloadOffset..].CopyTo(output.AsSpan(d.PayloadOffset)); // payload and trailing padding
        emitTransport(output.AsSpan(d.TransportOffset, d.Ip.PayloadLength));
        return output;
    }

    /// <summary>Writes a transport header (and checksum) into a span.</summary>
    public delegate void SpanAction(Span<byte> span);
}
