namespace FragNet.Buffers.Tests;

/// <summary>The send queue's copy path and per-lender orphaning, shared by FragNet's TCP and the host's kernel sockets.</summary>
public sealed class AppendCopyTests
{
    [Fact]
    public void Small_appends_through_a_page_frag_share_one_page_instead_of_taking_one_each()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Cache.Alloc(0);
        var pf = new PageFrag(w.Pool);
        Assert.Equal(100, skb.AppendCopy(TestBytes.Pattern(100, 1), 65536, pf));
        Assert.Equal(100, skb.AppendCopy(TestBytes.Pattern(100, 2), 65536, pf));
        Assert.Equal(1, skb.NrFrags);
        Assert.Equal(200, skb.FragSize(0));
        Assert.Equal([.. TestBytes.Pattern(100, 1), .. TestBytes.Pattern(100, 2)], TestBytes.Of(skb));
        Assert.Equal(1, w.Pool.Outstanding);
        skb.Consume();
        pf.Release();
    }

    [Fact]
    public void A_lent_last_frag_is_never_written_into()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = w.Cache.Alloc(0);
        var pf = new PageFrag(w.Pool);
        skb.AppendFrag(w.Lender[0], 0, 10, d);
        d.Destructor.Release();
        byte[] lenderBefore = w.Lender[0].Span.ToArray();
        Assert.Equal(5, skb.AppendCopy(TestBytes.Pattern(5, 3), 65536, pf));
        Assert.Equal(2, skb.NrFrags);
        Assert.Equal(lenderBefore, w.Lender[0].Span.ToArray());
        skb.Consume();
        pf.Release();
    }

    [Fact]
    public void A_shared_data_buffer_takes_no_copy_at_all()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Cache.Alloc(0);
        var pf = new PageFrag(w.Pool);
        skb.AppendCopy(TestBytes.Pattern(10, 4), 65536, pf);
        SkBuff clone = skb.Clone(); // in flight: the frag array is shared
        Assert.Equal(0, skb.AppendCopy(TestBytes.Pattern(10, 5), 65536, pf));
        Assert.Equal(10, clone.Len);
        clone.Consume();
        skb.Consume();
        pf.Release();
    }

    [Fact]
    public void Appending_stops_at_the_length_limit_at_the_last_slot_and_when_the_pool_runs_dry()
    {
        using (var w = new BufferWorld())
        {
            SkBuff skb = w.Cache.Alloc(0);
            var pf = new PageFrag(w.Pool);
            Assert.Equal(5000, skb.AppendCopy(new byte[9000], 5000, pf));
            Assert.Equal(5000, skb.Len);
            skb.Consume();
            pf.Release();
        }

        using (var w = new BufferWorld())
        {
            SkBuff skb = w.Cache.Alloc(0);
            var pf = new PageFrag(w.Pool);
            Assert.Equal(SharedInfo.MaxSkbFrags * Page.Size, skb.AppendCopy(new byte[100 * Page.Size], int.MaxValue, pf));
            Assert.Equal(SharedInfo.MaxSkbFrags, skb.NrFrags);
            skb.Consume();
            pf.Release();
        }

        using (var w = new BufferWorld(poolPages: 2))
        {
            SkBuff skb = w.Cache.Alloc(0);
            var pf = new PageFrag(w.Pool);
            Assert.Equal(2 * Page.Size, skb.AppendCopy(new byte[3 * Page.Size], int.MaxValue, pf));
            Assert.Equal(1, w.Pool.Exhaustions);
            skb.Consume();
            pf.Release();
        }
    }

    [Fact]
    public void OrphanFragsOf_copies_only_buffers_holding_that_lenders_frags()
    {
        using var w = new BufferWorld();
        var mine = w.NewDestructor("mine");
        var other = w.NewDestructor("other");
        SkBuff a = w.Cache.Alloc(0);
        a.AppendFrag(w.Lender[0], 0, 3000, mine);
        SkBuff b = w.Cache.Alloc(0);
        b.AppendFrag(w.Lender[1], 0, 2000, other);
        mine.Destructor.Release();
        other.Destructor.Release();

        Assert.Equal(0, b.OrphanFragsOf(mine));
        Assert.Equal(3000, a.OrphanFragsOf(mine));
        Assert.Equal(1, mine.Runs);
        Assert.Equal(0, other.Runs);
        Assert.Equal(2000, b.OrphanFragsOf(null));
        Assert.Equal(1, other.Runs);
        Assert.Equal(0, a.OrphanFragsOf(null));
        a.Consume();
        b.Consume();
    }

    [Fact]
    public void OrphanFragsOf_reports_a_dry_pool_and_changes_nothing()
    {
        using var w = new BufferWorld(poolPages: 1);
        var d = w.NewDestructor();
        Page hog = w.Pool.Alloc(); // the pool's only page
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[0], 0, 100, d);
        d.Destructor.Release();
        Assert.Equal(-1, skb.OrphanFragsOf(d));
        Assert.True(skb.HasLentFrags());
        Assert.Equal(0, d.Runs);
        skb.Consume();
        hog.Release();
    }
}
