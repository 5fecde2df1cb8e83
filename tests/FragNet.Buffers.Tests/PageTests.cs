namespace FragNet.Buffers.Tests;

public sealed class PageTests
{
    [Fact]
    public void A_pool_page_is_page_aligned_starts_held_once_and_comes_back_at_zero()
    {
        using var w = new BufferWorld();
        Page page = w.Pool.Alloc();
        Assert.Equal(0, page.Address % Page.Size);
        Assert.Equal(1, page.RefCount);
        Assert.Equal(1, w.Pool.Outstanding);
        Assert.Equal(Page.Size, page.Span.Length);
        page.Release();
        Assert.Equal(0, page.RefCount);
        Assert.Equal(0, w.Pool.Outstanding);
    }

    [Fact]
    public void Every_page_has_its_own_frame_number_and_a_new_generation_each_life()
    {
        using var w = new BufferWorld(poolPages: 2);
        Page a = w.Pool.Alloc();
        Page b = w.Pool.Alloc();
        Assert.NotEqual(a.FrameNumber, b.FrameNumber);
        uint firstLife = b.Generation;
        b.Release();
        Page again = w.Pool.Alloc();
        Assert.Same(b, again);
        Assert.NotEqual(firstLife, again.Generation);
        a.Release();
        again.Release();
    }

    [Fact]
    public void Reading_a_released_page_throws_and_names_the_page()
    {
        using var w = new BufferWorld();
        Page page = w.Pool.Alloc();
        page.Release();
        var ex = Assert.Throws<RefCountException>(() => page.Span.Length);
        Assert.Contains($"page #{page.FrameNumber}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Releasing_below_zero_throws_and_lists_the_last_holders_in_tracking_mode()
    {
        using var w = new BufferWorld();
        Page page = w.Pool.Alloc();
        page.Release("FirstHolder");
        var ex = Assert.Throws<RefCountException>(() => page.Release("SecondHolder"));
        Assert.Contains("below zero", ex.Message, StringComparison.Ordinal);
        Assert.Contains("FirstHolder", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, w.Pool.Outstanding);
    }

    [Fact]
    public void Taking_a_reference_on_a_released_page_is_a_use_after_release()
    {
        using var w = new BufferWorld();
        Page page = w.Pool.Alloc();
        page.Release();
        Assert.Throws<RefCountException>(page.Get);
        Assert.Equal(0, page.RefCount);
    }

    [Fact]
    public void An_exhausted_pool_refuses_and_counts_it_without_growing()
    {
        using var w = new BufferWorld(poolPages: 2);
        Page a = w.Pool.Alloc();
        Page b = w.Pool.Alloc();
        Assert.False(w.Pool.TryAlloc(out _));
        var ex = Assert.Throws<PagePoolExhaustedException>(w.Pool.Alloc);
        Assert.Contains("exhausted", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, w.Pool.Exhaustions);
        Assert.Equal(2, w.Pool.Capacity);
        a.Release();
        b.Release();
    }

    [Fact]
    public void Freed_pool_pages_are_poisoned_so_stale_readers_see_garbage()
    {
        using var w = new BufferWorld();
        Page page = w.PoolPage(0xAA);
        page.Release();
        Page again = w.Pool.Alloc();
        Assert.Same(page, again);
        Assert.True(again.Span.IndexOfAnyExcept(PagePool.PoisonByte) < 0);
        again.Release();
    }

    [Fact]
    public void A_foreign_page_goes_to_its_page_destructor_not_to_the_pool()
    {
        using var w = new BufferWorld();
        Page page = w.Pool.Alloc();
        int calls = 0;
        page.SetForeign(p =>
        {
            calls++;
            Assert.Equal(0, p.RefCount);
            Assert.Equal(1, w.Pool.Outstanding); // not back in the pool while the destructor runs
        });
        page.Get();
        page.Put();
        Assert.Equal(0, calls);
        page.Release();
        Assert.Equal(1, calls);
        Assert.Equal(1, w.Pool.Outstanding);
        page.ReviveForeign(); // reused for another mapping
        Assert.Equal(1, page.RefCount);
        page.Release();
        Assert.Equal(2, calls);
        page.ReturnForeign();
        Assert.False(page.IsForeign);
        Assert.Equal(0, w.Pool.Outstanding);
    }

    [Fact]
    public void A_pool_refuses_a_page_it_does_not_own()
    {
        using var w = new BufferWorld();
        using var other = new PagePool(1, "other");
        Page stranger = other.Alloc();
        IPageOwner pool = w.Pool;
        Assert.Throws<RefCountException>(() => pool.ReturnPage(stranger));
        stranger.Release();
    }

    [Fact]
    public void Disposing_a_pool_with_pages_out_is_refused_and_keeps_the_memory()
    {
        var pool = new PagePool(4, "leaky");
        Page page = pool.Alloc();
        var ex = Assert.Throws<InvalidOperationException>(pool.Dispose);
        Assert.Contains($"page #{page.FrameNumber}", ex.Message, StringComparison.Ordinal);
        page.Span[0] = 1; // still valid memory
        page.Release();
        pool.Dispose();
    }

    [Fact]
    public void A_user_buffer_frees_its_memory_only_after_the_stack_lets_go()
    {
        RefTracking.Mode = LeakMode.Throw;
        var pool = new PagePool(4);
        var cache = new SkbCache(pool);
        var app = new UserBuffer(2, "app");
        app.Span.Fill(0x11);
        SkBuff skb = cache.Alloc(0);
        skb.AppendFrag(app[1], 0, 100);
        app.Dispose();
        Assert.False(app.IsFreed);
        Assert.Equal(1, app[1].RefCount);
        skb.Consume();
        Assert.True(app.IsFreed);
        pool.Dispose();
    }
}
