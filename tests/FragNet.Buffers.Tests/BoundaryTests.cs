namespace FragNet.Buffers.Tests;

/// <summary>Edges the mutation run showed were unpinned: frag-slot limits, tailroom copies, no-op orphaning, history.</summary>
public sealed class BoundaryTests
{
    private static SkBuff WithFrags(BufferWorld w, int count, int page, int start = 0)
    {
        SkBuff skb = w.Cache.Alloc(0);
        for (int i = 0; i < count; i++)
        {
            skb.AppendFrag(w.Lender[page], start + (i * 3), 1); // gaps: no coalescing
        }

        return skb;
    }

    [Fact]
    public void Try_coalesce_fills_exactly_seventeen_slots_and_refuses_one_more()
    {
        using var w = new BufferWorld();
        SkBuff to = WithFrags(w, 9, 0);
        SkBuff from = WithFrags(w, 8, 1);
        Assert.True(SkBuff.TryCoalesce(to, from));
        Assert.Equal(SharedInfo.MaxSkbFrags, to.NrFrags);
        SkBuff more = WithFrags(w, 1, 2);
        Assert.False(SkBuff.TryCoalesce(to, more));
        Assert.Equal(1, more.Len);
        to.Consume();
        more.Consume();
    }

    [Fact]
    public void Shift_that_would_need_an_eighteenth_slot_shifts_nothing()
    {
        using var w = new BufferWorld();
        SkBuff to = WithFrags(w, 16, 0);
        SkBuff from = WithFrags(w, 2, 1);
        Assert.Equal(0, SkBuff.Shift(to, from, 2));
        Assert.Equal(16, to.NrFrags);
        Assert.Equal(2, from.NrFrags);
        Assert.Equal(1, SkBuff.Shift(to, from, 1));
        Assert.Equal(17, to.NrFrags);
        Assert.Equal(1, from.NrFrags);
        Assert.Equal(1, from.Len);
        to.Consume();
        from.Consume();
    }

    [Fact]
    public void A_small_linear_buffer_coalesces_into_tailroom_by_copy_up_to_the_last_byte()
    {
        using var w = new BufferWorld();
        SkBuff to = w.Cache.Alloc(64);
        to.Put(60).Fill(1);
        int room = to.Tailroom;
        SkBuff exact = w.Linear(Enumerable.Repeat((byte)2, room).ToArray());
        Assert.True(SkBuff.TryCoalesce(to, exact));
        Assert.Equal(60 + room, to.Len);
        Assert.Equal(0, to.NrFrags);
        Assert.Equal(0, to.Tailroom);
        SkBuff oneMore = w.Linear([3]);
        Assert.False(SkBuff.TryCoalesce(to, oneMore)); // no tailroom, and linear bytes cannot become frags
        to.Consume();
        oneMore.Consume();
    }

    [Fact]
    public void Orphan_frags_with_nothing_lent_succeeds_without_touching_the_pool()
    {
        using var w = new BufferWorld(poolPages: 1);
        Page own = w.PoolPage(5);
        SkBuff skb = w.Cache.Alloc(0);
        skb.FillPageDesc(0, own, 0, 100);
        Assert.True(skb.OrphanFrags());
        Assert.Same(own, skb.FragPage(0));
        Assert.Equal(0, w.Pool.Exhaustions);
        skb.Consume();
    }

    [Fact]
    public void Orphan_frags_of_a_buffer_with_a_frag_list_leaves_no_lent_memory_anywhere()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff head = w.Linear([1]);
        SkBuff member = w.Cache.Alloc(0);
        member.AppendFrag(w.Lender[0], 0, 10, d);
        head.AppendToFragList(member);
        Assert.True(head.HasLentFrags());
        d.Destructor.Release();
        Assert.True(head.OrphanFrags());
        Assert.False(head.HasLentFrags());
        Assert.Equal(1, d.Runs);
        head.Consume();
    }

    [Fact]
    public void The_history_lists_the_last_holders_oldest_first_and_keeps_only_the_newest_sixteen()
    {
        using var w = new BufferWorld();
        Page page = w.Pool.Alloc();
        for (int i = 0; i < 20; i++)
        {
            page.Get();
            page.Put();
        }

        page.Release("LastHolder");
        IReadOnlyList<RefEvent> events = page.History;
        Assert.Equal(RefTracking.HistoryDepth, events.Count);
        Assert.Equal("LastHolder", events[^1].Operation);
        Assert.Equal(0, events[^1].CountAfter);
        Assert.Equal(-1, events[^1].Delta);
        Assert.Equal("Page.Put", events[^2].Operation);
        Assert.Equal("Page.Get", events[^3].Operation);
        Assert.Equal(2, events[^3].CountAfter);
    }
}
