using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Stack;
using FragNet.Stack.Tcp;
using FragNet.Wire;
using FragNet.Xen.Netif;

namespace FragNet.Xen.Tests;

/// <summary>
/// The talk's point, end to end through netback: dom0 forwards a guest's TCP stream zero-copy (a splice from the
/// guest's connection to a connection towards a peer), the link to the peer loses a segment, and dom0's TCP
/// retransmits it from the guest's mapped pages. The guest's TX requests must be answered only after that
/// retransmission was acknowledged and its clone freed by the NIC — not when the guest's own connection acknowledged
/// the data, and not when the first transmission left the wire.
/// </summary>
public sealed class NetbackRetransmitTests
{
    private static readonly Ipv4Address Dom0Uplink = Ipv4Address.Parse("10.10.0.1");
    private static readonly Ipv4Address Peer = Ipv4Address.Parse("10.10.0.2");

    [Theory]
    [InlineData(NetbackMode.MapDestructor)]
    [InlineData(NetbackMode.CopyHeaderMapRest)]
    public void Destructor_driven_TX_responses_arrive_only_after_dom0s_TCP_retransmission_of_the_guests_pages_was_freed(NetbackMode mode)
    {
        using var net = new XenNetwork(new NetbackConfig { Mode = mode, HoldLimit = null });
        using var pool = new PagePool(2048, "uplink-and-peer");
        var cache = new SkbCache(pool, "uplink-and-peer");
        var link = new SimulatedLink(net.Sim, new SimulatedLinkConfig { BitsPerSecond = 1_000_000_000, Propagation = Duration.FromMicroseconds(200) },
            ("dom0-eth1", EthernetAddress.Parse("02:00:00:00:01:01"), cache, NetDeviceFeatures.ScatterGather),
            ("peer-eth0", EthernetAddress.Parse("02:00:00:00:01:02"), cache, NetDeviceFeatures.ScatterGather));
        using var uplink = new NetInterface(cache, link.A, new Ipv4Cidr(Dom0Uplink, 24), seed: 21);
        using var peer = new NetInterface(cache, link.B, new Ipv4Cidr(Peer, 24), seed: 22);
        net.Driver.Add(new SimulatedHost(net.Sim, uplink, link.A)).Add(new SimulatedHost(net.Sim, peer, link.B));
        // The first full-sized data segment dom0 sends to the peer is lost on the wire.
        link.A.Faults = new FaultInjector(3).Add(FaultRule.Loss(1.0, PacketFilter.Compile("tcp dst port 9000 and greater 1000")).AtMost(1));

        TcpListener peerListener = peer.TcpListen(9000);
        TcpSocket outbound = uplink.TcpConnect(new Ipv4Endpoint(Peer, 9000), net.Sim.Now);
        TcpSocket? peerSocket = null;
        Assert.True(net.RunUntil(() => (peerSocket ??= peerListener.Accept()) is not null && outbound.State == TcpState.Established, Duration.FromSeconds(5)));
        (TcpSocket client, TcpSocket server) = NetbackTransferTests.Connect(net);

        byte[] data = new byte[8 * 1448];
        new DeterministicPattern(17).Fill(data, 0);
        Assert.Equal(data.Length, client.Send(data));
        net.GuestStack.Flush(client, net.Sim.Now);
        var atPeer = new MemoryStream();
        byte[] buffer = new byte[65536];
        void Pump()
        {
            Splice(server, outbound);
            uplink.Flush(outbound, net.Sim.Now);
            int n;
            while ((n = peerSocket!.Receive(buffer)) > 0)
            {
                atPeer.Write(buffer, 0, n);
            }

            peer.Flush(peerSocket, net.Sim.Now);
        }

        // The guest's connection has delivered and acknowledged everything, and dom0 has forwarded it all; the
        // segment was lost, so dom0's TCP still holds the guest's pages for a retransmission.
        Assert.True(net.RunUntil(() =>
        {
            Pump();
            return client.SendQueued == 0 && server.ReceiveQueued == 0 && link.A.Faults.Frames > 0 && outbound.SendQueued > 0 && outbound.Counters.Retransmits == 0;
        }, Duration.FromMilliseconds(150)), $"sent {outbound.Counters.BytesSent}, acked {outbound.Counters.BytesAcked}, retransmits {outbound.Counters.Retransmits}");
        Assert.True(net.Back.TxInFlight > 0, "a mapped packet must stay unanswered while a retransmission may still need its pages");
        Assert.True(net.Front.TxOutstanding > 0);

        // The retransmission goes out from the same pages; only when it is acknowledged and the NIC has freed its
        // clone may netback unmap and answer.
        bool answeredAfterRetransmit = false;
        Assert.True(net.RunUntil(() =>
        {
            Pump();
            if (net.Back.TxInFlight > 0)
            {
                return false;
            }

            answeredAfterRetransmit = outbound.Counters.Retransmits > 0 && outbound.SendQueued == 0 && link.A.TxQueued == 0 && link.A.Dma.Outstanding == 0;
            return true;
        }, Duration.FromSeconds(10)));
        Assert.True(answeredAfterRetransmit, $"answered with retransmits {outbound.Counters.Retransmits}, unacked {outbound.SendQueued}, NIC holding {link.A.TxQueued}");
        Assert.True(net.RunUntil(() =>
        {
            Pump();
            return atPeer.Length == data.Length && net.Front.TxOutstanding == 0;
        }, Duration.FromSeconds(5)));
        Assert.Equal(data, atPeer.ToArray());
        Assert.True(net.Back.TxGrantMaps > 0);

        client.Abort();
        server.Abort();
        outbound.Abort();
        peerSocket!.Abort();
        net.RunFor(Duration.FromMilliseconds(50));
        Assert.Equal(net.Back.TxDestructorsCreated, net.Back.TxDestructorsRun);
        Assert.Equal(0, cache.Live);
        Assert.Equal(0, pool.Outstanding);
    }

    /// <summary>Moves everything <paramref name="from"/> received onto <paramref name="to"/>'s send queue without
    /// copying the paged part: each frag (a guest page netback mapped) is queued with its own destructor.</summary>
    private static void Splice(TcpSocket from, TcpSocket to)
    {
        while (from.PeekReceivedBuffer() is SkBuff b && to.SendSpace >= b.Len)
        {
            Assert.Null(b.FragList);
            int linear = b.Len - b.DataLen;
            if (linear > 0)
            {
                Assert.Equal(linear, to.Send(b.LinearData));
            }

            for (int i = 0; i < b.NrFrags; i++)
            {
                Assert.True(to.SendPages(b.FragPage(i), b.FragOffset(i), b.FragSize(i), b.FragDestructorOf(i)));
            }

            from.ConsumeReceived(b.Len);
        }
    }
}
