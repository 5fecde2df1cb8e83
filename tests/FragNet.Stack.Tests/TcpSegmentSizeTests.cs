using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>How much payload a segment carries: the peer's MSS (RFC 9293 §3.7.1) less the options it carries
/// (Linux <c>tcp_current_mss</c>).</summary>
public sealed class TcpSegmentSizeTests
{
    [Fact]
    public void Data_queued_before_the_handshake_leaves_in_full_sized_segments_once_the_peers_mss_is_known()
    {
        using var link = new TcpLink();
        link.Open(); // the SYN is out; the peer's MSS is not known yet
        var data = new byte[20_000];
        new Random(5).NextBytes(data);
        Assert.Equal(data.Length, link.Client.Send(data));
        var got = new byte[data.Length];
        int n = 0;
        Assert.True(link.RunUntil(() => (n += link.Server.Receive(got.AsSpan(n))) == data.Length, Duration.FromSeconds(5)));
        Assert.Equal(data, got);

        int mss = link.Client.SendMss;
        List<int> sizes = [.. link.Log.Where(e => e.FromClient && e.Segment.PayloadLength > 0).Select(e => e.Segment.PayloadLength)];
        Assert.Equal(data.Length, sizes.Sum());
        Assert.All(sizes[..^1], size => Assert.Equal(mss, size)); // not the 536 bytes assumed before the SYN-ACK
    }

    [Fact]
    public void A_segment_carrying_sack_blocks_gives_up_payload_for_them()
    {
        using var link = new TcpLink();
        link.Open();
        Assert.True(link.RunUntil(() => link.Client.State == TcpState.Established && link.Server.State == TcpState.Established, Duration.FromSeconds(1)));
        int mss = link.Client.SendMss;

        // The server's first data segment is lost, so the client holds the second out of order and SACKs it.
        bool dropped = false;
        link.DropRule = (fromClient, seg, _) => !fromClient && seg.PayloadLength > 0 && !dropped && (dropped = true);
        link.Server.Send(new byte[2 * mss]);
        link.RunFor(Duration.FromMilliseconds(20));
        link.DropRule = (fromClient, seg, _) => !fromClient && seg.PayloadLength > 0; // the hole stays open for now
        link.Client.Send(new byte[8 * mss]);
        link.RunFor(Duration.FromMilliseconds(50));

        List<TcpRepr> withSack = [.. link.Log.Where(e => e.FromClient && e.Segment.PayloadLength > 0 && e.Segment.Options.SackBlockCount > 0).Select(e => e.Segment)];
        Assert.NotEmpty(withSack);
        Assert.All(withSack, seg => Assert.True(
            seg.PayloadLength <= mss - 4 - (8 * seg.Options.SackBlockCount),
            $"{seg.PayloadLength} bytes with {seg.Options.SackBlockCount} SACK block(s) against an MSS of {mss}"));

        link.DropRule = null;
        Assert.True(link.RunUntil(() => link.Client.SendQueued == 0 && link.Server.SendQueued == 0, Duration.FromSeconds(10)));
    }
}
