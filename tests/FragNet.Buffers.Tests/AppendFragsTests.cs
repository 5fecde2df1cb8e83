namespace FragNet.Buffers.Tests;

/// <summary>
/// <see cref="SkBuff.AppendFrags"/>: a caller's memory running across consecutive pages lent as one frag per page
/// piece, with the destructor's references taken in one step.
/// </summary>
public sealed class AppendFragsTests
{
    private static Page[] Pages(UserBuffer lender, int first, int count) =>
        [.. Enumerable.Range(first, count).Select(i => lender[i])];

    /// <summary>The counts AppendFrags may change: buffer lengths, frag count, every lender page's and the destructor's.</summary>
    private static (int Len, int DataLen, int NrFrags, string PageRefs, int DestructorRefs) Counts(SkBuff skb, BufferWorld w, FragDestructor d) =>
        (skb.Len, skb.DataLen, skb.NrFrags, string.Join(',', Enumerable.Range(0, w.Lender.PageCount).Select(i => w.Lender[i].RefCount)), d.RefCount);

    [Fact]
    public void A_run_over_three_pages_becomes_one_frag_per_piece_with_exactly_the_source_bytes()
    {
        using var w = new BufferWorld();
        TestBytes.FillByPosition(w.Lender);
        var d = w.NewDestructor();
        SkBuff skb = w.Cache.Alloc(0);
        int length = (3 * Page.Size) - 1000 - 500; // from 1000 in page 0 to 500 short of the end of page 2

        skb.AppendFrags(Pages(w.Lender, 0, 3), 1000, length, d);

        Assert.Equal(3, skb.NrFrags);
        Assert.Equal((1000, Page.Size - 1000), (skb.FragOffset(0), skb.FragSize(0)));
        Assert.Equal((0, Page.Size), (skb.FragOffset(1), skb.FragSize(1)));
        Assert.Equal((0, Page.Size - 500), (skb.FragOffset(2), skb.FragSize(2)));
        for (int i = 0; i < 3; i++)
        {
            Assert.Same(w.Lender[i], skb.FragPage(i));
            Assert.Same(d.Destructor, skb.FragDestructorOf(i));
            Assert.Equal(2, w.Lender[i].RefCount); // lender + frag
        }

        Assert.Equal(1, w.Lender[3].RefCount); // a page passed but not needed is not touched
        Assert.Equal(length, skb.Len);
        Assert.Equal(length, skb.DataLen);
        Assert.Equal(w.Lender.Span.Slice(1000, length).ToArray(), TestBytes.Of(skb));
        Assert.Equal(1 + 3, d.Destructor.RefCount); // creator + one per frag
        skb.Consume();
    }

    [Fact]
    public void A_run_inside_one_page_is_a_single_frag()
    {
        using var w = new BufferWorld();
        TestBytes.FillByPosition(w.Lender);
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrags(Pages(w.Lender, 0, 2), 100, 200);
        Assert.Equal(1, skb.NrFrags);
        Assert.Equal((100, 200), (skb.FragOffset(0), skb.FragSize(0)));
        Assert.Null(skb.FragDestructorOf(0));
        Assert.Equal(1, w.Lender[1].RefCount);
        Assert.Equal(w.Lender.Span.Slice(100, 200).ToArray(), TestBytes.Of(skb));
        skb.Consume();
    }

    [Fact]
    public void The_first_piece_merges_into_a_contiguous_last_frag_with_the_same_destructor_and_takes_no_reference()
    {
        using var w = new BufferWorld();
        TestBytes.FillByPosition(w.Lender);
        var d = w.NewDestructor();
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[0], 0, 1000, d);

        skb.AppendFrags(Pages(w.Lender, 0, 2), 1000, Page.Size, d); // rest of page 0, then 1000 bytes of page 1

        Assert.Equal(2, skb.NrFrags);
        Assert.Equal((0, Page.Size), (skb.FragOffset(0), skb.FragSize(0)));
        Assert.Equal((0, 1000), (skb.FragOffset(1), skb.FragSize(1)));
        Assert.Equal(2, w.Lender[0].RefCount); // still one frag's reference on page 0
        Assert.Equal(2, w.Lender[1].RefCount);
        Assert.Equal(1 + 2, d.Destructor.RefCount); // two frags, two references
        Assert.Equal(w.Lender.Span[..(Page.Size + 1000)].ToArray(), TestBytes.Of(skb));
        skb.Consume();
    }

    [Fact]
    public void A_contiguous_piece_under_another_destructor_is_a_new_frag()
    {
        using var w = new BufferWorld();
        var d1 = w.NewDestructor("d1");
        var d2 = w.NewDestructor("d2");
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[0], 0, 1000, d1);
        skb.AppendFrags(Pages(w.Lender, 0, 1), 1000, 500, d2);
        Assert.Equal(2, skb.NrFrags);
        Assert.Equal(3, w.Lender[0].RefCount);
        Assert.Equal(2, d1.Destructor.RefCount);
        Assert.Equal(2, d2.Destructor.RefCount);
        skb.Consume();
    }

    [Fact]
    public void More_pieces_than_free_frag_slots_throw_and_leave_the_buffer_and_every_count_unchanged()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = w.Cache.Alloc(0);
        for (int i = 0; i < SharedInfo.MaxSkbFrags - 2; i++)
        {
            skb.AppendFrag(w.Lender[7], 200 * i, 100, d); // fifteen frags, never contiguous
        }

        var before = Counts(skb, w, d);
        var ex = Assert.Throws<InvalidOperationException>(() => skb.AppendFrags(Pages(w.Lender, 0, 3), 0, 3 * Page.Size, d));
        Assert.Contains("3 pieces do not fit the 2 free frag slots", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, Counts(skb, w, d));
        skb.Consume();
    }

    [Fact]
    public void A_run_whose_first_piece_merges_but_whose_rest_does_not_fit_throws_and_leaves_the_buffer_unchanged()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = w.Cache.Alloc(0);
        for (int i = 0; i < SharedInfo.MaxSkbFrags - 2; i++)
        {
            skb.AppendFrag(w.Lender[7], 200 * i, 100, d);
        }

        skb.AppendFrag(w.Lender[0], 0, 1000, d); // sixteen frags; the last one ends where the run starts
        var before = Counts(skb, w, d);

        // Page 0's rest merges (no slot); pages 1 and 2 need two slots and one is free.
        Assert.Throws<InvalidOperationException>(() => skb.AppendFrags(Pages(w.Lender, 0, 3), 1000, (3 * Page.Size) - 1000, d));

        var after = Counts(skb, w, d);
        int lastFrag = skb.FragSize(SharedInfo.MaxSkbFrags - 2);
        skb.Consume(); // before asserting, so the leak check does not hide the difference
        Assert.Equal(before, after);
        Assert.Equal(1000, lastFrag);
    }

    [Theory]
    [InlineData(-1, 100, 1)]
    [InlineData(Page.Size, 100, 2)]
    [InlineData(0, 0, 1)]
    [InlineData(0, -5, 1)]
    [InlineData(0, (2 * Page.Size) + 1, 2)]
    [InlineData(100, (2 * Page.Size) - 99, 2)]
    [InlineData(0, 1, 0)]
    public void A_range_outside_the_pages_throws_ArgumentOutOfRangeException_and_changes_nothing(int offset, int length, int pageCount)
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[7], 0, 10, d);
        var before = Counts(skb, w, d);
        Assert.Throws<ArgumentOutOfRangeException>(() => skb.AppendFrags(Pages(w.Lender, 0, pageCount), offset, length, d));
        Assert.Equal(before, Counts(skb, w, d));
        skb.Consume();
    }

    [Fact]
    public void A_cloned_buffer_refuses_a_run_whether_or_not_its_first_piece_would_merge()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[0], 0, 1000, d);
        SkBuff clone = skb.Clone();
        var before = Counts(skb, w, d);

        Assert.Throws<InvalidOperationException>(() => skb.AppendFrags(Pages(w.Lender, 1, 2), 0, 2 * Page.Size, d));
        Assert.Throws<InvalidOperationException>(() => skb.AppendFrags(Pages(w.Lender, 0, 2), 1000, Page.Size, d));

        Assert.Equal(before, Counts(skb, w, d));
        Assert.Equal(1000, clone.Len);
        Assert.Equal(1, clone.NrFrags);
        clone.Consume();
        skb.Consume();
    }

    [Fact]
    public void Each_buffer_holds_one_destructor_reference_per_frag_carrying_it()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff first = w.Cache.Alloc(0);
        SkBuff second = w.Cache.Alloc(0);
        first.AppendFrags(Pages(w.Lender, 0, 4), 10, (4 * Page.Size) - 20, d);
        second.AppendFrags(Pages(w.Lender, 4, 2), 0, Page.Size + 1, d);
        Assert.Equal(1 + 4 + 2, d.Destructor.RefCount);
        d.Destructor.Release();

        first.Consume();
        Assert.Equal(2, d.Destructor.RefCount);
        Assert.Equal(0, d.Runs);
        second.Consume();
        Assert.Equal(1, d.Runs);
    }

    [Fact]
    public void A_run_lent_under_a_destroyed_destructor_throws_and_takes_no_page_reference()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        d.Destructor.Release(); // destroyed: no frag may carry it any more
        SkBuff skb = w.Cache.Alloc(0);
        var before = Counts(skb, w, d);
        Assert.Throws<RefCountException>(() => skb.AppendFrags(Pages(w.Lender, 0, 2), 0, 2 * Page.Size, d));
        var after = Counts(skb, w, d);
        skb.Consume(); // before asserting, so the leak check does not hide the difference
        Assert.Equal(before, after);
    }
}
