namespace FragNet.Buffers.Tests;

/// <summary>Rules 3, 4 and 5 operation by operation, with exact reference counts.</summary>
public sealed class SharingRulesTests
{
    /// <summary>A buffer with a 20-byte head and two lent frags (pages 0 and 1) carrying <paramref name="d"/>.</summary>
    private static SkBuff Lent(BufferWorld w, FragDestructor d)
    {
        SkBuff skb = w.Linear(Enumerable.Range(0, 20).Select(i => (byte)i).ToArray(), headroom: 64);
        skb.AppendFrag(w.Lender[0], 0, 3000, d);
        skb.AppendFrag(w.Lender[1], 0, 3000, d);
        return skb;
    }

    [Fact]
    public void Rule3_clone_takes_no_frag_references_and_frags_drop_with_the_last_sharer()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        d.Destructor.Release();
        SkBuff clone = skb.Clone();
        Assert.Equal(2, d.Destructor.RefCount);
        Assert.Equal(2, w.Lender[0].RefCount);
        skb.Consume();
        Assert.Equal(2, d.Destructor.RefCount);
        clone.Consume();
        Assert.Equal(1, d.Runs);
    }

    [Fact]
    public void Rule4_pskb_copy_takes_a_reference_per_frag_and_copies_the_head()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        SkBuff copy = skb.PskbCopy();
        Assert.Equal(5, d.Destructor.RefCount); // creator + 2 + 2
        Assert.Equal(3, w.Lender[0].RefCount);
        Assert.False(copy.IsCloned);
        Assert.Equal(TestBytes.Of(skb), TestBytes.Of(copy));
        copy.LinearData[0] = 0xFF; // private head
        Assert.Equal(0, skb.LinearData[0]);
        skb.Consume();
        copy.Consume();
        Assert.Equal(1, d.Destructor.RefCount);
    }

    [Fact]
    public void Rule5_copy_is_linear_and_carries_no_destructor()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        SkBuff copy = skb.Copy();
        Assert.False(copy.IsNonlinear);
        Assert.Equal(TestBytes.Of(skb), TestBytes.Of(copy));
        Assert.Equal(3, d.Destructor.RefCount);
        skb.Consume();
        d.Destructor.Release();
        Assert.Equal(1, d.Runs); // the copy still lives, without the lender's pages
        Assert.Equal(6020, copy.Len);
        copy.Consume();
    }

    [Fact]
    public void Rule4_expand_head_of_a_cloned_buffer_takes_second_pointers()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        SkBuff clone = skb.Clone();
        clone.ExpandHead(32, 0);
        Assert.False(clone.IsCloned);
        Assert.False(skb.IsCloned); // dataref back to 1 for the original
        Assert.Equal(5, d.Destructor.RefCount);
        Assert.Equal(TestBytes.Of(skb), TestBytes.Of(clone));
        skb.Consume();
        clone.Consume();
    }

    [Fact]
    public void Expand_head_of_a_private_buffer_moves_frags_without_references()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        skb.ExpandHead(128, 64);
        Assert.Equal(3, d.Destructor.RefCount);
        Assert.Equal(192, skb.Headroom);
        skb.Consume();
    }

    [Fact]
    public void Rule4_pull_tail_drops_consumed_frags_and_trims_the_cut_one()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        byte[] before = TestBytes.Of(skb);
        Assert.True(skb.PullTail(20 + 3000 + 10));
        Assert.Equal(1, skb.NrFrags);
        Assert.Equal(2990, skb.FragSize(0));
        Assert.Equal(10, skb.FragOffset(0));
        Assert.Equal(2, d.Destructor.RefCount);
        Assert.Equal(1, w.Lender[0].RefCount);
        Assert.Equal(before, TestBytes.Of(skb));
        Assert.False(skb.PullTail(skb.Len + 1));
        skb.Consume();
    }

    [Fact]
    public void Rule4_trim_unreferences_the_frags_past_the_end()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        skb.Trim(20 + 100);
        Assert.Equal(1, skb.NrFrags);
        Assert.Equal(100, skb.FragSize(0));
        Assert.Equal(2, d.Destructor.RefCount);
        skb.Trim(5);
        Assert.Equal(0, skb.NrFrags);
        Assert.Equal(5, skb.Len);
        Assert.Equal(1, d.Destructor.RefCount);
        skb.Consume();
    }

    [Fact]
    public void Rule4_trim_of_a_clone_leaves_the_others_frags_alone()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        SkBuff clone = skb.Clone();
        clone.Trim(30);
        Assert.Equal(6020, skb.Len);
        Assert.Equal(2, skb.NrFrags);
        Assert.Equal(1, clone.NrFrags);
        Assert.Equal(4, d.Destructor.RefCount); // creator + original's 2 + clone's private 1
        skb.Consume();
        clone.Consume();
    }

    [Fact]
    public void Rule5_linearize_drops_every_frag_and_the_destructor_can_run()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        byte[] before = TestBytes.Of(skb);
        d.Destructor.Release();
        skb.Linearize();
        Assert.Equal(1, d.Runs);
        Assert.Equal(before, TestBytes.Of(skb));
        w.Lender[0].Span.Fill(0x55); // the application may rewrite now
        Assert.Equal(before, TestBytes.Of(skb));
        skb.Consume();
    }

    [Fact]
    public void Rule4_segment_gives_every_segment_its_own_frag_references()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        skb.GsoSize = 1448;
        SkBuff? seg = skb.Segment(20);
        int count = 0;
        int frags = 0;
        byte[] all = TestBytes.Of(skb);
        int offset = 20;
        while (seg is not null)
        {
            byte[] b = TestBytes.Of(seg);
            Assert.Equal(all.AsSpan(0, 20).ToArray(), b[..20]);
            Assert.Equal(all.AsSpan(offset, b.Length - 20).ToArray(), b[20..]);
            offset += b.Length - 20;
            frags += seg.NrFrags;
            count++;
            SkBuff? next = seg.Next;
            seg.Next = null;
            seg.Consume();
            seg = next;
            Assert.True(d.Destructor.RefCount >= 3);
        }

        Assert.Equal(5, count); // 6000 payload bytes / 1448
        Assert.Equal(6, frags); // one segment straddles the two pages
        Assert.Equal(6020, offset);
        Assert.Equal(3, d.Destructor.RefCount);
        skb.Consume();
    }

    [Fact]
    public void Segment_without_scatter_gather_copies_and_carries_no_destructor()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        skb.GsoSize = 3000;
        SkBuff seg = skb.Segment(20, scatterGather: false);
        Assert.False(seg.IsNonlinear);
        Assert.Equal(3, d.Destructor.RefCount);
        for (SkBuff? s = seg; s is not null;)
        {
            SkBuff? next = s.Next;
            s.Next = null;
            s.Consume();
            s = next;
        }

        skb.Consume();
    }

    [Fact]
    public void Segment_refuses_a_buffer_that_is_not_gso_or_whose_headers_are_paged()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        Assert.Throws<InvalidOperationException>(() => skb.Segment(20));
        skb.GsoSize = 100;
        Assert.Throws<InvalidOperationException>(() => skb.Segment(21));
        skb.Consume();
    }

    [Fact]
    public void Rule4_split_inside_a_frag_takes_a_reference_for_the_second_half()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        byte[] before = TestBytes.Of(skb);
        SkBuff tail = skb.Split(20 + 1000);
        Assert.Equal(1020, skb.Len);
        Assert.Equal(5000, tail.Len);
        Assert.Equal(2, tail.NrFrags);
        Assert.Equal(4, d.Destructor.RefCount); // creator + kept 1 + moved 1 + split 1
        Assert.Equal(before, TestBytes.Of(skb).Concat(TestBytes.Of(tail)).ToArray());
        Assert.Equal(skb.Headroom, tail.Headroom);
        skb.Consume();
        tail.Consume();
    }

    [Fact]
    public void Split_inside_the_head_moves_every_frag()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        byte[] before = TestBytes.Of(skb);
        SkBuff tail = skb.Split(5);
        Assert.Equal(0, skb.NrFrags);
        Assert.Equal(2, tail.NrFrags);
        Assert.Equal(3, d.Destructor.RefCount);
        Assert.Equal(before, TestBytes.Of(skb).Concat(TestBytes.Of(tail)).ToArray());
        skb.Consume();
        tail.Consume();
    }

    [Fact]
    public void Rule6_shift_merges_a_contiguous_frag_and_drops_its_reference()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff to = w.Cache.Alloc(0);
        to.AppendFrag(w.Lender[0], 0, 100, d);
        SkBuff from = w.Cache.Alloc(0);
        from.AppendFrag(w.Lender[0], 100, 200, d);
        from.AppendFrag(w.Lender[3], 0, 50, d);
        Assert.Equal(4, d.Destructor.RefCount);
        Assert.Equal(250, SkBuff.Shift(to, from, 250));
        Assert.Equal(2, to.NrFrags);
        Assert.Equal(300, to.FragSize(0));
        Assert.Equal(0, from.Len);
        Assert.Equal(3, d.Destructor.RefCount);
        to.Consume();
        from.Consume();
    }

    [Fact]
    public void Shift_of_part_of_a_frag_takes_a_second_pointer()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff to = w.Cache.Alloc(0);
        to.AppendFrag(w.Lender[4], 0, 10);
        SkBuff from = w.Cache.Alloc(0);
        from.AppendFrag(w.Lender[0], 0, 200, d);
        Assert.Equal(60, SkBuff.Shift(to, from, 60));
        Assert.Equal(3, d.Destructor.RefCount);
        Assert.Equal(140, from.FragSize(0));
        Assert.Equal(60, from.FragOffset(0));
        to.Consume();
        from.Consume();
    }

    [Fact]
    public void Shift_refuses_a_source_with_linear_bytes()
    {
        using var w = new BufferWorld();
        SkBuff to = w.Cache.Alloc(0);
        SkBuff from = w.Linear([1, 2]);
        Assert.Throws<InvalidOperationException>(() => SkBuff.Shift(to, from, 1));
        to.Consume();
        from.Consume();
    }

    [Fact]
    public void Rule6_try_coalesce_keeps_frags_with_different_destructors_apart()
    {
        using var w = new BufferWorld();
        var d1 = w.NewDestructor("d1");
        var d2 = w.NewDestructor("d2");
        SkBuff to = w.Cache.Alloc(0);
        to.AppendFrag(w.Lender[0], 0, 100, d1);
        SkBuff from = w.Cache.Alloc(0);
        from.AppendFrag(w.Lender[0], 100, 100, d2);
        Assert.True(SkBuff.TryCoalesce(to, from));
        Assert.Equal(2, to.NrFrags);
        Assert.Same(d2.Destructor, to.FragDestructorOf(1));
        Assert.Equal(2, d2.Destructor.RefCount);
        Assert.Equal(200, to.Len);
        to.Consume();
    }

    [Fact]
    public void Try_coalesce_merges_same_destructor_ranges_and_keeps_the_count_exact()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff to = w.Cache.Alloc(0);
        to.AppendFrag(w.Lender[0], 0, 100, d);
        SkBuff from = w.Cache.Alloc(0);
        from.AppendFrag(w.Lender[0], 100, 100, d);
        Assert.True(SkBuff.TryCoalesce(to, from));
        Assert.Equal(1, to.NrFrags);
        Assert.Equal(2, d.Destructor.RefCount);
        to.Consume();
    }

    [Fact]
    public void Try_coalesce_from_a_cloned_buffer_takes_second_pointers()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff to = w.Cache.Alloc(0);
        to.AppendFrag(w.Lender[5], 0, 10);
        SkBuff from = w.Cache.Alloc(0);
        from.AppendFrag(w.Lender[0], 0, 100, d);
        SkBuff fromClone = from.Clone();
        Assert.True(SkBuff.TryCoalesce(to, from));
        Assert.Equal(3, d.Destructor.RefCount); // creator + the clone's + to's
        Assert.Equal(100, fromClone.Len);
        fromClone.Consume();
        to.Consume();
    }

    [Fact]
    public void Try_coalesce_refuses_a_cloned_target()
    {
        using var w = new BufferWorld();
        SkBuff to = w.Linear([1], headroom: 0);
        SkBuff clone = to.Clone();
        SkBuff from = w.Linear([2]);
        Assert.False(SkBuff.TryCoalesce(to, from));
        Assert.Equal(1, to.Len);
        to.Consume();
        clone.Consume();
        from.Consume();
    }

    [Fact]
    public void Rule5_orphan_frags_copies_lent_pages_out_and_lets_the_destructor_run()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        Page own = w.PoolPage(0x77);
        skb.FillPageDesc(2, own, 0, 10);
        byte[] before = TestBytes.Of(skb);
        d.Destructor.Release();
        Assert.True(skb.HasLentFrags());
        Assert.True(skb.OrphanFrags());
        Assert.Equal(1, d.Runs);
        Assert.False(skb.HasLentFrags());
        Assert.Same(own, skb.FragPage(2)); // stack-owned frags stay
        w.Lender[0].Span.Fill(0x55);
        Assert.Equal(before, TestBytes.Of(skb));
        skb.Consume();
    }

    [Fact]
    public void Orphan_frags_on_an_empty_pool_fails_and_changes_nothing()
    {
        using var w = new BufferWorld(poolPages: 1);
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d); // needs two pages; the pool has one
        byte[] before = TestBytes.Of(skb);
        Assert.False(skb.OrphanFrags());
        Assert.True(skb.HasLentFrags());
        Assert.Equal(3, d.Destructor.RefCount);
        Assert.Equal(before, TestBytes.Of(skb));
        Assert.Equal(0, w.Pool.Outstanding);
        Assert.Equal(1, w.Pool.Exhaustions);
        skb.Consume();
    }

    [Fact]
    public void Orphan_frags_of_a_clone_leaves_the_other_sharer_holding_the_lent_pages()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff skb = Lent(w, d);
        d.Destructor.Release();
        SkBuff inFlight = skb.Clone(); // say, in a NIC ring
        Assert.True(skb.OrphanFrags());
        Assert.Equal(0, d.Runs);
        inFlight.Consume(); // TX completion
        Assert.Equal(1, d.Runs);
        skb.Consume();
    }

    [Fact]
    public void Unshare_returns_the_same_buffer_unless_cloned()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear([1, 2]);
        Assert.Same(skb, skb.Unshare());
        SkBuff clone = skb.Clone();
        SkBuff mine = clone.Unshare();
        Assert.NotSame(clone, mine);
        Assert.False(mine.IsCloned);
        Assert.False(skb.IsCloned);
        skb.Consume();
        mine.Consume();
    }

    [Fact]
    public void A_frag_list_adds_its_members_bytes_and_linearize_flattens_them()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        SkBuff head = w.Linear([1, 2, 3]);
        SkBuff member = w.Linear([4, 5]);
        member.AppendFrag(w.Lender[6], 0, 3, d);
        head.AppendToFragList(member);
        Assert.Equal(8, head.Len);
        Assert.Equal(5, head.DataLen);
        byte[] all = TestBytes.Of(head);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 0xA6, 0xA6, 0xA6 }, all);
        SkBuff copy = head.PskbCopy();
        Assert.Equal(2, member.Users); // skb_clone_fraglist
        head.Linearize();
        Assert.Null(head.FragList);
        Assert.Equal(all, TestBytes.Of(head));
        Assert.Equal(1, member.Users);
        head.Consume();
        copy.Consume();
        Assert.True(member.IsFree);
    }

    [Fact]
    public void A_member_cannot_join_a_frag_list_twice_or_bring_its_own()
    {
        using var w = new BufferWorld();
        SkBuff head = w.Linear([1]);
        SkBuff member = w.Linear([2]);
        SkBuff nested = w.Linear([3]);
        member.AppendToFragList(nested);
        Assert.Throws<InvalidOperationException>(() => head.AppendToFragList(member));
        SkBuff clone = head.Clone();
        Assert.Throws<InvalidOperationException>(() => head.AppendToFragList(clone));
        Assert.Null(head.FragList);
        clone.Consume();
        head.Consume();
        member.Consume();
    }
}
