using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>SYN-SENT and SYN-RECEIVED by segment (RFC 9293 §3.10.7.3, §3.10.7.4; RFC 5961 §3).</summary>
public sealed class TcpHandshakeTests
{
    private static TcpRepr To(TcpSocket s, TcpFlags flags, uint seq, uint ack = 0) => new()
    {
        SourcePort = s.Remote.Port,
        DestinationPort = s.Local.Port,
        SequenceNumber = new TcpSeqNumber(seq),
        AcknowledgmentNumber = new TcpSeqNumber(ack),
        Flags = flags,
        WindowSize = 65535,
    };

    private static TcpLink SynSent()
    {
        var link = new TcpLink();
        link.Client.Connect(TcpLink.ClientEnd, TcpLink.ServerEnd, new TcpSeqNumber(1000), link.Now);
        TcpRepr syn = Assert.Single(link.Drain(link.Client));
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        return link;
    }

    [Fact]
    public void Syn_sent_answers_an_ack_for_something_never_sent_with_a_reset_and_stays()
    {
        using var link = SynSent();
        link.Inject(link.Client, To(link.Client, TcpFlags.Ack, 7000, ack: 5555));
        TcpRepr rst = Assert.Single(link.Drain(link.Client));
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(5555u, rst.SequenceNumber.Value); // <SEQ=SEG.ACK><CTL=RST>
        Assert.Equal(TcpState.SynSent, link.Client.State);
    }

    [Fact]
    public void Syn_sent_ignores_a_reset_without_an_acceptable_ack()
    {
        using var link = SynSent();
        link.Inject(link.Client, To(link.Client, TcpFlags.Rst, 7000));
        Assert.Empty(link.Drain(link.Client));
        Assert.Equal(TcpState.SynSent, link.Client.State);
    }

    [Fact]
    public void Syn_sent_is_refused_by_a_reset_acknowledging_its_syn()
    {
        using var link = SynSent();
        link.Inject(link.Client, To(link.Client, TcpFlags.Rst | TcpFlags.Ack, 0, ack: 1001));
        Assert.Equal(TcpState.Closed, link.Client.State);
        Assert.Equal("connection refused", link.Client.Error);
    }

    [Fact]
    public void Syn_received_resends_its_syn_ack_for_a_repeated_syn()
    {
        using var link = new TcpLink();
        TcpRepr syn = To(link.Server, TcpFlags.Syn, 1000) with { SourcePort = TcpLink.ClientEnd.Port, DestinationPort = TcpLink.ServerEnd.Port };
        link.Server.AcceptSyn(TcpLink.ServerEnd, TcpLink.ClientEnd, syn, new TcpSeqNumber(5000), link.Now);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, Assert.Single(link.Drain(link.Server)).Flags);
        link.Inject(link.Server, syn);
        TcpRepr again = Assert.Single(link.Drain(link.Server));
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, again.Flags);
        Assert.Equal(1001u, again.AcknowledgmentNumber.Value);
        Assert.Equal(TcpState.SynReceived, link.Server.State);
    }

    [Fact]
    public void Syn_received_resets_an_ack_that_does_not_acknowledge_its_syn()
    {
        using var link = new TcpLink();
        TcpRepr syn = To(link.Server, TcpFlags.Syn, 1000) with { SourcePort = TcpLink.ClientEnd.Port, DestinationPort = TcpLink.ServerEnd.Port };
        link.Server.AcceptSyn(TcpLink.ServerEnd, TcpLink.ClientEnd, syn, new TcpSeqNumber(5000), link.Now);
        link.Drain(link.Server);
        link.Inject(link.Server, To(link.Server, TcpFlags.Ack, 1001, ack: 9999));
        TcpRepr rst = Assert.Single(link.Drain(link.Server));
        Assert.Equal(TcpFlags.Rst, rst.Flags);
        Assert.Equal(9999u, rst.SequenceNumber.Value);
        Assert.Equal(TcpState.SynReceived, link.Server.State);
    }

    [Fact]
    public void Syn_received_goes_back_to_closed_on_a_reset_at_rcv_nxt()
    {
        using var link = new TcpLink();
        TcpRepr syn = To(link.Server, TcpFlags.Syn, 1000) with { SourcePort = TcpLink.ClientEnd.Port, DestinationPort = TcpLink.ServerEnd.Port };
        link.Server.AcceptSyn(TcpLink.ServerEnd, TcpLink.ClientEnd, syn, new TcpSeqNumber(5000), link.Now);
        link.Drain(link.Server);
        link.Inject(link.Server, To(link.Server, TcpFlags.Rst, 1001));
        Assert.Equal(TcpState.Closed, link.Server.State);
        Assert.Empty(link.Drain(link.Server));
    }
}
