using FragNet.Buffers;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack;

/// <summary>The receive path: Ethernet → ARP | IPv4 → ICMP | TCP.</summary>
public sealed partial class NetInterface
{
    /// <summary>Takes one received frame (owned by the interface from here): delivers it or drops it with a reason.</summary>
    public void Receive(SkBuff frame, Instant now)
    {
        ArgumentNullException.ThrowIfNull(frame);
        frame.Timestamp = now; // arrival: how long a queued buffer has held lent pages is measured from here
        if (!frame.PullTail(EthernetField.HeaderLength))
        {
            Drop(frame, DropReason.PacketTooSmall);
            return;
        }

        if (!EthernetFrame.TryCreate(frame.LinearData, out EthernetFrame eth, out DropReason reason))
        {
            Drop(frame, reason);
            return;
        }

        EthernetAddress destination = eth.Destination;
        if (destination != _device.Address && !destination.IsBroadcast)
        {
            Drop(frame, DropReason.OtherHost);
            return;
        }

        EtherType type = eth.EtherType;
        EthernetAddress source = eth.Source;
        frame.MacHeader = 0;
        frame.Pull(EthernetField.HeaderLength);
        switch (type)
        {
            case EtherType.Arp:
                ReceiveArp(frame, now);
                break;
            case EtherType.Ipv4:
                ReceiveIpv4(frame, source, now);
                break;
            default:
                Drop(frame, DropReason.UnknownLinkProtocol);
                break;
        }
    }

    private void ReceiveArp(SkBuff skb, Instant now)
    {
        if (!skb.PullTail(ArpField.EthernetIpv4Length)
            || !ArpPacket.TryCreate(skb.LinearData, out ArpPacket packet, out DropReason reason)
            || !ArpRepr.TryParse(packet, out ArpRepr arp, out reason))
        {
            Drop(skb, skb.Len < ArpField.EthernetIpv4Length ? DropReason.PacketTooSmall : DropReason.Malformed);
            return;
        }

        skb.Consume();
        bool forUs = arp.TargetProtocolAddress == Address.Address;
        if (forUs || _arp.TryLookup(arp.SenderProtocolAddress, now, out _))
        {
            SkBuff? waiting = _arp.Learn(arp.SenderProtocolAddress, arp.SenderHardwareAddress, now);
            while (waiting is not null)
            {
                SkBuff? next = waiting.Next;
                waiting.Next = null;
                TransmitEthernet(waiting, arp.SenderHardwareAddress, now);
                waiting = next;
            }
        }

        if (forUs && arp.Operation == ArpOperation.Request)
        {
            var reply = new ArpRepr(ArpOperation.Reply, _device.Address, Address.Address, arp.SenderHardwareAddress, arp.SenderProtocolAddress);
            SendArp(reply, arp.SenderHardwareAddress, now);
        }
    }

    private void ReceiveIpv4(SkBuff skb, EthernetAddress source, Instant now)
    {
        if (!skb.PullTail(Ipv4Field.MinHeaderLength))
        {
            Drop(skb, DropReason.PacketTooSmall);
            return;
        }

        int headerLength = (skb.LinearData[0] & 0xF) * 4;
        if (headerLength < Ipv4Field.MinHeaderLength || !skb.PullTail(headerLength))
        {
            Drop(skb, DropReason.IpVersionOrHeaderLength);
            return;
        }

        if (!Ipv4Packet.TryCreateHeader(skb.LinearData, skb.Len, out Ipv4Packet packet, out DropReason reason)
            || !Ipv4Repr.TryParse(packet, out Ipv4Repr ip, out reason))
        {
            Drop(skb, reason);
            return;
        }

        bool broadcast = ip.Destination.IsBroadcast || (Address.Broadcast is Ipv4Address subnetBroadcast && ip.Destination == subnetBroadcast);
        if (ip.Destination != Address.Address && !broadcast)
        {
            Drop(skb, DropReason.OtherHost);
            return;
        }

        if (Address.Contains(ip.Source))
        {
            _arp.Confirm(ip.Source, source, now); // the neighbour is evidently there: keep its entry fresh
        }

        skb.NetworkHeader = 0;
        skb.Trim(headerLength + ip.PayloadLength); // Ethernet padding
        skb.Pull(headerLength);
        if (ip.MoreFragments || ip.FragmentOffset != 0)
        {
            SkBuff? whole = _reassembler.Add(ip, skb, now, out Ipv4Repr datagram, out reason);
            if (whole is null)
            {
                if (reason != DropReason.NotDroppedYet)
                {
                    Count(reason);
                }

                return;
            }

            skb = whole;
            ip = datagram;
        }

        switch (ip.Protocol)
        {
            case IpProtocol.Icmp:
                ReceiveIcmp(ip, skb, now);
                break;
            case IpProtocol.Tcp:
                ReceiveTcp(ip, skb, now);
                break;
            case IpProtocol.Udp:
                ReceiveUdp(ip, skb, now);
                break;
            default:
                Drop(skb, DropReason.UnknownProtocol);
                break;
        }
    }

    private void ReceiveIcmp(in Ipv4Repr ip, SkBuff skb, Instant now)
    {
        skb.Linearize(); // ICMP messages are small; the echo reply copies the data anyway
        if (!Icmpv4Packet.TryCreate(skb.LinearData, out Icmpv4Packet packet, out DropReason reason)
            || !Icmpv4Repr.TryParse(packet, out Icmpv4Repr icmp, out reason))
        {
            Drop(skb, reason);
            return;
        }

        if (icmp.Type == Icmpv4Type.EchoReply)
        {
            ReceiveEchoReply(ip, icmp, packet.Data, now);
            skb.Consume();
            return;
        }

        if (icmp.Type != Icmpv4Type.EchoRequest)
        {
            skb.Consume(); // errors for our own sockets are counted, not acted on yet
            return;
        }

        Icmpv4Repr reply = icmp with { Type = Icmpv4Type.EchoReply };
        SkBuff out_ = _cache.Alloc(TcpSocket.MaxHeaderRoom + reply.BufferLength);
        out_.Reserve(TcpSocket.MaxHeaderRoom);
        Span<byte> body = out_.Put(reply.BufferLength);
        packet.Data.CopyTo(body[(reply.BufferLength - packet.Data.Length)..]);
        reply.Emit(body);
        skb.Consume();
        EchoRepliesSent++;
        TransmitIpv4(out_, ip.Source, IpProtocol.Icmp, now);
    }

    private void ReceiveTcp(in Ipv4Repr ip, SkBuff skb, Instant now)
    {
        if (!skb.PullTail(TcpField.MinHeaderLength))
        {
            Drop(skb, DropReason.PacketTooSmall);
            return;
        }

        int headerLength = (skb.LinearData[TcpField.DataOffset] >> 4) * 4;
        if (headerLength < TcpField.MinHeaderLength || !skb.PullTail(headerLength))
        {
            Drop(skb, DropReason.Malformed);
            return;
        }

        // The checksum covers header and payload, wherever the payload lies (head, frags or frag list).
        if (skb.IpSummed != ChecksumState.Unnecessary)
        {
            ushort sum = InternetChecksum.Add(Ipv4PseudoHeader.Sum(ip.Source, ip.Destination, IpProtocol.Tcp, skb.Len), skb.Checksum(0, skb.Len));
            if (sum != 0xFFFF)
            {
                Drop(skb, DropReason.TcpChecksum);
                return;
            }
        }

        if (!TcpPacket.TryCreate(skb.LinearData[..headerLength], out TcpPacket packet, out DropReason reason)
            || !TcpRepr.TryParse(packet, ip.Source, ip.Destination, out TcpRepr seg, out reason, verifyChecksum: false))
        {
            Drop(skb, reason);
            return;
        }

        int payloadLength = skb.Len - headerLength;
        seg = seg with { PayloadLength = payloadLength };
        skb.TransportHeader = 0;
        skb.Pull(headerLength);
        SkBuff? payload = skb;
        if (payloadLength == 0)
        {
            skb.Consume();
            payload = null;
        }

        var remote = new Ipv4Endpoint(ip.Source, seg.SourcePort);
        if (_connections.TryGetValue((remote, seg.DestinationPort), out TcpSocket? socket))
        {
            socket.Process(now, seg, payload);
            Flush(socket, now);
            return;
        }

        if (_listeners.TryGetValue(seg.DestinationPort, out TcpListener? listener)
            && (seg.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) == TcpFlags.Syn)
        {
            payload?.Consume();
            if (!listener.HasRoom)
            {
                listener.Overflows++;
                Count(DropReason.QueueFull);
                return;
            }

            var child = new TcpSocket(_cache, listener.Config);
            child.AcceptSyn(new Ipv4Endpoint(Address.Address, seg.DestinationPort), remote, seg, NewIss(), now);
            _connections[(remote, seg.DestinationPort)] = child;
            _children[child] = listener;
            listener.Pending++;
            Flush(child, now);
            return;
        }

        payload?.Drop(DropReason.NoSocket);
        Count(DropReason.NoSocket);
        SendResetFor(ip, seg, now);
    }

    /// <summary>RFC 9293 §3.10.7.1: a segment for no connection draws a RST (never in answer to a RST).</summary>
    private void SendResetFor(in Ipv4Repr ip, in TcpRepr seg, Instant now)
    {
        if ((seg.Flags & TcpFlags.Rst) != 0)
        {
            return;
        }

        TcpRepr rst = (seg.Flags & TcpFlags.Ack) != 0
            ? new TcpRepr { SourcePort = seg.DestinationPort, DestinationPort = seg.SourcePort, SequenceNumber = seg.AcknowledgmentNumber, Flags = TcpFlags.Rst }
            : new TcpRepr
            {
                SourcePort = seg.DestinationPort,
                DestinationPort = seg.SourcePort,
                AcknowledgmentNumber = seg.SequenceNumber + seg.SegmentLength,
                Flags = TcpFlags.Rst | TcpFlags.Ack,
            };
        TransmitTcpTo(ip.Source, rst, null, now);
    }
}
