using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>RFC 2018 selective acknowledgments and RFC 6675 loss recovery.</summary>
public sealed class TcpSackTests
{
    private static bool DropThree(bool fromClient, TcpRepr seg, HashSet<uint> dropped)
    {
        // Lose the 20th, 23rd and 26th data segments once each: three holes in one window.
        if (!fromClient || seg.PayloadLength == 0)
        {
            return false;
        }

        uint index = (seg.SequenceNumber.Value - 1001) / 1448;
        return index is 20 or 23 or 26 && dropped.Add(index);
    }

    [Fact]
    public void Sack_is_negotiated_and_acks_for_out_of_order_data_carry_blocks()
    {
        using var link = new TcpLink();
        var dropped = new HashSet<uint>();
        link.DropRule = (c, s, _) => DropThree(c, s, dropped);
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1));
        Assert.True(link.Log[0].Segment.Options.SackPermitted);
        Assert.True(link.Log[1].Segment.Options.SackPermitted);
        var data = new byte[100_000];
        Assert.Equal(data, link.Transfer(data, Duration.FromSeconds(30)));
        TcpRepr withBlocks = link.Log.First(e => !e.FromClient && e.Segment.Options.SackBlockCount > 0).Segment;
        TcpSackBlock first = withBlocks.Options.GetSackBlock(0);
        Assert.True(first.Left > withBlocks.AcknowledgmentNumber);
        Assert.True(link.Log.Where(e => !e.FromClient).All(e => e.Segment.Options.SackBlockCount <= 3));
    }

    [Fact]
    public void Three_holes_in_one_window_are_repaired_in_one_recovery_without_a_timeout_or_spurious_resends()
    {
        using var link = new TcpLink();
        var dropped = new HashSet<uint>();
        link.DropRule = (c, s, _) => DropThree(c, s, dropped);
        link.Open();
        var data = new byte[200_000];
        new Random(5).NextBytes(data);
        Assert.Equal(data, link.Transfer(data, Duration.FromSeconds(30)));
        Assert.Equal(3, dropped.Count);
        Assert.Equal(0, link.Client.Counters.Timeouts);
        Assert.Equal(1, link.Client.Counters.FastRetransmits);
        Assert.Equal(3, link.Client.Counters.Retransmits); // exactly the lost segments: SACKed data is not resent
    }

    [Fact]
    public void Without_sack_the_same_losses_are_repaired_by_newreno_one_hole_per_round_trip()
    {
        var noSack = new TcpConfig { GsoMaxSize = 0, Sack = false };
        using var link = new TcpLink(noSack, noSack);
        var dropped = new HashSet<uint>();
        link.DropRule = (c, s, _) => DropThree(c, s, dropped);
        link.Open();
        Assert.False(link.Log[0].Segment.Options.SackPermitted);
        var data = new byte[200_000];
        Assert.Equal(data, link.Transfer(data, Duration.FromSeconds(30)));
        Assert.Equal(0, link.Client.Counters.Timeouts);
        Assert.Equal(3, link.Client.Counters.Retransmits); // NewReno partial ACKs resend each hole once
        Assert.True(link.Log.All(e => e.Segment.Options.SackBlockCount == 0));
    }
}
