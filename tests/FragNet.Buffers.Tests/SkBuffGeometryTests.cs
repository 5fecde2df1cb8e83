namespace FragNet.Buffers.Tests;

/// <summary>Head geometry: reserve, put, push, pull, trim; and the ownership predicates.</summary>
public sealed class SkBuffGeometryTests
{
    [Fact]
    public void Reserve_put_push_keep_len_equal_to_head_plus_paged()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Cache.Alloc(200);
        skb.Reserve(64);
        skb.Put(100).Fill(0x11);
        skb.Push(20).Fill(0x22);
        Assert.Equal(120, skb.Len);
        Assert.Equal(120, skb.HeadLen);
        Assert.Equal(44, skb.Headroom);
        Assert.True(skb.Tailroom >= 36);
        Assert.Equal(0x22, skb.LinearData[0]);
        Assert.Equal(0x11, skb.LinearData[20]);
        skb.Consume();
    }

    [Fact]
    public void Put_past_the_end_and_push_past_the_head_throw_and_change_nothing()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Cache.Alloc(64);
        skb.Reserve(8);
        Assert.Throws<InvalidOperationException>(() => skb.Put(skb.Tailroom + 1));
        Assert.Throws<InvalidOperationException>(() => skb.Push(9));
        Assert.Equal(0, skb.Len);
        Assert.Equal(8, skb.Headroom);
        skb.Consume();
    }

    [Fact]
    public void Put_on_a_nonlinear_buffer_throws()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Cache.Alloc(64);
        skb.AppendFrag(w.Lender[0], 0, 10);
        Assert.Throws<InvalidOperationException>(() => skb.Put(1));
        skb.Consume();
    }

    [Fact]
    public void Pull_beyond_the_length_fails_and_changes_nothing()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear([1, 2, 3]);
        Assert.False(skb.Pull(4));
        Assert.Equal(3, skb.Len);
        Assert.True(skb.Pull(1));
        Assert.Equal([2, 3], skb.LinearData.ToArray());
        skb.Consume();
    }

    [Fact]
    public void Pull_of_paged_bytes_pulls_them_into_the_head_first()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear([9, 9]);
        skb.AppendFrag(w.Lender[1], 0, 100);
        Assert.True(skb.Pull(10));
        Assert.Equal(92, skb.Len);
        Assert.Equal(92, skb.FragSize(0));
        skb.Consume();
    }

    [Fact]
    public void Trim_beyond_the_length_throws()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear([1, 2, 3]);
        Assert.Throws<ArgumentOutOfRangeException>(() => skb.Trim(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => skb.Trim(-1));
        Assert.Equal(3, skb.Len);
        skb.Consume();
    }

    [Fact]
    public void A_clone_is_cloned_and_shares_the_head_so_push_needs_CowHead()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear([1, 2, 3]);
        SkBuff clone = skb.Clone();
        Assert.True(skb.IsCloned);
        Assert.True(clone.IsCloned);
        Assert.True(clone.IsHeaderCloned);
        Assert.Equal(2, skb.Shinfo.DataRef);
        Assert.Throws<InvalidOperationException>(() => clone.Push(4));
        clone.CowHead(4);
        Assert.False(clone.IsCloned);
        clone.Push(4).Fill(7);
        Assert.Equal([1, 2, 3], skb.LinearData.ToArray());
        Assert.Equal([7, 7, 7, 7, 1, 2, 3], clone.LinearData.ToArray());
        skb.Consume();
        clone.Consume();
    }

    [Fact]
    public void After_HeaderRelease_the_clone_may_push_headers_into_the_shared_headroom()
    {
        // tcp_transmit_skb: the retransmit-queue buffer looks only at the payload, its clone writes the headers.
        using var w = new BufferWorld();
        SkBuff queued = w.Linear([5, 5, 5], headroom: 64);
        queued.HeaderRelease();
        SkBuff xmit = queued.Clone();
        Assert.False(xmit.IsHeaderCloned);
        xmit.Push(20).Fill(0x45);
        SkBuff second = queued.Clone(); // a retransmission while the first is still in flight
        Assert.True(second.IsHeaderCloned);
        Assert.Throws<InvalidOperationException>(() => second.Push(20));
        second.Consume();
        xmit.Consume();
        Assert.Equal(1, queued.Shinfo.DataRef);
        queued.Consume();
    }

    [Fact]
    public void Get_adds_a_holder_and_each_holder_frees_once()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear([1]);
        skb.Get();
        Assert.True(skb.IsShared);
        Assert.Throws<InvalidOperationException>(() => skb.ExpandHead(0, 0));
        skb.Consume();
        Assert.False(skb.IsFree);
        skb.Consume();
        Assert.True(skb.IsFree);
    }

    [Fact]
    public void A_freed_buffer_cannot_be_used_or_freed_again()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear([1]);
        skb.Drop(DropReason.QueueFull);
        Assert.Throws<RefCountException>(skb.Consume);
        Assert.Throws<RefCountException>(() => skb.Put(1));
        Assert.Throws<RefCountException>(skb.Clone);
        Assert.Equal(DropReason.QueueFull, skb.LastReason);
        Assert.Equal(1, w.Cache.Drops(DropReason.QueueFull));
        Assert.Equal(0, w.Cache.Consumed);
    }

    [Fact]
    public void Drop_requires_a_reason_and_consume_is_counted_apart()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear([1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => skb.Drop(DropReason.Consumed));
        Assert.Throws<ArgumentOutOfRangeException>(() => skb.Drop(DropReason.NotDroppedYet));
        skb.Consume();
        Assert.Equal(1, w.Cache.Consumed);
    }

    [Fact]
    public void The_skb_level_destructor_runs_per_header_and_is_not_inherited_by_clones()
    {
        using var w = new BufferWorld();
        var owner = new CountingOwner();
        SkBuff skb = w.Linear([1]);
        skb.Destructor = owner;
        SkBuff clone = skb.Clone();
        Assert.Null(clone.Destructor);
        clone.Consume();
        Assert.Equal(0, owner.Calls);
        skb.Consume();
        Assert.Equal(1, owner.Calls);
    }

    [Fact]
    public void Metadata_follows_clones_copies_and_expand_head()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear(new byte[40], headroom: 16);
        skb.Protocol = 0x0800;
        skb.NetworkHeader = 0;
        skb.TransportHeader = 20;
        skb.Mark = 7;
        skb.Timestamp = Instant.FromMilliseconds(1500);
        skb.ExpandHead(64, 0);
        Assert.Equal(80, skb.Headroom);
        Assert.Equal(20, skb.TransportHeader);
        SkBuff copy = skb.Copy();
        SkBuff clone = skb.Clone();
        foreach (SkBuff b in new[] { copy, clone })
        {
            Assert.Equal(0x0800, b.Protocol);
            Assert.Equal(0, b.NetworkHeader);
            Assert.Equal(20, b.TransportHeader);
            Assert.Equal(7u, b.Mark);
            Assert.Equal(Instant.FromMilliseconds(1500), b.Timestamp);
        }

        skb.Consume();
        copy.Consume();
        clone.Consume();
    }

    private sealed class CountingOwner : ISkbDestructor
    {
        public int Calls { get; private set; }

        public void Destruct(SkBuff skb) => Calls++;
    }
}
