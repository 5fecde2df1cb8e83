namespace FragNet.Buffers.Tests;

/// <summary>
/// <see cref="SkbCache"/>'s owner magazine (the thread that made the cache allocates and frees without a lock) against
/// frees and allocations on other threads, and data buffers that keep their heads across lives.
/// </summary>
public sealed class SkbCacheThreadTests
{
    /// <summary>Runs <paramref name="work"/> on a dedicated thread and waits for it; its exception, if any, is rethrown.</summary>
    private static void OnAnotherThread(Action work)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("the other thread failed", failure);
        }
    }

    [Fact]
    public void A_buffer_the_owner_allocated_and_another_thread_freed_is_counted_back_and_reused_by_the_owner()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear(TestBytes.Pattern(100, 1));
        SharedInfo shinfo = skb.Shinfo;
        Assert.Equal((1, 1), (w.Cache.Live, w.Cache.LiveShared));

        OnAnotherThread(skb.Consume);

        Assert.Equal((0, 0), (w.Cache.Live, w.Cache.LiveShared));
        Assert.Equal(string.Empty, w.Cache.LeakReport());
        SkBuff again = w.Cache.Alloc(164); // the same head size class as the freed one
        Assert.Same(skb, again);
        Assert.Same(shinfo, again.Shinfo);
        Assert.Equal((1, 1), (w.Cache.Live, w.Cache.LiveShared));
        again.Consume();
        Assert.Equal((0, 0), (w.Cache.Live, w.Cache.LiveShared));
    }

    [Fact]
    public void Buffers_allocated_on_another_thread_are_counted_and_may_be_freed_by_the_owner()
    {
        using var w = new BufferWorld();
        var made = new List<SkBuff>();
        OnAnotherThread(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                made.Add(w.Linear(TestBytes.Pattern(50, i)));
            }
        });

        Assert.Equal((3, 3), (w.Cache.Live, w.Cache.LiveShared));
        Assert.Contains("3 buffer(s)", w.Cache.LeakReport(), StringComparison.Ordinal);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(TestBytes.Pattern(50, i), TestBytes.Of(made[i]));
            made[i].Consume();
        }

        Assert.Equal((0, 0), (w.Cache.Live, w.Cache.LiveShared));
        Assert.Equal(string.Empty, w.Cache.LeakReport());
    }

    [Fact]
    public void A_thread_that_allocates_and_frees_its_own_buffers_reuses_them_and_leaves_the_counts_at_zero()
    {
        using var w = new BufferWorld();
        SkBuff? firstLife = null;
        SkBuff? secondLife = null;
        OnAnotherThread(() =>
        {
            firstLife = w.Cache.Alloc(64);
            firstLife.Consume();
            secondLife = w.Cache.Alloc(64);
            Assert.Equal(1, w.Cache.Live);
            secondLife.Consume();
        });

        Assert.Same(firstLife, secondLife);
        Assert.Equal((0, 0), (w.Cache.Live, w.Cache.LiveShared));
        Assert.Equal(string.Empty, w.Cache.LeakReport());
    }

    [Fact]
    public void Clones_and_frags_freed_on_another_thread_release_their_pages_and_counts()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Cache.Alloc(0);
        var pf = new PageFrag(w.Pool);
        skb.AppendCopy(TestBytes.Pattern(5000, 1), 65536, pf);
        pf.Release();
        SkBuff clone = skb.Clone();
        Assert.Equal((2, 1), (w.Cache.Live, w.Cache.LiveShared));
        skb.Consume();

        OnAnotherThread(clone.Consume);

        Assert.Equal((0, 0), (w.Cache.Live, w.Cache.LiveShared));
        Assert.Equal(0, w.Pool.Outstanding);
    }

    [Fact]
    public void A_reused_head_of_the_same_size_class_gives_the_asked_room_and_keeps_the_new_bytes()
    {
        using var w = new BufferWorld();
        SkBuff old = w.Cache.Alloc(100); // head rounded to 128
        old.Put(100).Fill(0xEE);
        SharedInfo shinfo = old.Shinfo;
        old.Consume();

        SkBuff skb = w.Cache.Alloc(120);
        Assert.Same(shinfo, skb.Shinfo);
        Assert.Equal(128, skb.EndOffset);
        Assert.Equal(128, skb.Tailroom);
        skb.Reserve(8);
        TestBytes.Pattern(120, 3).CopyTo(skb.Put(120));
        Assert.Equal(0, skb.Tailroom);
        TestBytes.Pattern(8, 4).CopyTo(skb.Push(8)); // the headroom is usable too
        Assert.Equal(0, skb.Headroom);
        Assert.Equal([.. TestBytes.Pattern(8, 4), .. TestBytes.Pattern(120, 3)], TestBytes.Of(skb));
        skb.Consume();
    }

    [Fact]
    public void A_larger_request_after_a_small_buffer_was_freed_gets_a_head_that_fits_it()
    {
        using var w = new BufferWorld();
        SkBuff small = w.Cache.Alloc(100);
        SharedInfo smallInfo = small.Shinfo;
        small.Consume();

        SkBuff big = w.Cache.Alloc(3000);
        Assert.NotSame(smallInfo, big.Shinfo);
        Assert.True(big.Tailroom >= 3000, $"tailroom {big.Tailroom}");
        TestBytes.Pattern(3000, 5).CopyTo(big.Put(3000));
        Assert.Equal(TestBytes.Pattern(3000, 5), TestBytes.Of(big));
        SharedInfo bigInfo = big.Shinfo;
        big.Consume();

        SkBuff mid = w.Cache.Alloc(2100); // 2112 bytes: the same 4 KiB size class as 3008
        Assert.Same(bigInfo, mid.Shinfo);
        Assert.Equal(2112, mid.Tailroom);
        TestBytes.Pattern(2100, 6).CopyTo(mid.Put(2100));
        Assert.Equal(TestBytes.Pattern(2100, 6), TestBytes.Of(mid));
        mid.Consume();
    }

    [Fact]
    public void Heads_beyond_the_largest_pooled_size_still_give_every_byte_asked_for()
    {
        using var w = new BufferWorld();
        SkBuff first = w.Cache.Alloc(SkbCache.MaxPooledHead + 100);
        first.Consume();
        int size = 2 * SkbCache.MaxPooledHead;
        SkBuff second = w.Cache.Alloc(size);
        Assert.True(second.Tailroom >= size, $"tailroom {second.Tailroom}");
        Span<byte> all = second.Put(size);
        all[^1] = 0x5A;
        Assert.Equal(0x5A, second.LinearData[size - 1]);
        second.Consume();
    }
}
