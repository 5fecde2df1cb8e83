using FragNet.Buffers;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>The ICMP echo sender (ping's half): requests leave with the caller's identifier, sequence number and data;
/// replies come back with the time their frame arrived. The other host's responder answers.</summary>
public sealed class EchoSenderTests
{
    private static readonly Ipv4Address B = Ipv4Address.Parse("10.1.0.2");

    [Fact]
    public void A_request_waits_for_arp_then_its_reply_reports_identifier_sequence_data_ttl_and_arrival_time()
    {
        using var hosts = new TwoHosts();
        byte[] data = [0xde, 0xad, 0xbe, 0xef, 1, 2, 3];
        hosts.A.SendEchoRequest(B, 0x4242, 1, data, hosts.Now);
        Assert.Equal(ArpOperation.Request, (ArpOperation)hosts.DevA.Frames[0][21]); // queued behind ARP, not lost

        EchoReply reply = default;
        Assert.True(hosts.RunUntil(() => hosts.A.TryTakeEchoReply(out reply), Duration.FromSeconds(2)));
        Assert.Equal(B, reply.Source);
        Assert.Equal((ushort)0x4242, reply.Identifier);
        Assert.Equal((ushort)1, reply.SequenceNumber);
        Assert.Equal(Ipv4Repr.DefaultTimeToLive, reply.TimeToLive);
        Assert.Equal(data, reply.Data.ToArray());
        // Four one-way delays: ARP request, ARP reply, echo request, echo reply.
        Assert.Equal(Instant.Zero + (hosts.Delay * 4), reply.ReceivedAt);
        Assert.Equal(1, hosts.A.EchoRequestsSent);
        Assert.Equal(1, hosts.B.EchoRepliesSent);
        Assert.False(hosts.A.TryTakeEchoReply(out _));
    }

    [Fact]
    public void Replies_come_back_in_order_one_per_request_with_their_own_sequence_numbers()
    {
        using var hosts = new TwoHosts();
        for (ushort seq = 1; seq <= 5; seq++)
        {
            hosts.A.SendEchoRequest(B, 7, seq, [(byte)seq], hosts.Now);
        }

        var replies = new List<EchoReply>();
        Assert.True(hosts.RunUntil(() =>
        {
            while (hosts.A.TryTakeEchoReply(out EchoReply r))
            {
                replies.Add(r);
            }

            return replies.Count == 5;
        }, Duration.FromSeconds(2)));
        Assert.Equal([1, 2, 3, 4, 5], replies.Select(r => (int)r.SequenceNumber));
        Assert.All(replies, r => Assert.Equal([(byte)r.SequenceNumber], r.Data.ToArray()));
    }

    [Fact]
    public void A_request_larger_than_the_mtu_is_fragmented_and_its_reassembled_reply_carries_all_the_data()
    {
        using var hosts = new TwoHosts();
        byte[] data = new byte[4000];
        new Random(5).NextBytes(data);
        hosts.A.SendEchoRequest(B, 9, 1, data, hosts.Now);

        EchoReply reply = default;
        Assert.True(hosts.RunUntil(() => hosts.A.TryTakeEchoReply(out reply), Duration.FromSeconds(2)));
        Assert.Equal(data, reply.Data.ToArray());
        Assert.True(hosts.DevA.Frames.Count(f => f.Length > 1000) >= 3, "the 4000-byte request should leave in three fragments");
    }

    [Fact]
    public void Replies_nobody_takes_are_bounded_and_the_excess_is_a_counted_drop()
    {
        using var hosts = new TwoHosts();
        hosts.A.SendEchoRequest(B, 1, 0, [], hosts.Now); // resolve ARP first: its pending queue has its own bound
        Assert.True(hosts.RunUntil(() => hosts.A.TryTakeEchoReply(out _), Duration.FromSeconds(2)));
        int extra = 3;
        for (int i = 0; i < NetInterface.EchoReplyQueueLimit + extra; i++)
        {
            hosts.A.SendEchoRequest(B, 1, (ushort)i, [], hosts.Now);
        }

        Assert.True(hosts.RunUntil(() => hosts.A.EchoRepliesReceived == 1 + NetInterface.EchoReplyQueueLimit + extra, Duration.FromSeconds(5)));
        Assert.Equal(extra, hosts.A.Drops(DropReason.QueueFull));
        int taken = 0;
        while (hosts.A.TryTakeEchoReply(out _))
        {
            taken++;
        }

        Assert.Equal(NetInterface.EchoReplyQueueLimit, taken);
    }

    [Fact]
    public void Echo_data_longer_than_an_ip_datagram_can_carry_is_refused_as_misuse()
    {
        using var hosts = new TwoHosts();
        Assert.Throws<ArgumentOutOfRangeException>(() => hosts.A.SendEchoRequest(B, 1, 1, new byte[NetInterface.MaxEchoDataLength + 1], hosts.Now));
    }
}
