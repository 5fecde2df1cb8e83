namespace FragNet.Buffers.Tests;

/// <summary>
/// <c>AcquireRefs</c> / <c>ReleaseRefs</c>: n references taken or dropped in one atomic step, under the same rules as n
/// single steps (starts at 1, no revive, never below zero, the release runs exactly once per life).
/// </summary>
public sealed class BatchRefCountTests
{
    [Fact]
    public void AcquireRefs_takes_that_many_references_and_ReleaseRefs_drops_them_without_releasing()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        d.Destructor.AcquireRefs(3, "test");
        Assert.Equal(4, d.Destructor.RefCount);
        Assert.False(d.Destructor.ReleaseRefs(3, "test"));
        Assert.Equal(1, d.Destructor.RefCount);
        Assert.Equal(0, d.Runs);
    }

    [Fact]
    public void Dropping_more_references_than_are_held_throws_and_drops_none()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        d.Destructor.AcquireRefs(2, "test"); // 3 held
        var ex = Assert.Throws<RefCountException>(() => d.Destructor.ReleaseRefs(4, "test"));
        Assert.Contains("4 references dropped with 3 held", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, d.Destructor.RefCount);
        Assert.Equal(0, d.Runs);
        d.Destructor.ReleaseRefs(2, "test");
    }

    [Fact]
    public void Dropping_the_last_references_at_once_runs_the_release_exactly_once_and_says_so()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        d.Destructor.AcquireRefs(3, "test");
        d.Destructor.Release(); // the creator's: 3 left, all frag-like holds
        Assert.Equal(0, d.Runs);
        Assert.True(d.Destructor.ReleaseRefs(3, "test"));
        Assert.Equal(1, d.Runs);
        Assert.Equal(0, d.Destructor.RefCount);
    }

    [Fact]
    public void Taking_or_dropping_references_after_the_release_throws_and_changes_nothing()
    {
        using var w = new BufferWorld();
        var d = w.NewDestructor();
        d.Destructor.Release();
        Assert.Equal(1, d.Runs);
        Assert.Throws<RefCountException>(() => d.Destructor.AcquireRefs(2, "late"));
        Assert.Throws<RefCountException>(() => d.Destructor.AcquireRefs(1, "late"));
        Assert.Throws<RefCountException>(() => d.Destructor.ReleaseRefs(2, "late"));
        Assert.Throws<RefCountException>(() => d.Destructor.ReleaseRefs(1, "late"));
        Assert.Equal(0, d.Destructor.RefCount);
        Assert.Equal(1, d.Runs); // still exactly once: no revive, no second Destroy
    }

    [Fact]
    public void A_page_whose_references_are_all_dropped_at_once_goes_back_to_its_pool_once()
    {
        using var w = new BufferWorld(poolPages: 2);
        Page page = w.Pool.Alloc();
        page.AcquireRefs(4, "test");
        Assert.Equal(5, page.RefCount);
        Assert.Throws<RefCountException>(() => page.ReleaseRefs(6, "test"));
        Assert.Equal(5, page.RefCount);
        Assert.Equal(1, w.Pool.Outstanding);

        Assert.True(page.ReleaseRefs(5, "test"));
        Assert.Equal(0, w.Pool.Outstanding);
        Assert.Throws<RefCountException>(() => page.ReleaseRefs(2, "test"));
        Assert.Equal(2, w.Pool.Available); // not returned a second time
    }

    [Fact]
    public void Taking_or_dropping_zero_references_is_refused_and_a_released_page_stays_released_once()
    {
        using var w = new BufferWorld(poolPages: 2);
        Page other = w.Pool.Alloc(); // keeps the pool from being full, so a second return is not caught there
        Page page = w.Pool.Alloc();
        page.Release();
        Assert.Equal(1, w.Pool.Available);
        Assert.Throws<ArgumentOutOfRangeException>(() => page.ReleaseRefs(0, "test"));
        Assert.Throws<ArgumentOutOfRangeException>(() => other.ReleaseRefs(-1, "test"));
        Assert.Throws<ArgumentOutOfRangeException>(() => other.AcquireRefs(0, "test"));

        Assert.Equal(1, w.Pool.Available); // the page is on the free list once, not twice
        Assert.Equal(0, page.RefCount);
        other.Release();
    }
}
