using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>Segment-level checks on an established connection: send one segment, expect exactly these segments.</summary>
public sealed class TcpSegmentTests
{
    /// <summary>An established pair with nothing left to send (smoltcp's socket_established fixture).</summary>
    private static TcpLink Established()
    {
        var link = new TcpLink();
        link.Open();
        Assert.True(link.RunUntil(() => link.Client.State == TcpState.Established && link.Server.State == TcpState.Established, Duration.FromSeconds(1)));
        link.RunFor(Duration.FromMilliseconds(100));
        return link;
    }

    /// <summary>The server's view: its RCV.NXT is the last ACK number the server sent.</summary>
    private static TcpRepr FromClient(TcpLink link, TcpFlags flags, int seqOffset = 0)
    {
        TcpRepr lastClient = link.Log.Last(e => e.FromClient).Segment;
        TcpRepr lastServer = link.Log.Last(e => !e.FromClient).Segment;
        return new TcpRepr
        {
            SourcePort = TcpLink.ClientEnd.Port,
            DestinationPort = TcpLink.ServerEnd.Port,
            SequenceNumber = lastServer.AcknowledgmentNumber + seqOffset,
            AcknowledgmentNumber = lastClient.AcknowledgmentNumber,
            Flags = flags,
            WindowSize = lastClient.WindowSize,
        };
    }

    [Fact]
    public void Rfc5961_3_2_a_reset_exactly_at_rcv_nxt_closes_the_connection()
    {
        using var link = Established();
        link.Inject(link.Server, FromClient(link, TcpFlags.Rst));
        Assert.Equal(TcpState.Closed, link.Server.State);
        Assert.Contains("reset", link.Server.Error, StringComparison.Ordinal);
        Assert.Empty(link.Drain(link.Server));
    }

    [Fact]
    public void Rfc5961_3_2_an_in_window_reset_not_at_rcv_nxt_draws_a_challenge_ack()
    {
        using var link = Established();
        link.Inject(link.Server, FromClient(link, TcpFlags.Rst, seqOffset: 100));
        Assert.Equal(TcpState.Established, link.Server.State);
        List<TcpRepr> sent = link.Drain(link.Server);
        TcpRepr ack = Assert.Single(sent);
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(1, link.Server.Counters.ChallengeAcks);
    }

    [Fact]
    public void Rfc5961_4_2_a_syn_on_an_established_connection_draws_a_challenge_ack_not_a_reset()
    {
        using var link = Established();
        link.Inject(link.Server, FromClient(link, TcpFlags.Syn));
        Assert.Equal(TcpState.Established, link.Server.State);
        TcpRepr ack = Assert.Single(link.Drain(link.Server));
        Assert.Equal(TcpFlags.Ack, ack.Flags);
    }

    [Fact]
    public void Rfc9293_3_10_7_4_a_segment_outside_the_window_is_dropped_and_acknowledged()
    {
        using var link = Established();
        link.Inject(link.Server, FromClient(link, TcpFlags.Ack | TcpFlags.Psh, seqOffset: 1 << 30), [1, 2, 3]);
        TcpRepr ack = Assert.Single(link.Drain(link.Server));
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(0, link.Server.ReceiveQueued);
        Assert.Equal(1, link.Server.Counters.Unacceptable);
    }

    [Fact]
    public void Rfc9293_3_10_7_4_an_ack_for_data_never_sent_is_answered_with_an_ack_and_ignored()
    {
        using var link = Established();
        TcpRepr seg = FromClient(link, TcpFlags.Ack);
        link.Inject(link.Server, seg with { AcknowledgmentNumber = seg.AcknowledgmentNumber + 5000 });
        Assert.Single(link.Drain(link.Server));
        Assert.Equal(TcpState.Established, link.Server.State);
    }

    [Fact]
    public void Rfc5681_4_2_out_of_order_data_is_acknowledged_at_once_with_a_duplicate_ack()
    {
        using var link = Established();
        TcpRepr seg = FromClient(link, TcpFlags.Ack, seqOffset: 100);
        link.Inject(link.Server, seg, new byte[50]);
        TcpRepr ack = Assert.Single(link.Drain(link.Server));
        Assert.Equal(seg.SequenceNumber - 100, ack.AcknowledgmentNumber);
        Assert.Equal(0, link.Server.ReceiveQueued);
        link.Inject(link.Server, seg with { SequenceNumber = seg.SequenceNumber - 100 }, new byte[100]);
        Assert.Equal(150, link.Server.ReceiveQueued); // the hole filled: both pieces readable
        TcpRepr after = Assert.Single(link.Drain(link.Server)); // ACK at once when a hole is filled
        Assert.Equal(seg.SequenceNumber + 50, after.AcknowledgmentNumber);
    }

    [Fact]
    public void Rfc9293_3_8_6_3_a_single_small_segment_is_acknowledged_after_the_delayed_ack_timeout()
    {
        using var link = Established();
        link.Inject(link.Server, FromClient(link, TcpFlags.Ack | TcpFlags.Psh), new byte[10]);
        Assert.Empty(link.Drain(link.Server));
        Instant due = link.Server.PollAt();
        Assert.True(due - link.Now <= Duration.FromMilliseconds(200));
        link.Advance(due - link.Now);
        link.Server.Poll(link.Now);
        Assert.Single(link.Drain(link.Server));
    }

    [Fact]
    public void Rfc9293_3_10_7_4_a_fin_moves_established_to_close_wait_and_is_acknowledged()
    {
        using var link = Established();
        TcpRepr fin = FromClient(link, TcpFlags.Fin | TcpFlags.Ack);
        link.Inject(link.Server, fin);
        Assert.Equal(TcpState.CloseWait, link.Server.State);
        TcpRepr ack = Assert.Single(link.Drain(link.Server));
        Assert.Equal(fin.SequenceNumber + 1, ack.AcknowledgmentNumber);
    }

    [Fact]
    public void Rfc5961_7_challenge_acks_are_rate_limited_per_second()
    {
        using var link = Established();
        for (int i = 0; i < 1500; i++)
        {
            link.Inject(link.Server, FromClient(link, TcpFlags.Syn));
            link.Drain(link.Server);
        }

        Assert.Equal(1000, link.Server.Counters.ChallengeAcks);
        Assert.Equal(500, link.Server.Counters.ChallengeAcksSuppressed);
        link.Advance(Duration.FromSeconds(1));
        link.Inject(link.Server, FromClient(link, TcpFlags.Syn));
        Assert.Single(link.Drain(link.Server)); // a new second, a new allowance
        Assert.Equal(TcpState.Established, link.Server.State);
    }
}
