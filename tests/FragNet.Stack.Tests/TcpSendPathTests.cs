using FragNet.Buffers;
using FragNet.Stack.Tcp;

namespace FragNet.Stack.Tests;

/// <summary>The copy path's use of pages.</summary>
public sealed class TcpSendPathTests
{
    [Fact]
    public void Small_writes_share_the_last_page_instead_of_taking_one_each()
    {
        using var link = new TcpLink();
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1));
        link.DropRule = (fromClient, _, _) => fromClient; // keep everything queued on the sender
        var data = new byte[100];
        int before = link.Pool.Outstanding;
        for (int i = 0; i < 100; i++)
        {
            new Random(i).NextBytes(data);
            Assert.Equal(100, link.Client.Send(data));
        }

        Assert.Equal(10_000, link.Client.SendQueued);
        Assert.InRange(link.Pool.Outstanding - before, 3, 4); // 10,000 bytes: three pages, not a hundred
        link.DropRule = null;
        var got = new byte[10_000];
        int n = 0;
        link.RunUntil(() => (n += link.Server.Receive(got.AsSpan(n))) == got.Length, Duration.FromSeconds(10));
        for (int i = 0; i < 100; i++)
        {
            new Random(i).NextBytes(data);
            Assert.Equal(data, got[(i * 100)..((i + 1) * 100)]);
        }
    }
}
