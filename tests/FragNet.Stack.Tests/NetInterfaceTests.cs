using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

public sealed class NetInterfaceTests
{
    private static readonly Ipv4Endpoint ServerB = new(Ipv4Address.Parse("10.1.0.2"), 5001);

    [Fact]
    public void A_connection_resolves_arp_handshakes_and_carries_a_megabyte_segmented_in_software()
    {
        using var hosts = new TwoHosts();
        TcpListener listener = hosts.B.TcpListen(5001, backlog: 4);
        TcpSocket client = hosts.A.TcpConnect(ServerB, hosts.Now);
        TcpSocket? server = null;
        Assert.True(hosts.RunUntil(() => (server ??= listener.Accept()) is not null && client.State == TcpState.Established, Duration.FromSeconds(5)));
        Assert.Equal(ArpOperation.Request, (ArpOperation)BinaryPrimitives.ReadUInt16BigEndian(hosts.DevA.Frames[0].AsSpan(14 + 6)));

        var data = new byte[1 << 20];
        new Random(1).NextBytes(data);
        int sent = 0;
        var got = new List<byte>();
        var buf = new byte[65536];
        Assert.True(hosts.RunUntil(() =>
        {
            if (sent < data.Length)
            {
                sent += client.Send(data.AsSpan(sent));
                hosts.A.Flush(client, hosts.Now);
            }

            int n;
            while ((n = server!.Receive(buf)) > 0)
            {
                got.AddRange(buf.AsSpan(0, n));
                hosts.B.Flush(server, hosts.Now);
            }

            return got.Count == data.Length;
        }, Duration.FromSeconds(60)));
        Assert.Equal(data, got.ToArray());
        Assert.True(hosts.DevA.Frames.Count > data.Length / 1460); // every frame within the MTU (TwoHosts checks)
        client.Close();
        hosts.A.Flush(client, hosts.Now);
        hosts.RunUntil(() => server!.State == TcpState.CloseWait, Duration.FromSeconds(1));
        server!.Close();
        hosts.B.Flush(server, hosts.Now);
        hosts.RunUntil(() => server.State == TcpState.Closed, Duration.FromSeconds(1));
        Assert.Equal(TcpState.TimeWait, client.State);
    }

    [Fact]
    public void A_connect_to_a_port_nobody_listens_on_is_refused_with_a_reset()
    {
        using var hosts = new TwoHosts();
        TcpSocket client = hosts.A.TcpConnect(ServerB, hosts.Now);
        hosts.RunUntil(() => client.State == TcpState.Closed, Duration.FromSeconds(5));
        Assert.Equal(TcpState.Closed, client.State);
        Assert.Equal("connection refused", client.Error);
        Assert.Equal(1, hosts.B.Drops(DropReason.NoSocket));
    }

    [Fact]
    public void An_echo_request_is_answered_with_the_same_identifier_sequence_and_data()
    {
        using var hosts = new TwoHosts();
        byte[] data = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var icmp = Icmpv4Repr.EchoRequest(0x1234, 7, data.Length);
        var ip = new Ipv4Repr(Ipv4Address.Parse("10.1.0.1"), Ipv4Address.Parse("10.1.0.2"), IpProtocol.Icmp, icmp.BufferLength);
        var eth = new EthernetRepr(hosts.DevA.Address, hosts.DevB.Address, EtherType.Ipv4);
        byte[] frame = new byte[14 + 20 + icmp.BufferLength];
        eth.Emit(frame);
        ip.Emit(frame.AsSpan(14));
        data.CopyTo(frame.AsSpan(14 + 20 + icmp.HeaderLength));
        icmp.Emit(frame.AsSpan(34));
        SkBuff skb = hosts.Cache.Alloc(frame.Length);
        frame.CopyTo(skb.Put(frame.Length));
        hosts.B.Receive(skb, hosts.Now);
        hosts.RunUntil(() => hosts.B.EchoRepliesSent == 1 && hosts.DevB.Frames.Any(f => f.Length == frame.Length), Duration.FromSeconds(2));
        byte[] reply = hosts.DevB.Frames.Single(f => f.Length == frame.Length);
        Assert.True(Icmpv4Packet.TryCreate(reply.AsSpan(34), out Icmpv4Packet p, out _));
        Assert.True(Icmpv4Repr.TryParse(p, out Icmpv4Repr r, out _));
        Assert.Equal(Icmpv4Type.EchoReply, r.Type);
        Assert.Equal(data, p.Data.ToArray());
        Assert.Equal(icmp.RestOfHeader, r.RestOfHeader);
    }

    [Fact]
    public void Garbage_frames_are_counted_drops_never_exceptions()
    {
        using var hosts = new TwoHosts();
        var rng = new Random(3);
        for (int i = 0; i < 5000; i++)
        {
            byte[] bytes = new byte[rng.Next(0, 200)];
            rng.NextBytes(bytes);
            if (bytes.Length >= 14 && i % 2 == 0)
            {
                hosts.DevB.Address.CopyTo(bytes);
                bytes[12] = 0x08;
                bytes[13] = (byte)(i % 4 == 0 ? 0x00 : 0x06);
                if (bytes.Length > 14)
                {
                    bytes[14] = 0x45;
                }
            }

            SkBuff skb = hosts.Cache.Alloc(bytes.Length);
            bytes.CopyTo(skb.Put(bytes.Length));
            hosts.B.Receive(skb, hosts.Now);
        }

        long drops = Enum.GetValues<DropReason>().Sum(r => hosts.B.Drops(r));
        Assert.True(drops >= 4900, $"{drops} drops");
        hosts.RunUntil(() => false, Duration.FromSeconds(5)); // any ARP requests for garbage senders time out cleanly
    }
}
