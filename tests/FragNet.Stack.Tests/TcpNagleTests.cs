using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>RFC 9293 §3.7.4 (Nagle) in Minshall's form, as Linux's <c>tcp_nagle_check</c> applies it: a segment shorter
/// than the MSS waits only while another short segment is unacknowledged.</summary>
public sealed class TcpNagleTests
{
    [Fact]
    public void A_writes_short_tail_follows_its_full_segment_at_once_and_a_second_short_segment_waits_for_the_first_to_be_acknowledged()
    {
        var config = new TcpConfig { GsoMaxSize = 0, Timestamps = false };
        using var link = new TcpLink(config, config);
        link.Open();
        Assert.True(link.RunUntil(() => link.Client.State == TcpState.Established && link.Server.State == TcpState.Established, Duration.FromSeconds(1)));
        int mss = link.Client.SendMss;
        TcpRepr lastFromServer = link.Log.Last(e => !e.FromClient).Segment;

        Assert.Equal(mss + 100, link.Client.Send(new byte[mss + 100]));
        List<TcpRepr> first = link.Drain(link.Client);
        Assert.Equal([mss, 100], first.Select(s => s.PayloadLength));  // full-sized data in flight does not hold the tail

        Assert.Equal(50, link.Client.Send(new byte[50]));
        Assert.Empty(link.Drain(link.Client));                         // the 100-byte segment is still unacknowledged

        TcpSeqNumber serverNext = lastFromServer.SequenceNumber + ((lastFromServer.Flags & TcpFlags.Syn) != 0 ? 1 : 0) + lastFromServer.PayloadLength;
        TcpRepr ack = lastFromServer with { Flags = TcpFlags.Ack, SequenceNumber = serverNext, AcknowledgmentNumber = first[1].SequenceNumber + 100, Options = default };
        link.Inject(link.Client, ack);
        TcpRepr second = Assert.Single(link.Drain(link.Client));
        Assert.Equal(50, second.PayloadLength);
        Assert.Equal(first[1].SequenceNumber + 100, second.SequenceNumber);

        link.Inject(link.Client, ack with { AcknowledgmentNumber = second.SequenceNumber + 50 });
        Assert.Equal(0, link.Client.SendQueued);
    }

    [Fact]
    public void With_no_delay_every_short_segment_goes_at_once()
    {
        var config = new TcpConfig { GsoMaxSize = 0, Timestamps = false, NoDelay = true };
        using var link = new TcpLink(config, config);
        link.Open();
        Assert.True(link.RunUntil(() => link.Client.State == TcpState.Established && link.Server.State == TcpState.Established, Duration.FromSeconds(1)));
        link.Client.Send(new byte[100]);
        Assert.Equal([100], link.Drain(link.Client).Select(s => s.PayloadLength));
        link.Client.Send(new byte[50]);
        Assert.Equal([50], link.Drain(link.Client).Select(s => s.PayloadLength));
        link.RunFor(Duration.FromSeconds(1)); // the drained segments never arrived: retransmitted and acknowledged
        Assert.Equal(0, link.Client.SendQueued);
    }
}
