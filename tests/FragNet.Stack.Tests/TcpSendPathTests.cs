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

    [Fact]
    public void Small_writes_each_sent_before_the_next_share_the_sockets_page_frag_and_every_page_is_back_after_close()
    {
        var config = new TcpConfig { NoDelay = true, GsoMaxSize = 0, TimeWait = Duration.FromSeconds(1) };
        using var link = new TcpLink(config, config);
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1));
        Assert.Equal(0, link.Pool.Outstanding);
        link.Log.Clear();
        int most = 0;
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(100, link.Client.Send(Enumerable.Repeat((byte)i, 100).ToArray()));
            long sent = (i + 1) * 100;
            Assert.True(link.RunUntil(() => link.Client.Counters.BytesSent == sent, Duration.FromSeconds(1))); // on the wire, not yet acknowledged
            most = Math.Max(most, link.Pool.Outstanding);
        }

        // Fifty queue buffers in flight at once, each with its own segment, on 5,000 bytes of two pages, not fifty.
        Assert.Equal(5000, link.Client.SendQueued);
        Assert.Equal(Enumerable.Repeat(100, 50), link.Log.Where(e => e.FromClient && e.Segment.PayloadLength > 0).Select(e => e.Segment.PayloadLength));
        Assert.Equal(2, most);
        Assert.Equal(2, link.Pool.Outstanding);

        var got = new byte[5000];
        int n = 0;
        Assert.True(link.RunUntil(() => (n += link.Server.Receive(got.AsSpan(n))) == got.Length, Duration.FromSeconds(5)));
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal(Enumerable.Repeat((byte)i, 100), got[(i * 100)..((i + 1) * 100)]);
        }

        link.Client.Close();
        Assert.True(link.RunUntil(() => link.Server.IsReceiveFinished, Duration.FromSeconds(5)));
        link.Server.Close();
        Assert.True(link.RunUntil(() => link.Client.State == TcpState.Closed && link.Server.State == TcpState.Closed, Duration.FromSeconds(10)));
        Assert.Equal(0, link.Pool.Outstanding);
    }

    [Fact]
    public void After_EndRecord_the_next_write_starts_a_new_segment()
    {
        using var link = new TcpLink(new TcpConfig { NoDelay = true });
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1));
        link.DropRule = (fromClient, _, _) => fromClient; // hold both writes in the queue
        Assert.Equal(300, link.Client.Send(new byte[300]));
        link.Client.EndRecord();
        Assert.Equal(200, link.Client.Send(Enumerable.Repeat((byte)7, 200).ToArray()));
        link.DropRule = null;
        link.Log.Clear();
        link.RunUntil(() => link.Client.SendQueued == 0, Duration.FromSeconds(10));

        // Each record went out as its own segment: the second begins where the first ended, never inside it.
        var data = link.Log.Where(e => e.FromClient && !e.Dropped && e.Segment.PayloadLength > 0).Select(e => e.Segment.PayloadLength).ToList();
        Assert.Equal(300, data[0]);
        Assert.Equal(200, data[1]);
    }

    [Fact]
    public void OrphanFrags_copies_lent_pages_out_of_the_queue_and_their_destructor_runs_before_any_ACK()
    {
        using var app = new UserBuffer(1, "app");
        using var link = new TcpLink();
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1));
        link.DropRule = (fromClient, _, _) => fromClient; // nothing the client sends arrives: no ACK will come
        app.Span[..1000].Fill(0xAA);
        int destroyed = 0;
        var destructor = new FragDestructor(_ => destroyed++, null, "lent");
        Assert.True(link.Client.SendPages(app[0], 0, 1000, destructor));
        destructor.Release();
        link.RunFor(Duration.FromMilliseconds(50));
        Assert.Equal(0, destroyed);

        Assert.Equal(1000, link.Client.OrphanFrags());
        link.RunFor(Duration.FromMilliseconds(50));

        Assert.Equal(1, destroyed);
        Assert.Equal(1, app[0].RefCount);
        app.Span[..1000].Fill(0x55); // the application may reuse its page: the queue holds a copy
        link.DropRule = null;
        byte[] got = new byte[1000];
        int n = 0;
        link.RunUntil(() => (n += link.Server.Receive(got.AsSpan(n))) == got.Length, Duration.FromSeconds(30));
        Assert.Equal(Enumerable.Repeat((byte)0xAA, 1000), got);
    }
}
