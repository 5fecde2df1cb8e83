using FragNet.Buffers;
using FragNet.Stack.Tcp;

namespace FragNet.Stack.Tests;

/// <summary>
/// <see cref="TcpSocket.SendPages(ReadOnlySpan{Page}, int, int, FragDestructor?)"/>: a caller's memory across
/// consecutive pages, sent zero-copy, leaves in queue buffers that end at the size goal and whole segments.
/// </summary>
public sealed class TcpSendPageRunTests
{
    /// <summary>Bytes that differ at every offset of a page, so a piece taken from the wrong place does not pass.</summary>
    private static void FillByPosition(UserBuffer app)
    {
        Span<byte> all = app.Span;
        for (int i = 0; i < all.Length; i++)
        {
            all[i] = (byte)((i * 13) + (i / Page.Size));
        }
    }

    private static Page[] Pages(UserBuffer app) => [.. Enumerable.Range(0, app.PageCount).Select(i => app[i])];

    /// <summary>A link whose both ends segment in the device (GsoMaxSize left at its default), established.</summary>
    private static TcpLink EstablishedWithGso()
    {
        var link = new TcpLink(new TcpConfig(), new TcpConfig());
        link.Open();
        Assert.True(link.RunUntil(() => link.Client.State == TcpState.Established && link.Server.State == TcpState.Established, Duration.FromSeconds(1)));
        return link;
    }

    /// <summary>Reads everything the server has into <paramref name="got"/> from <paramref name="n"/>; true once full.</summary>
    private static bool ReadInto(TcpLink link, byte[] got, ref int n)
    {
        n += link.Server.Receive(got.AsSpan(n));
        return n == got.Length;
    }

    [Fact]
    public void A_page_run_arrives_exactly_and_its_destructor_runs_once_after_the_ACK_and_the_last_transmission_are_gone()
    {
        using var app = new UserBuffer(4, "app");
        FillByPosition(app);
        using TcpLink link = EstablishedWithGso();
        link.HoldPayloadInFlight = true; // a transmission keeps the pages until it is delivered
        bool firstDelayed = false;
        link.DelayRule = (fromClient, seg, _) =>
        {
            if (!fromClient || seg.PayloadLength == 0 || firstDelayed)
            {
                return Duration.Zero;
            }

            firstDelayed = true;
            return Duration.FromSeconds(3); // the first transmission outlives its retransmission's ACK
        };
        int destroyed = 0;
        var destructor = new FragDestructor(_ => destroyed++, null, "run");
        const int offset = 300;
        const int length = (3 * Page.Size) + 100 - offset; // page 0 from 300, pages 1 and 2, 100 bytes of page 3

        Assert.True(link.Client.SendPages(Pages(app), offset, length, destructor));
        destructor.Release();
        Assert.Equal(length, link.Client.SendQueued);
        Assert.Equal([2, 2, 2, 2], Enumerable.Range(0, 4).Select(i => app[i].RefCount));

        var got = new byte[length];
        int n = 0;
        Assert.True(link.RunUntil(() => ReadInto(link, got, ref n) && link.Client.SendQueued == 0, Duration.FromSeconds(2)));
        Assert.True(link.Client.Counters.Retransmits > 0); // the RTO resent the range and that copy was acknowledged
        Assert.Equal(0, destroyed); // acknowledged, but the first transmission is still on the wire
        Assert.Equal(2, app[0].RefCount);

        Assert.True(link.RunUntil(() => destroyed > 0, Duration.FromSeconds(5)));
        Assert.Equal(app.Span.Slice(offset, length).ToArray(), got);
        link.RunFor(Duration.FromSeconds(1));
        Assert.Equal(1, destroyed);
        Assert.Equal(1, destructor.DestroyCount);
        Assert.Equal([1, 1, 1, 1], Enumerable.Range(0, 4).Select(i => app[i].RefCount));
    }

    [Fact]
    public void With_GSO_a_64_KiB_run_of_16_pages_fills_queue_buffers_to_the_size_goal_and_each_leaves_as_one_segment()
    {
        using var app = new UserBuffer(16, "app");
        FillByPosition(app);
        using TcpLink link = EstablishedWithGso();
        byte[] warm = new byte[256 * 1024];
        for (int round = 0; round < 20 && link.Client.CongestionWindow < 2 * 65536; round++)
        {
            Assert.Equal(warm.Length, link.Transfer(warm, Duration.FromSeconds(30)).Length); // open the window first
        }

        Assert.True(link.Client.CongestionWindow >= 2 * 65536, $"cwnd {link.Client.CongestionWindow}");
        int mss = link.Client.SendMss;
        int sizeGoal = new TcpConfig().GsoMaxSize / mss * mss;
        int destroyed = 0;
        var destructor = new FragDestructor(_ => destroyed++, null, "run");
        link.Log.Clear();

        Assert.True(link.Client.SendPages(Pages(app), 0, 16 * Page.Size, destructor));
        destructor.Release();
        var got = new byte[16 * Page.Size];
        int n = 0;
        Assert.True(link.RunUntil(() => ReadInto(link, got, ref n) && link.Client.SendQueued == 0, Duration.FromSeconds(5)));

        List<int> segments = [.. link.Log.Where(e => e.FromClient && e.Segment.PayloadLength > 0).Select(e => e.Segment.PayloadLength)];
        Assert.Equal(65160, sizeGoal); // 1448-byte MSS with timestamps: a goal of 45 MSS
        Assert.Equal([sizeGoal, (16 * Page.Size) - sizeGoal], segments); // the 16th page is cut where the goal falls
        Assert.All(segments, length => Assert.True(length <= sizeGoal, $"{length} > size goal {sizeGoal}"));
        Assert.Equal(app.Span.ToArray(), got);
        Assert.Equal(1, destroyed);
        Assert.Equal(0, app.PagesInUse);
    }

    [Fact]
    public void Without_GSO_a_page_run_is_queued_and_arrives_exactly()
    {
        using var app = new UserBuffer(3, "app");
        FillByPosition(app);
        using var link = new TcpLink(); // no segmentation offload: a size goal of one MSS
        link.Open();
        Assert.True(link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1)));
        int destroyed = 0;
        var destructor = new FragDestructor(_ => destroyed++, null, "run");
        const int length = (2 * Page.Size) + 10 - 4000; // 96 bytes of page 0, all of page 1, 10 bytes of page 2

        bool queued;
        try
        {
            queued = link.Client.SendPages(Pages(app), 4000, length, destructor);
        }
        finally
        {
            destructor.Release();
        }

        Assert.True(queued);
        Assert.Equal(length, link.Client.SendQueued);
        var got = new byte[length];
        int n = 0;
        Assert.True(link.RunUntil(() => ReadInto(link, got, ref n) && link.Client.SendQueued == 0, Duration.FromSeconds(5)));
        Assert.Equal(app.Span.Slice(4000, length).ToArray(), got);
        Assert.Equal(1, destroyed);
    }
}
