using FragNet.Buffers;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

public sealed class UdpTests
{
    [Fact]
    public void A_datagram_reaches_the_bound_port_with_its_sender_and_bytes()
    {
        using var hosts = new TwoHosts();
        Udp.UdpSocket server = hosts.B.UdpBind(53);
        Udp.UdpSocket client = hosts.A.UdpBind(40000);
        byte[] query = [1, 2, 3, 4, 5];
        Assert.True(hosts.A.UdpSend(client, new Ipv4Endpoint(Ipv4Address.Parse("10.1.0.2"), 53), query, hosts.Now));
        Assert.True(hosts.RunUntil(() => server.Count == 1, Duration.FromSeconds(2)));
        var buf = new byte[100];
        Assert.Equal(5, server.Receive(buf, out Ipv4Endpoint from));
        Assert.Equal(query, buf[..5]);
        Assert.Equal(new Ipv4Endpoint(Ipv4Address.Parse("10.1.0.1"), 40000), from);
        Assert.Equal(-1, server.Receive(buf, out _));
    }

    [Fact]
    public void A_datagram_for_an_unbound_port_is_a_counted_drop_and_a_full_queue_drops_the_excess()
    {
        using var hosts = new TwoHosts();
        Udp.UdpSocket client = hosts.A.UdpBind(40000);
        Udp.UdpSocket small = hosts.B.UdpBind(7, receiveBuffer: 1000);
        var to7 = new Ipv4Endpoint(Ipv4Address.Parse("10.1.0.2"), 7);
        Assert.True(hosts.A.UdpSend(client, new Ipv4Endpoint(Ipv4Address.Parse("10.1.0.2"), 9), [1], hosts.Now));
        for (int i = 0; i < 5; i++)
        {
            hosts.A.UdpSend(client, to7, new byte[400], hosts.Now);
        }

        Assert.False(hosts.A.UdpSend(client, to7, new byte[65508], hosts.Now)); // more than an IPv4 datagram holds
        hosts.RunUntil(() => false, Duration.FromSeconds(1));
        Assert.Equal(1, hosts.B.Drops(DropReason.NoSocket));
        Assert.Equal(2, small.Count);
        Assert.Equal(3, small.Dropped);
        Assert.Equal(1, hosts.A.Drops(DropReason.PacketTooBig));
    }

    [Fact]
    public void A_datagram_for_an_unbound_port_is_answered_with_port_unreachable_quoting_it()
    {
        using var hosts = new TwoHosts();
        Udp.UdpSocket client = hosts.A.UdpBind(40000);
        Assert.True(hosts.A.UdpSend(client, new Ipv4Endpoint(Ipv4Address.Parse("10.1.0.2"), 9), [1, 2, 3], hosts.Now));
        hosts.RunUntil(() => hosts.DevB.Frames.Count(f => f.Length > 14 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 1) == 1, Duration.FromSeconds(2));
        byte[] frame = hosts.DevB.Frames.Single(f => f.Length > 14 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 1);
        Assert.True(Ipv4Packet.TryCreate(frame.AsSpan(14), out Ipv4Packet ip, out _));
        Assert.True(Icmpv4Packet.TryCreate(ip.Payload, out Icmpv4Packet p, out _));
        Assert.True(Icmpv4Repr.TryParse(p, out Icmpv4Repr icmp, out _));
        Assert.Equal(Icmpv4Type.DestinationUnreachable, icmp.Type);
        Assert.Equal((byte)Icmpv4UnreachableCode.PortUnreachable, icmp.Code);
        Assert.Equal(IpProtocol.Udp, icmp.OriginalHeader.Protocol);
        Assert.Equal(Ipv4Address.Parse("10.1.0.1"), icmp.OriginalHeader.Source);
        Assert.Equal(Ipv4Address.Parse("10.1.0.1"), ip.Destination);
    }

    [Fact]
    public void A_datagram_larger_than_the_mtu_is_fragmented_on_the_wire_and_reassembled_intact()
    {
        using var hosts = new TwoHosts();
        Udp.UdpSocket server = hosts.B.UdpBind(5353);
        Udp.UdpSocket client = hosts.A.UdpBind(40000);
        var data = new byte[4000];
        new Random(4).NextBytes(data);
        Assert.True(hosts.A.UdpSend(client, new Ipv4Endpoint(Ipv4Address.Parse("10.1.0.2"), 5353), data, hosts.Now));
        Assert.True(hosts.RunUntil(() => server.Count == 1, Duration.FromSeconds(2)));
        var got = new byte[5000];
        Assert.Equal(4000, server.Receive(got, out _));
        Assert.Equal(data, got[..4000]);
        int fragments = hosts.DevA.Frames.Count(f => f.Length > 34 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 17);
        Assert.Equal(3, fragments); // 4008 bytes of UDP at 1480 per fragment
    }

    [Fact]
    public void A_datagram_whose_last_fragment_never_comes_draws_a_reassembly_time_exceeded_after_the_timeout()
    {
        using var hosts = new TwoHosts();
        Udp.UdpSocket server = hosts.B.UdpBind(5353);
        Udp.UdpSocket client = hosts.A.UdpBind(40000);
        int fragment = 0;
        hosts.DropRule = (bytes, fromA) => fromA && bytes.Length > 34 && bytes[23] == 17 && ++fragment == 3; // lose the last
        Assert.True(hosts.A.UdpSend(client, new Ipv4Endpoint(Ipv4Address.Parse("10.1.0.2"), 5353), new byte[4000], hosts.Now));
        hosts.RunUntil(() => false, Duration.FromSeconds(29));
        Assert.Equal(0, hosts.B.TimeExceededSent);

        hosts.RunUntil(() => hosts.B.TimeExceededSent == 1, Duration.FromSeconds(2));
        Assert.Equal(0, server.Count);
        byte[] icmp = Assert.Single(hosts.DevB.Frames, f => f.Length > 34 && f[23] == 1);
        Assert.Equal(11, icmp[34]); // type: time exceeded
        Assert.Equal(1, icmp[35]);  // code: fragment reassembly time exceeded
        Assert.Equal(0x45, icmp[42]); // the quoted header of the first fragment
        Assert.Equal(40000, (icmp[62] << 8) | icmp[63]); // and the first 8 bytes: the UDP source port
        hosts.A.UdpClose(client);
        hosts.B.UdpClose(server);
    }
}
