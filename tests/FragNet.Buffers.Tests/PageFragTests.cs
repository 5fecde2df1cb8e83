namespace FragNet.Buffers.Tests;

/// <summary>
/// <see cref="PageFrag"/> with <see cref="SkBuff.AppendCopy(ReadOnlySpan{byte}, int, PageFrag)"/>: a socket's copy
/// path fills one page across buffers (Linux <c>sk_page_frag</c>), each buffer holding its own page reference.
/// </summary>
public sealed class PageFragTests
{
    [Fact]
    public void Two_buffers_filled_from_one_page_frag_share_its_page_the_second_starting_where_the_first_ended()
    {
        using var w = new BufferWorld();
        var pf = new PageFrag(w.Pool);
        SkBuff first = w.Cache.Alloc(0);
        SkBuff second = w.Cache.Alloc(0);

        Assert.Equal(100, first.AppendCopy(TestBytes.Pattern(100, 1), 65536, pf));
        Assert.Equal(200, second.AppendCopy(TestBytes.Pattern(200, 2), 65536, pf));

        Page page = pf.Page!;
        Assert.Same(page, first.FragPage(0));
        Assert.Same(page, second.FragPage(0));
        Assert.Equal((0, 100), (first.FragOffset(0), first.FragSize(0)));
        Assert.Equal((100, 200), (second.FragOffset(0), second.FragSize(0)));
        Assert.Equal(300, pf.Offset);
        Assert.Equal(3, page.RefCount); // the page frag's own + one per buffer
        Assert.Equal(1, w.Pool.Outstanding);
        Assert.Equal(TestBytes.Pattern(100, 1), TestBytes.Of(first));
        Assert.Equal(TestBytes.Pattern(200, 2), TestBytes.Of(second));
        first.Consume();
        second.Consume();
        pf.Release();
    }

    [Fact]
    public void Successive_copies_into_one_buffer_grow_its_last_frag_without_a_new_reference()
    {
        using var w = new BufferWorld();
        var pf = new PageFrag(w.Pool);
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendCopy(TestBytes.Pattern(100, 1), 65536, pf);
        skb.AppendCopy(TestBytes.Pattern(50, 2), 65536, pf);
        Assert.Equal(1, skb.NrFrags);
        Assert.Equal(150, skb.FragSize(0));
        Assert.Equal(2, pf.Page!.RefCount);
        Assert.Equal([.. TestBytes.Pattern(100, 1), .. TestBytes.Pattern(50, 2)], TestBytes.Of(skb));
        skb.Consume();
        pf.Release();
    }

    [Fact]
    public void The_page_goes_back_to_the_pool_only_once_the_page_frag_and_every_buffer_let_go()
    {
        using var w = new BufferWorld();
        var pf = new PageFrag(w.Pool);
        SkBuff first = w.Cache.Alloc(0);
        SkBuff second = w.Cache.Alloc(0);
        first.AppendCopy(TestBytes.Pattern(10, 1), 65536, pf);
        second.AppendCopy(TestBytes.Pattern(10, 2), 65536, pf);
        Page page = pf.Page!;

        pf.Release();
        Assert.Null(pf.Page);
        Assert.Equal(0, pf.Offset);
        Assert.Equal(2, page.RefCount);
        first.Consume();
        Assert.Equal(1, w.Pool.Outstanding);
        second.Consume();
        Assert.Equal(0, w.Pool.Outstanding);
    }

    [Fact]
    public void Buffers_freed_before_the_page_frag_leave_the_page_with_the_page_frag()
    {
        using var w = new BufferWorld();
        var pf = new PageFrag(w.Pool);
        SkBuff first = w.Cache.Alloc(0);
        first.AppendCopy(TestBytes.Pattern(10, 1), 65536, pf);
        first.Consume();
        Assert.Equal(1, pf.Page!.RefCount);
        Assert.Equal(1, w.Pool.Outstanding);

        SkBuff second = w.Cache.Alloc(0);
        second.AppendCopy(TestBytes.Pattern(10, 2), 65536, pf);
        Assert.Equal(10, second.FragOffset(0)); // the used bytes are not reused while the page frag keeps the page
        second.Consume();
        pf.Release();
        Assert.Equal(0, w.Pool.Outstanding);
    }

    [Fact]
    public void Writing_through_the_page_frag_after_a_buffer_was_cloned_leaves_the_clones_bytes_alone()
    {
        using var w = new BufferWorld();
        var pf = new PageFrag(w.Pool);
        SkBuff first = w.Cache.Alloc(0);
        first.AppendCopy(TestBytes.Pattern(100, 1), 65536, pf);
        SkBuff clone = first.Clone(); // in flight

        Assert.Equal(0, first.AppendCopy(TestBytes.Pattern(100, 9), 65536, pf)); // a shared data buffer takes nothing
        SkBuff second = w.Cache.Alloc(0);
        Assert.Equal(Page.Size - 100, second.AppendCopy(new byte[Page.Size - 100], 65536, pf)); // fills the page

        Assert.Equal(TestBytes.Pattern(100, 1), TestBytes.Of(clone));
        Assert.Equal(TestBytes.Pattern(100, 1), TestBytes.Of(first));
        Assert.Equal(100, clone.Len);
        clone.Consume();
        first.Consume();
        second.Consume();
        pf.Release();
    }

    [Fact]
    public void A_copy_that_crosses_the_page_end_continues_on_a_fresh_page_and_the_full_one_is_dropped()
    {
        using var w = new BufferWorld();
        var pf = new PageFrag(w.Pool);
        SkBuff first = w.Cache.Alloc(0);
        first.AppendCopy(TestBytes.Pattern(4000, 1), 65536, pf);
        Page full = pf.Page!;
        SkBuff second = w.Cache.Alloc(0);

        Assert.Equal(200, second.AppendCopy(TestBytes.Pattern(200, 2), 65536, pf));

        Assert.Equal(2, second.NrFrags);
        Assert.Equal((4000, 96), (second.FragOffset(0), second.FragSize(0)));
        Assert.Same(full, second.FragPage(0));
        Assert.Equal((0, 104), (second.FragOffset(1), second.FragSize(1)));
        Assert.Same(pf.Page, second.FragPage(1));
        Assert.Equal(104, pf.Offset);
        Assert.Equal(2, full.RefCount); // the two buffers; the page frag moved on
        Assert.Equal(TestBytes.Pattern(200, 2), TestBytes.Of(second));
        Assert.Equal(2, w.Pool.Outstanding);
        first.Consume();
        second.Consume();
        pf.Release();
    }

    [Fact]
    public void A_dry_pool_gives_a_short_count_and_no_exception()
    {
        using var w = new BufferWorld(poolPages: 1);
        var pf = new PageFrag(w.Pool);
        SkBuff first = w.Cache.Alloc(0);
        first.AppendCopy(TestBytes.Pattern(100, 1), 65536, pf);
        SkBuff second = w.Cache.Alloc(0);

        Assert.Equal(Page.Size - 100, second.AppendCopy(TestBytes.Pattern(5000, 2), 65536, pf));

        Assert.Equal(1, w.Pool.Exhaustions);
        Assert.Null(pf.Page); // the full page was dropped before the refused refill
        Assert.Equal(TestBytes.Pattern(Page.Size - 100, 2), TestBytes.Of(second));
        Assert.Equal(0, second.AppendCopy(TestBytes.Pattern(10, 3), 65536, pf));
        first.Consume();
        second.Consume();
        pf.Release();
        Assert.Equal(0, w.Pool.Outstanding);
    }

    [Fact]
    public void Copying_stops_at_the_length_limit()
    {
        using var w = new BufferWorld();
        var pf = new PageFrag(w.Pool);
        SkBuff skb = w.Cache.Alloc(0);
        Assert.Equal(300, skb.AppendCopy(TestBytes.Pattern(1000, 1), 300, pf));
        Assert.Equal(0, skb.AppendCopy(TestBytes.Pattern(10, 2), 300, pf));
        Assert.Equal(300, pf.Offset);
        skb.Consume();
        pf.Release();
    }

    [Fact]
    public void A_lent_last_frag_on_another_page_is_not_merged_into()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        var pf = new PageFrag(w.Pool);
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[0], 0, 10, d);
        byte[] lenderBefore = w.Lender[0].Span.ToArray();
        Assert.Equal(5, skb.AppendCopy(TestBytes.Pattern(5, 3), 65536, pf));
        Assert.Equal(2, skb.NrFrags);
        Assert.Same(pf.Page, skb.FragPage(1));
        Assert.Equal(lenderBefore, w.Lender[0].Span.ToArray());
        skb.Consume();
        pf.Release();
    }
}
