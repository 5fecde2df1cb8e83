using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack;

/// <summary>The transmit path: TCP → IPv4 → neighbour resolution → (software GSO) → Ethernet → device.</summary>
public sealed partial class NetInterface
{
    private const int LinkAndNetworkRoom = EthernetField.HeaderLength + Ipv4Field.MaxHeaderLength;

    private void TransmitTcp(TcpSocket socket, in TcpRepr seg, SkBuff? payload, Instant now) =>
        TransmitTcpTo(socket.Remote.Address, seg, payload, now);

    /// <summary>Pushes the TCP header into the payload buffer's headroom (making the head private first if a clone
    /// shares it, <c>skb_cow_head</c>) and hands it to IPv4.</summary>
    private void TransmitTcpTo(Ipv4Address destination, in TcpRepr seg, SkBuff? payload, Instant now)
    {
        SkBuff skb = payload ?? NewControlBuffer();
        int headerLength = seg.HeaderLength;
        int room = headerLength + LinkAndNetworkRoom;
        if (skb.IsHeaderCloned || skb.Headroom < room)
        {
            skb.CowHead(room);
        }

        Span<byte> header;
        if ((_device.Features & NetDeviceFeatures.TxChecksum) != 0)
        {
            // CHECKSUM_PARTIAL: the field holds the pseudo-header sum and the device sums the rest (for a GSO
            // super-packet, each segment's) — the payload is never read here.
            header = skb.Push(headerLength);
            seg.EmitHeader(header, 0, Address.Address, destination, ChecksumMode.Partial);
            skb.IpSummed = ChecksumState.Partial;
            skb.CsumStart = 0;
            skb.CsumOffset = TcpField.Checksum;
        }
        else
        {
            ushort payloadSum = skb.Len == 0 ? (ushort)0 : skb.Checksum(0, skb.Len);
            header = skb.Push(headerLength);
            seg.EmitHeader(header, payloadSum, Address.Address, destination);
        }

        skb.TransportHeader = 0;
        TransmitIpv4(skb, destination, IpProtocol.Tcp, now);
    }

    private SkBuff NewControlBuffer()
    {
        SkBuff skb = _cache.Alloc(TcpSocket.MaxHeaderRoom);
        skb.Reserve(TcpSocket.MaxHeaderRoom);
        return skb;
    }

    /// <summary>Pushes an IPv4 header and routes: the subnet directly, else the gateway. TCP sends with Don't
    /// Fragment (it keeps within the MSS); a larger UDP or ICMP datagram is fragmented (RFC 791 §3.2), copying each
    /// fragment's share of the payload.</summary>
    private void TransmitIpv4(SkBuff skb, Ipv4Address destination, IpProtocol protocol, Instant now)
    {
        var ip = new Ipv4Repr(Address.Address, destination, protocol, skb.Len)
        {
            Identification = _ipId,
            DontFragment = protocol == IpProtocol.Tcp,
        };
        _ipId = unchecked((ushort)(_ipId + Math.Max(1, skb.Shinfo.GsoSegs)));
        if (skb.GsoSize == 0 && skb.Len + ip.HeaderLength > _device.Mtu)
        {
            if (ip.DontFragment || !Ipv4Fragmenter.TryCreate(ip, _device.Mtu, out Ipv4Fragmenter fragments, out _))
            {
                Drop(skb, DropReason.PacketTooBig);
                return;
            }

            foreach (Ipv4Fragment fragment in fragments)
            {
                SkBuff piece = _cache.Alloc(TcpSocket.MaxHeaderRoom + fragment.PayloadLength);
                piece.Reserve(TcpSocket.MaxHeaderRoom);
                skb.CopyBits(fragment.PayloadOffset, piece.Put(fragment.PayloadLength));
                fragment.Header.Emit(piece.Push(fragment.Header.HeaderLength));
                piece.NetworkHeader = 0;
                Route(piece, destination, now);
            }

            skb.Consume();
            return;
        }

        ip.Emit(skb.Push(ip.HeaderLength));
        skb.NetworkHeader = 0;
        skb.TransportHeader = ip.HeaderLength;
        Route(skb, destination, now);
    }

    /// <summary>Picks the next hop (the destination on the subnet, else the gateway) and its hardware address, or
    /// queues the packet for ARP.</summary>
    private void Route(SkBuff skb, Ipv4Address destination, Instant now)
    {
        Ipv4Address hop;
        if (destination.IsBroadcast || Address.Contains(destination))
        {
            hop = destination;
        }
        else if (Gateway is Ipv4Address gw)
        {
            hop = gw;
        }
        else
        {
            Drop(skb, DropReason.NoRoute);
            return;
        }

        if (destination.IsBroadcast)
        {
            TransmitEthernet(skb, EthernetAddress.Broadcast, now);
        }
        else if (_arp.TryLookup(hop, now, out EthernetAddress mac))
        {
            TransmitEthernet(skb, mac, now);
        }
        else if (_arp.QueuePending(hop, skb, now))
        {
            SendArpRequest(hop, now);
        }
    }

    /// <summary>Segments in software if the device cannot (GSO), linearizes for a device without scatter-gather,
    /// pushes the Ethernet header and transmits.</summary>
    private void TransmitEthernet(SkBuff skb, EthernetAddress destination, Instant now)
    {
        if (skb.GsoSize > 0 && (_device.Features & NetDeviceFeatures.Tso) == 0)
        {
            SkBuff? segments = SegmentTcpV4(skb);
            skb.Consume();
            while (segments is not null)
            {
                SkBuff? next = segments.Next;
                segments.Next = null;
                TransmitEthernet(segments, destination, now);
                segments = next;
            }

            return;
        }

        if (skb.IsNonlinear && (_device.Features & NetDeviceFeatures.ScatterGather) == 0)
        {
            skb.Linearize();
        }

        var eth = new EthernetRepr(_device.Address, destination, EtherType.Ipv4);
        if (skb.Protocol == (ushort)EtherType.Arp)
        {
            eth = eth with { EtherType = EtherType.Arp };
        }

        if (skb.IsHeaderCloned || skb.Headroom < EthernetField.HeaderLength)
        {
            skb.CowHead(EthernetField.HeaderLength);
        }

        eth.Emit(skb.Push(EthernetField.HeaderLength));
        skb.MacHeader = 0;
        _device.Transmit(skb, now);
    }

    /// <summary>
    /// Software GSO for TCP over IPv4 (Linux <c>tcp4_gso_segment</c> over <c>skb_segment</c>): the buffer starts at
    /// its IPv4 header; each segment gets a copy of the IP and TCP headers and then its own total length, IP id and
    /// checksum, sequence number, flags (FIN and PSH on the last only, CWR on the first only) and TCP checksum — or, on a
    /// device that checksums (<see cref="NetDeviceFeatures.TxChecksum"/>), its pseudo-header sum for the device to finish.
    /// </summary>
    private SkBuff? SegmentTcpV4(SkBuff skb)
    {
        int ipLength = (skb.LinearData[0] & 0xF) * 4;
        int tcpLength = (skb.LinearData[ipLength + TcpField.DataOffset] >> 4) * 4;
        int headers = ipLength + tcpLength;
        int mss = skb.GsoSize;
        ushort id = BinaryPrimitives.ReadUInt16BigEndian(skb.LinearData[4..]);
        uint seq = BinaryPrimitives.ReadUInt32BigEndian(skb.LinearData[(ipLength + 4)..]);
        byte flags = skb.LinearData[ipLength + TcpField.Flags];
        var src = new Ipv4Address(skb.LinearData.Slice(12, 4));
        var dst = new Ipv4Address(skb.LinearData.Slice(16, 4));
        bool sg = (_device.Features & NetDeviceFeatures.ScatterGather) != 0;
        bool partial = (_device.Features & NetDeviceFeatures.TxChecksum) != 0;
        SkBuff first = skb.Segment(headers, sg);
        int index = 0;
        for (SkBuff? s = first; s is not null; s = s.Next, index++)
        {
            Span<byte> h = s.LinearData;
            bool last = s.Next is null;
            BinaryPrimitives.WriteUInt16BigEndian(h[2..], (ushort)s.Len);
            BinaryPrimitives.WriteUInt16BigEndian(h[4..], unchecked((ushort)(id + index)));
            BinaryPrimitives.WriteUInt16BigEndian(h[10..], 0);
            BinaryPrimitives.WriteUInt16BigEndian(h[10..], InternetChecksum.Compute(h[..ipLength]));
            Span<byte> t = h[ipLength..];
            BinaryPrimitives.WriteUInt32BigEndian(t[4..], unchecked(seq + (uint)(index * mss)));
            byte f = flags;
            if (!last)
            {
                f &= unchecked((byte)~(byte)(TcpFlags.Fin | TcpFlags.Psh));
            }

            if (index > 0)
            {
                f &= unchecked((byte)~(byte)TcpFlags.Cwr);
            }

            t[TcpField.Flags] = f;
            int tcpTotal = s.Len - ipLength;
            if (partial)
            {
                BinaryPrimitives.WriteUInt16BigEndian(t[TcpField.Checksum..], Ipv4PseudoHeader.Sum(src, dst, IpProtocol.Tcp, tcpTotal));
                s.IpSummed = ChecksumState.Partial;
                s.CsumStart = ipLength;
                s.CsumOffset = TcpField.Checksum;
                continue;
            }

            BinaryPrimitives.WriteUInt16BigEndian(t[TcpField.Checksum..], 0);
            ushort sum = InternetChecksum.Add(Ipv4PseudoHeader.Sum(src, dst, IpProtocol.Tcp, tcpTotal), s.Checksum(ipLength, tcpTotal));
            BinaryPrimitives.WriteUInt16BigEndian(t[TcpField.Checksum..], (ushort)~sum);
        }

        return first;
    }

    /// <summary>Broadcasts an ARP announcement (RFC 5227 §2.3: a request whose sender and target protocol addresses are
    /// both this host's, target hardware address zero). Neighbours that already have an entry for this address update
    /// it — Linux does even for an entry it made a moment ago — so a host that comes back with a new Ethernet address
    /// (a restarted FragNet on a TAP picks a random one) is reachable at once rather than after the old entry fails.</summary>
    public void Announce(Instant now)
    {
        var announcement = new ArpRepr(ArpOperation.Request, _device.Address, Address.Address, default, Address.Address);
        SendArp(announcement, EthernetAddress.Broadcast, now);
    }

    private void SendArpRequest(Ipv4Address target, Instant now)
    {
        var request = new ArpRepr(ArpOperation.Request, _device.Address, Address.Address, default, target);
        SendArp(request, EthernetAddress.Broadcast, now);
    }

    private void SendArp(in ArpRepr arp, EthernetAddress destination, Instant now)
    {
        SkBuff skb = _cache.Alloc(EthernetField.HeaderLength + arp.BufferLength + 18);
        skb.Reserve(EthernetField.HeaderLength);
        arp.Emit(skb.Put(arp.BufferLength));
        skb.Put(18).Clear(); // pad to the 60-byte Ethernet minimum
        skb.Protocol = (ushort)EtherType.Arp;
        TransmitEthernet(skb, destination, now);
    }
}
