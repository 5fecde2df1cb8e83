namespace FragNet.Buffers.Tests;

public sealed class LeakCheckTests
{
    [Fact]
    public void A_leak_is_reported_with_the_page_and_its_last_holders()
    {
        using var pool = new PagePool(4, "leak-test");
        var cache = new SkbCache(pool, "leak-test");
        Page page = pool.Alloc();
        SkBuff skb = cache.Alloc(0);
        skb.FillPageDesc(0, page, 0, 100);
        SkBuff copy = skb.PskbCopy();
        skb.Consume();
        var ex = Assert.Throws<LeakException>(() => LeakCheck.AtTeardown([pool], [cache]));
        Assert.Contains($"page #{page.FrameNumber}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PskbCopy", ex.Message, StringComparison.Ordinal); // who took the reference still held
        Assert.Contains("1 buffer(s)", ex.Message, StringComparison.Ordinal);
        copy.Consume();
        Assert.Equal(string.Empty, LeakCheck.AtTeardown([pool], [cache]));
    }

    [Fact]
    public void A_destructor_that_never_ran_is_a_leak()
    {
        var d = new FragDestructor(_ => { }, null, "never-released");
        string report = LeakCheck.Report(destructors: [d]);
        Assert.Contains("never-released: ran 0 times", report, StringComparison.Ordinal);
        Assert.Contains("creator still holds", report, StringComparison.Ordinal);
        d.Release();
        Assert.Equal(string.Empty, LeakCheck.Report(destructors: [d]));
    }

    [Fact]
    public void A_mapping_left_on_a_device_is_a_leak()
    {
        using var pool = new PagePool(2, "map-leak");
        var cache = new SkbCache(pool);
        var nic = new DmaDevice("nic0", 4);
        SkBuff skb = cache.Alloc(0);
        skb.FillPageDesc(0, pool.Alloc(), 0, 64);
        DmaMapping m = skb.FragDmaMap(nic, 0, 0, 64, DmaDirection.ToDevice);
        skb.Consume();
        Assert.Contains("DMA device 'nic0': 1 mapping(s)", LeakCheck.Report(devices: [nic]), StringComparison.Ordinal);
        Assert.Equal(1, pool.Outstanding); // the mapping still holds the page
        nic.Unmap(m);
        Assert.Equal(0, pool.Outstanding);
    }
}
