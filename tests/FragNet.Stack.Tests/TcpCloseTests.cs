using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>Closing by state (RFC 9293 §3.6): half-close, a lost FIN, abort.</summary>
public sealed class TcpCloseTests
{
    private static TcpLink Established()
    {
        var link = new TcpLink();
        link.Open();
        Assert.True(link.RunUntil(() => link.Client.State == TcpState.Established && link.Server.State == TcpState.Established, Duration.FromSeconds(1)));
        return link;
    }

    [Fact]
    public void After_a_half_close_the_other_side_still_sends_and_fin_wait_2_receives_it()
    {
        using var link = Established();
        link.Client.Close();
        link.RunUntil(() => link.Client.State == TcpState.FinWait2, Duration.FromSeconds(1));
        Assert.Equal(TcpState.CloseWait, link.Server.State);
        Assert.Equal(0, link.Client.SendSpace); // the client's sending side is closed
        var data = new byte[20_000];
        new Random(2).NextBytes(data);
        Assert.Equal(data.Length, link.Server.Send(data));
        var got = new byte[data.Length];
        int n = 0;
        Assert.True(link.RunUntil(() => (n += link.Client.Receive(got.AsSpan(n))) == data.Length, Duration.FromSeconds(5)));
        Assert.Equal(data, got);
        link.Server.Close();
        link.RunUntil(() => link.Server.State == TcpState.Closed, Duration.FromSeconds(1));
        Assert.Equal(TcpState.TimeWait, link.Client.State);
    }

    [Fact]
    public void A_lost_fin_from_last_ack_is_retransmitted_until_acknowledged()
    {
        using var link = Established();
        link.Client.Close();
        link.RunUntil(() => link.Server.State == TcpState.CloseWait, Duration.FromSeconds(1));
        int finsDropped = 0;
        link.DropRule = (fromClient, seg, _) =>
        {
            if (fromClient || (seg.Flags & TcpFlags.Fin) == 0 || finsDropped == 2)
            {
                return false;
            }

            finsDropped++;
            return true;
        };
        link.Server.Close();
        Assert.Equal(TcpState.LastAck, link.Server.State);
        Assert.True(link.RunUntil(() => link.Server.State == TcpState.Closed, Duration.FromSeconds(10)));
        Assert.Equal(2, finsDropped);
        Assert.Equal(2, link.Server.Counters.Timeouts);
        Assert.Equal(3, link.Log.Count(e => !e.FromClient && (e.Segment.Flags & TcpFlags.Fin) != 0));
        Assert.Equal(TcpState.TimeWait, link.Client.State);
    }

    [Fact]
    public void Abort_sends_a_reset_that_closes_the_peer_and_frees_both_queues()
    {
        using var link = Established();
        Assert.Equal(1000, link.Client.Send(new byte[1000]));
        link.Client.Abort();
        Assert.Equal(TcpState.Closed, link.Client.State);
        Assert.Equal(0, link.Client.SendQueued);
        link.RunUntil(() => link.Server.State == TcpState.Closed, Duration.FromSeconds(1));
        Assert.Equal(TcpState.Closed, link.Server.State);
        Assert.Contains("reset", link.Server.Error, StringComparison.Ordinal);
        Assert.Contains(link.Log, e => e.FromClient && (e.Segment.Flags & TcpFlags.Rst) != 0);
    }

    [Fact]
    public void Time_wait_answers_a_retransmitted_fin_with_an_ack_and_restarts_its_timer()
    {
        using var link = Established();
        link.Client.Close();
        link.RunUntil(() => link.Server.State == TcpState.CloseWait, Duration.FromSeconds(1));
        link.Server.Close();
        link.RunUntil(() => link.Client.State == TcpState.TimeWait, Duration.FromSeconds(1));
        TcpRepr fin = link.Log.Last(e => !e.FromClient && (e.Segment.Flags & TcpFlags.Fin) != 0).Segment;
        link.RunFor(Duration.FromSeconds(30));
        link.Inject(link.Client, fin);
        TcpRepr ack = Assert.Single(link.Drain(link.Client));
        Assert.Equal(TcpFlags.Ack, ack.Flags);
        Assert.Equal(fin.SequenceNumber + 1, ack.AcknowledgmentNumber);
        link.RunFor(Duration.FromSeconds(45)); // 75 s after entering TIME-WAIT, 45 s after the restart
        Assert.Equal(TcpState.TimeWait, link.Client.State);
        link.RunFor(Duration.FromSeconds(16));
        Assert.Equal(TcpState.Closed, link.Client.State);
    }
}
