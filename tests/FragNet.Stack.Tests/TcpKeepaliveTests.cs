using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>RFC 9293 §3.8.4 keepalive.</summary>
public sealed class TcpKeepaliveTests
{
    private static TcpConfig Keepalive => new() { GsoMaxSize = 0, KeepaliveIdle = Duration.FromSeconds(10), KeepaliveInterval = Duration.FromSeconds(2), KeepaliveProbes = 3 };

    [Fact]
    public void An_idle_connection_is_probed_and_a_live_peer_keeps_it_open()
    {
        using var link = new TcpLink(client: Keepalive);
        link.Open();
        link.RunUntil(() => link.Server.State == TcpState.Established, Duration.FromSeconds(1));
        int before = link.Log.Count;
        link.RunFor(Duration.FromSeconds(35));
        Assert.Equal(TcpState.Established, link.Client.State);
        int probes = link.Log.Skip(before).Count(e => e.FromClient && e.Segment.PayloadLength == 0);
        Assert.InRange(probes, 3, 4); // one every 10 s of idleness, each answered
    }

    [Fact]
    public void A_silent_peer_is_declared_dead_after_the_probe_count()
    {
        using var link = new TcpLink(client: Keepalive);
        link.Open();
        link.RunUntil(() => link.Server.State == TcpState.Established, Duration.FromSeconds(1));
        link.DropRule = (fromClient, _, _) => !fromClient; // the server vanishes
        link.RunFor(Duration.FromSeconds(10 + (2 * 3) + 1));
        Assert.Equal(TcpState.Closed, link.Client.State);
        Assert.Contains("keepalive", link.Client.Error, StringComparison.Ordinal);
    }
}
