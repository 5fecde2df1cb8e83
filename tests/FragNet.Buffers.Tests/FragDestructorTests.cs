namespace FragNet.Buffers.Tests;

/// <summary>Brief rules 1, 2, 6 and 8, and the DMA model.</summary>
public sealed class FragDestructorTests
{
    [Fact]
    public void Rule1_a_lent_frag_takes_one_page_and_one_destructor_reference()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = w.Cache.Alloc(64);
        skb.AppendFrag(w.Lender[0], 100, 1000, d);
        Assert.Equal(2, w.Lender[0].RefCount); // lender + frag
        Assert.Equal(2, d.Destructor.RefCount); // creator + frag
        Assert.Equal(1000, skb.Len);
        Assert.Equal(1000, skb.DataLen);
        skb.Consume();
        Assert.Equal(1, w.Lender[0].RefCount);
        Assert.Equal(1, d.Destructor.RefCount);
        Assert.Equal(0, d.Runs);
    }

    [Fact]
    public void Rule2_destroy_runs_once_when_the_last_reference_goes_and_never_before()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = w.Cache.Alloc(64);
        skb.AppendFrag(w.Lender[0], 0, 100, d);
        d.Destructor.Release();
        Assert.Equal(0, d.Runs);
        Assert.False(d.Destructor.IsDestroyed);
        skb.Consume();
        Assert.Equal(1, d.Runs);
        Assert.True(d.Destructor.IsDestroyed);
    }

    [Fact]
    public void Destroy_sees_the_page_count_without_the_last_frag()
    {
        using var w = new BufferWorld();
        int pageCountSeen = -1;
        Page lent = w.Lender[0];
        var d = new FragDestructor(_ => pageCountSeen = lent.RefCount, null, "observer");
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(lent, 0, 10, d);
        d.Release();
        skb.Consume();
        Assert.Equal(1, pageCountSeen); // only the lender's hold: the page is free for the lender to rewrite
    }

    [Fact]
    public void Rearm_starts_a_new_life_only_after_Destroy_ran_and_each_life_destroys_once()
    {
        using var w = new BufferWorld();
        int runs = 0;
        var d = new FragDestructor(_ => runs++, null, "pooled");
        Assert.Throws<RefCountException>(d.Rearm); // the first life has not ended
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[0], 0, 10, d);
        d.Release();
        Assert.Throws<RefCountException>(d.Rearm); // a frag still carries it
        skb.Consume();
        Assert.Equal(1, runs);
        uint first = d.Generation;

        d.Rearm();
        Assert.Equal(1, d.RefCount);
        Assert.True(d.CreatorHolds);
        Assert.False(d.IsDestroyed);
        Assert.NotEqual(first, d.Generation);
        skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[1], 0, 10, d);
        d.Release();
        Assert.Throws<RefCountException>(d.Release); // the creator's reference is still single per life
        Assert.Equal(1, runs);
        skb.Consume();
        Assert.Equal(2, runs);
        Assert.Equal(1, d.DestroyCount);
    }

    [Fact]
    public void The_creator_cannot_release_its_reference_twice()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        d.Destructor.Release();
        var ex = Assert.Throws<RefCountException>(d.Destructor.Release);
        Assert.Contains("twice", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, d.Runs);
    }

    [Fact]
    public void Rule6_contiguous_ranges_of_one_page_with_one_destructor_coalesce()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[0], 0, 100, d);
        skb.AppendFrag(w.Lender[0], 100, 50, d);
        Assert.Equal(1, skb.NrFrags);
        Assert.Equal(150, skb.FragSize(0));
        Assert.Equal(2, d.Destructor.RefCount); // one frag, one reference
        skb.Consume();
    }

    [Fact]
    public void Rule6_frags_with_different_destructors_do_not_coalesce()
    {
        using var w = new BufferWorld();
        var d1 = w.NewDestructor("d1");
        var d2 = w.NewDestructor("d2");
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[0], 0, 100, d1);
        skb.AppendFrag(w.Lender[0], 100, 50, d2);
        skb.AppendFrag(w.Lender[0], 150, 50); // no destructor: also different
        Assert.Equal(3, skb.NrFrags);
        Assert.Same(d1.Destructor, skb.FragDestructorOf(0));
        Assert.Same(d2.Destructor, skb.FragDestructorOf(1));
        Assert.Null(skb.FragDestructorOf(2));
        Assert.Equal(4, w.Lender[0].RefCount);
        skb.Consume();
    }

    [Fact]
    public void Rule6_non_contiguous_ranges_do_not_coalesce()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[0], 0, 100);
        skb.AppendFrag(w.Lender[0], 101, 50);
        Assert.Equal(2, skb.NrFrags);
        skb.Consume();
    }

    [Fact]
    public void FillPageDesc_gives_the_callers_page_reference_to_the_buffer()
    {
        using var w = new BufferWorld();
        Page page = w.PoolPage(0x33);
        SkBuff skb = w.Cache.Alloc(0);
        skb.FillPageDesc(0, page, 0, 4096);
        Assert.Equal(1, page.RefCount);
        skb.Consume();
        Assert.Equal(0, w.Pool.Outstanding);
    }

    [Fact]
    public void A_buffer_holds_at_most_seventeen_frags()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Cache.Alloc(0);
        for (int i = 0; i < SharedInfo.MaxSkbFrags; i++)
        {
            skb.AppendFrag(w.Lender[0], i * 2, 1);
        }

        Assert.Throws<InvalidOperationException>(() => skb.AppendFrag(w.Lender[0], 100, 1));
        Assert.Equal(SharedInfo.MaxSkbFrags, skb.NrFrags);
        skb.Consume();
    }

    [Fact]
    public void A_dma_mapping_holds_the_frag_until_unmap()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[2], 0, 2000, d);
        d.Destructor.Release();
        DmaMapping map = skb.FragDmaMap(w.Nic, 0, 500, 1000, DmaDirection.ToDevice);
        Assert.Equal((w.Lender[2].FrameNumber * Page.Size) + 500, map.BusAddress);
        skb.Consume(); // the stack let go, the NIC has not
        Assert.Equal(0, d.Runs);
        Assert.Equal(1, w.Nic.Outstanding);
        Assert.True(w.Nic.Read(map).IndexOfAnyExcept((byte)0xA2) < 0);
        w.Nic.Unmap(map); // TX completion
        Assert.Equal(1, d.Runs);
        Assert.Throws<InvalidOperationException>(() => w.Nic.Unmap(map));
    }

    [Fact]
    public void Mapping_beyond_the_frag_is_refused()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[0], 0, 100);
        Assert.Throws<ArgumentOutOfRangeException>(() => skb.FragDmaMap(w.Nic, 0, 50, 51, DmaDirection.ToDevice));
        Assert.Equal(0, w.Nic.Outstanding);
        skb.Consume();
    }

    [Fact]
    public void FragUnref_below_the_frags_own_reference_is_detected()
    {
        // Own pool: the misuse leaves a corrupted buffer header behind, which a BufferWorld would (rightly) report.
        using var pool = new PagePool(4, "misuse");
        var cache = new SkbCache(pool);
        Page page = pool.Alloc();
        SkBuff skb = cache.Alloc(0);
        skb.FillPageDesc(0, page, 0, 10);
        skb.FragUnref(0); // a caller dropped a reference it never took: the page is released under the frag
        Assert.Throws<RefCountException>(() => skb.FragSpan(0).Length);
        Assert.Throws<RefCountException>(() => skb.FragUnref(0));
        Assert.Throws<RefCountException>(skb.Consume); // freeing finds the frag's page already released
        Assert.Equal(0, pool.Outstanding);
    }
}
