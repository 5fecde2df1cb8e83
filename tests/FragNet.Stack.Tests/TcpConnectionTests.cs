using FragNet.Buffers;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>Whole connections over a virtual wire: handshake, transfer, loss recovery, close, zero-copy release.</summary>
public sealed class TcpConnectionTests
{
    private static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    [Fact]
    public void The_three_way_handshake_negotiates_mss_window_scale_and_timestamps()
    {
        using var link = new TcpLink(server: new TcpConfig { Mss = 1200, GsoMaxSize = 0 });
        link.Open();
        Assert.True(link.RunUntil(() => link.Client.State == TcpState.Established && link.Server.State == TcpState.Established, Duration.FromSeconds(1)));
        TcpRepr syn = link.Log[0].Segment;
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        Assert.Equal((ushort)1460, syn.Options.MaxSegmentSize);
        Assert.NotNull(syn.Options.WindowScale);
        Assert.NotNull(syn.Options.Timestamp);
        TcpRepr synAck = link.Log[1].Segment;
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        Assert.Equal(syn.SequenceNumber + 1, synAck.AcknowledgmentNumber);
        Assert.Equal(1200 - 12, link.Client.SendMss); // the smaller of the two, less the timestamp option
        Assert.Equal(1200 - 12, link.Server.SendMss);
        Assert.Equal(TcpFlags.Ack, link.Log[2].Segment.Flags);
    }

    [Fact]
    public void A_megabyte_arrives_intact_and_in_order()
    {
        using var link = new TcpLink();
        link.Open();
        byte[] data = Pattern(1 << 20, 1);
        byte[] got = link.Transfer(data, Duration.FromSeconds(30));
        Assert.Equal(data, got);
        Assert.Equal(0, link.Client.Counters.Retransmits);
        Assert.True(link.Client.SmoothedRtt >= Duration.FromMilliseconds(10)); // 2 × 5 ms one-way
    }

    [Fact]
    public void One_lost_segment_is_recovered_by_fast_retransmit_without_a_timeout()
    {
        using var link = new TcpLink();
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1));
        bool dropped = false;
        link.DropRule = (fromClient, seg, _) =>
        {
            if (fromClient && seg.PayloadLength > 0 && !dropped && seg.SequenceNumber.Value > 1000 + 50_000)
            {
                dropped = true;
                return true;
            }

            return false;
        };
        byte[] data = Pattern(300_000, 2);
        Assert.Equal(data, link.Transfer(data, Duration.FromSeconds(30)));
        Assert.True(dropped);
        Assert.Equal(1, link.Client.Counters.FastRetransmits);
        Assert.Equal(0, link.Client.Counters.Timeouts);
        Assert.True(link.Client.Counters.Retransmits >= 1);
    }

    [Fact]
    public void A_lost_tail_is_recovered_by_the_retransmission_timer()
    {
        using var link = new TcpLink();
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1));
        int drops = 0;
        link.DropRule = (fromClient, seg, _) => fromClient && seg.PayloadLength > 0 && drops++ < 1;
        byte[] data = Pattern(500, 3); // one small segment: no duplicate ACKs can follow it
        Assert.Equal(data, link.Transfer(data, Duration.FromSeconds(30)));
        Assert.Equal(1, link.Client.Counters.Timeouts);
        Assert.Equal(0, link.Client.Counters.FastRetransmits);
    }

    [Theory]
    [InlineData(1, 0.02)]
    [InlineData(2, 0.05)]
    [InlineData(3, 0.10)]
    [InlineData(4, 0.20)]
    public void Random_loss_in_both_directions_still_delivers_every_byte_once_in_order(int seed, double loss)
    {
        using var link = new TcpLink();
        var rng = new Random(seed);
        link.DropRule = (_, seg, _) => (seg.Flags & TcpFlags.Syn) == 0 && rng.NextDouble() < loss;
        link.Open();
        byte[] data = Pattern(200_000, seed);
        // Virtual time, so the limit costs nothing: at 20 % loss each way, an ACK lost at a flight's tail costs a
        // retransmission timeout, and the next ACK echoes the timestamp of the segment sent before it (RFC 7323 §3.4),
        // so the RTT sample includes the wait; the RTO grows to tens of seconds before it settles. Seed 4 needs over 10 min.
        byte[] got = link.Transfer(data, Duration.FromSeconds(3600));
        Assert.True(data.Length == got.Length, $"{got.Length} of {data.Length}; client {link.Client.State} {link.Client.Error} rto {link.Client.Rto} timeouts {link.Client.Counters.Timeouts}; server {link.Server.State} {link.Server.Error}");
        Assert.Equal(data, got);
    }

    [Fact]
    public void Close_walks_both_ends_through_the_rfc_states_and_time_wait_expires_after_2msl()
    {
        using var link = new TcpLink();
        link.Open();
        byte[] data = Pattern(10_000, 4);
        Assert.Equal(data, link.Transfer(data, Duration.FromSeconds(5)));
        link.Client.Close();
        Assert.Equal(TcpState.FinWait1, link.Client.State);
        link.RunUntil(() => link.Server.State == TcpState.CloseWait, Duration.FromSeconds(1));
        Assert.True(link.Server.IsReceiveFinished);
        link.RunUntil(() => link.Client.State == TcpState.FinWait2, Duration.FromSeconds(1));
        link.Server.Close();
        Assert.Equal(TcpState.LastAck, link.Server.State);
        link.RunUntil(() => link.Server.State == TcpState.Closed, Duration.FromSeconds(1));
        Assert.Equal(TcpState.TimeWait, link.Client.State);
        Assert.Null(link.Server.Error);
        link.RunFor(Duration.FromSeconds(59));
        Assert.Equal(TcpState.TimeWait, link.Client.State);
        link.RunFor(Duration.FromSeconds(2));
        Assert.Equal(TcpState.Closed, link.Client.State);
    }

    [Fact]
    public void Simultaneous_close_passes_through_closing_to_time_wait_on_both_ends()
    {
        using var link = new TcpLink();
        link.Open();
        link.RunUntil(() => link.Server.State == TcpState.Established, Duration.FromSeconds(1));
        link.Client.Close();
        link.Server.Close();
        link.RunUntil(() => link.Client.State == TcpState.TimeWait && link.Server.State == TcpState.TimeWait, Duration.FromSeconds(2));
        Assert.Equal(TcpState.TimeWait, link.Client.State);
        Assert.Equal(TcpState.TimeWait, link.Server.State);
    }

    [Fact]
    public void Zero_copy_pages_are_released_when_acked_and_the_nic_let_go_not_when_sent()
    {
        using var link = new TcpLink();
        using var app = new UserBuffer(4, "app");
        app.Span.Fill(0xAA);
        int runs = 0;
        Instant destroyedAt = Instant.MaxValue;
        var d = new FragDestructor(_ =>
        {
            runs++;
            destroyedAt = link.Now;
        }, null, "write");
        link.HoldPayloadInFlight = true;
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1));
        for (int i = 0; i < 4; i++)
        {
            Assert.True(link.Client.SendPages(app[i], 0, Page.Size, d));
        }

        d.Release();
        Instant start = link.Now;
        var buffer = new byte[Page.Size * 4];
        int got = 0;
        link.RunUntil(() =>
        {
            got += link.Server.Receive(buffer.AsSpan(got));
            return runs == 1;
        }, Duration.FromSeconds(5));
        Assert.Equal(1, runs);
        Assert.Equal(buffer.Length, got + link.Server.Receive(buffer.AsSpan(got)));
        Assert.True(buffer.AsSpan().IndexOfAnyExcept((byte)0xAA) < 0);
        Assert.True(destroyedAt - start >= Duration.FromMilliseconds(10)); // at least one round trip: ACK time, not send time
        Assert.Equal(0, app.PagesInUse);
    }

    [Fact]
    public void A_retransmission_still_holds_lent_pages_after_the_first_transmission_completed()
    {
        // The talk's bug: the first WRITE was sent and its NIC completion happened, yet a retransmission of the same
        // bytes must still reference the application's page, so the page may not be released until the ACK.
        using var link = new TcpLink();
        using var app = new UserBuffer(1, "app");
        app.Span.Fill(0xAA);
        int runs = 0;
        var d = new FragDestructor(_ => runs++, null, "write");
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1));
        int drops = 0;
        link.DropRule = (fromClient, seg, _) => fromClient && seg.PayloadLength > 0 && drops++ < 1;
        Assert.True(link.Client.SendPages(app[0], 0, 1000, d));
        d.Release();
        link.RunFor(Duration.FromMilliseconds(50)); // sent, dropped, not yet retransmitted
        Assert.Equal(0, runs);
        Assert.Equal(2, app[0].RefCount); // the send queue still holds it
        var got = new byte[1000];
        link.RunUntil(() => runs == 1, Duration.FromSeconds(5));
        Assert.Equal(1000, link.Server.Receive(got));
        Assert.True(got.AsSpan().IndexOfAnyExcept((byte)0xAA) < 0);
        Assert.Equal(1, link.Client.Counters.Timeouts);
    }

    [Fact]
    public void Data_flows_both_ways_at_once()
    {
        using var link = new TcpLink();
        link.Open();
        byte[] up = Pattern(100_000, 5);
        byte[] down = Pattern(80_000, 6);
        int upSent = 0, downSent = 0;
        var upGot = new List<byte>();
        var downGot = new List<byte>();
        var buf = new byte[8192];
        link.RunUntil(() =>
        {
            upSent += link.Client.Send(up.AsSpan(upSent));
            downSent += link.Server.Send(down.AsSpan(downSent));
            int n;
            while ((n = link.Server.Receive(buf)) > 0)
            {
                upGot.AddRange(buf.AsSpan(0, n));
            }

            while ((n = link.Client.Receive(buf)) > 0)
            {
                downGot.AddRange(buf.AsSpan(0, n));
            }

            return upGot.Count == up.Length && downGot.Count == down.Length;
        }, Duration.FromSeconds(10));
        Assert.Equal(up, upGot.ToArray());
        Assert.Equal(down, downGot.ToArray());
    }

    [Fact]
    public void A_connect_to_nobody_times_out_after_the_syn_retries()
    {
        using var link = new TcpLink(client: new TcpConfig { MaxSynRetransmissions = 3, GsoMaxSize = 0 });
        link.DropRule = (fromClient, _, _) => fromClient;
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Closed, Duration.FromSeconds(120));
        Assert.Equal(TcpState.Closed, link.Client.State);
        Assert.Contains("timed out", link.Client.Error, StringComparison.Ordinal);
        Assert.Equal(4, link.Log.Count(e => e.FromClient && e.Segment.Flags == TcpFlags.Syn)); // 1 + 3 retries
    }
}
