using FragNet.Buffers;
using FragNet.Stack.Tcp;
using FragNet.Stack.Udp;
using FragNet.Wire;

namespace FragNet.Stack;

/// <summary>UDP: binding, the receive demultiplexer, and sending.</summary>
public sealed partial class NetInterface
{
    private readonly Dictionary<ushort, UdpSocket> _udp = [];

    /// <summary>Binds <paramref name="port"/>.</summary>
    public UdpSocket UdpBind(ushort port, int receiveBuffer = 256 * 1024)
    {
        if (port == 0 || _udp.ContainsKey(port))
        {
            throw new InvalidOperationException($"UDP port {port} is taken or invalid");
        }

        var socket = new UdpSocket(port, receiveBuffer);
        _udp[port] = socket;
        return socket;
    }

    /// <summary>Unbinds and frees waiting datagrams.</summary>
    public void UdpClose(UdpSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        _udp.Remove(socket.Port);
        socket.IsOpen = false;
        socket.Clear();
    }

    /// <summary>Sends one datagram (copied); one larger than the MTU goes out in IPv4 fragments. Returns false,
    /// counted as a drop, if it exceeds what an IPv4 datagram can carry.</summary>
    public bool UdpSend(UdpSocket socket, Ipv4Endpoint to, ReadOnlySpan<byte> data, Instant now)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (data.Length > ushort.MaxValue - UdpField.HeaderLength - Ipv4Field.MinHeaderLength)
        {
            Count(DropReason.PacketTooBig);
            return false;
        }

        var udp = new UdpRepr(socket.Port, to.Port, data.Length);

        SkBuff skb = _cache.Alloc(TcpSocket.MaxHeaderRoom + udp.BufferLength);
        skb.Reserve(TcpSocket.MaxHeaderRoom);
        Span<byte> body = skb.Put(udp.BufferLength);
        data.CopyTo(body[udp.HeaderLength..]);
        udp.Emit(body, Address.Address, to.Address);
        skb.TransportHeader = 0;
        TransmitIpv4(skb, to.Address, IpProtocol.Udp, now);
        return true;
    }

    private void ReceiveUdp(in Ipv4Repr ip, SkBuff skb, Instant now)
    {
        if (!skb.PullTail(UdpField.HeaderLength))
        {
            Drop(skb, DropReason.PacketTooSmall);
            return;
        }

        skb.Linearize(); // datagrams are at most an MTU (reassembled ones are rare): the checksum view wants one span
        if (!UdpPacket.TryCreate(skb.LinearData, out UdpPacket packet, out DropReason reason)
            || !UdpRepr.TryParse(packet, ip.Source, ip.Destination, out UdpRepr udp, out reason))
        {
            Drop(skb, reason);
            return;
        }

        if (!_udp.TryGetValue(udp.DestinationPort, out UdpSocket? socket))
        {
            if (ip.Destination == Address.Address)
            {
                SendPortUnreachable(ip, skb.LinearData[..UdpField.HeaderLength], now);
            }

            Drop(skb, DropReason.NoSocket);
            return;
        }

        skb.Trim(UdpField.HeaderLength + udp.PayloadLength);
        skb.Pull(UdpField.HeaderLength);
        socket.Deliver(new Ipv4Endpoint(ip.Source, udp.SourcePort), skb);
    }

    /// <summary>RFC 1122 §4.1.3.1 / RFC 792: a datagram for an unbound port draws a port unreachable quoting its IP
    /// header and first 8 bytes — only for datagrams addressed to this host, never for broadcasts.</summary>
    private void SendPortUnreachable(in Ipv4Repr original, ReadOnlySpan<byte> firstBytes, Instant now)
    {
        SendIcmpError(Icmpv4Repr.DestinationUnreachable(Icmpv4UnreachableCode.PortUnreachable, original, firstBytes.Length), firstBytes, original.Source, now);
    }

    /// <summary>Sends an ICMP error message quoting <paramref name="quoted"/> (after the original header the message
    /// already carries) to <paramref name="to"/>.</summary>
    private void SendIcmpError(in Icmpv4Repr icmp, ReadOnlySpan<byte> quoted, Ipv4Address to, Instant now)
    {
        SkBuff skb = _cache.Alloc(TcpSocket.MaxHeaderRoom + icmp.BufferLength);
        skb.Reserve(TcpSocket.MaxHeaderRoom);
        Span<byte> body = skb.Put(icmp.BufferLength);
        quoted.CopyTo(body[icmp.HeaderLength..]);
        icmp.Emit(body);
        TransmitIpv4(skb, to, IpProtocol.Icmp, now);
    }
}
