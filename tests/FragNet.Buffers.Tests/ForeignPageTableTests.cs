namespace FragNet.Buffers.Tests;

/// <summary>Page structs for another domain's frames: an alias holds the frame while it lives and comes back, with a
/// notification, when its last reference goes.</summary>
public sealed class ForeignPageTableTests
{
    [Fact]
    public void An_alias_shares_the_memory_and_holds_the_source_until_it_comes_back()
    {
        using var guest = new UserBuffer(1, "guest");
        var unmapped = new List<Page>();
        var table = new ForeignPageTable("dom0-mappings", unmapped.Add);
        guest[0].Span[7] = 0x5A;

        Page alias = table.Map(guest[0]);
        Assert.Equal(0x5A, alias.Span[7]);
        Assert.Equal(guest[0].FrameNumber, alias.FrameNumber);
        Assert.Equal(2, guest[0].RefCount);
        Assert.Equal(1, table.Mapped);
        Assert.Same(guest[0], table.SourceOf(alias));

        using var pool = new PagePool(1, "pool");
        SkBuff skb = new SkbCache(pool, "c").Alloc(0);
        skb.AppendFrag(alias, 0, 100);
        alias.Release(); // the mapper's hold: the frag keeps the alias alive
        Assert.Empty(unmapped);

        skb.Consume();
        Assert.Equal([alias], unmapped);
        Assert.Equal(0, table.Mapped);
        Assert.Equal(1, guest[0].RefCount);
    }

    [Fact]
    public void A_foreign_flagged_alias_runs_its_page_destructor_first_and_returns_through_ReturnForeign()
    {
        using var guest = new UserBuffer(1, "guest");
        int unmapped = 0;
        var table = new ForeignPageTable("dom0-mappings", _ => unmapped++);
        Page alias = table.Map(guest[0]);
        int foreign = 0;
        alias.SetForeign(p =>
        {
            foreign++;
            Assert.Equal(0, unmapped); // the page destructor sees the page before the table does
            p.ReturnForeign();
        });

        alias.Release();
        Assert.Equal(1, foreign);
        Assert.Equal(1, unmapped);
        Assert.Equal(1, guest[0].RefCount);
    }

    [Fact]
    public void A_page_the_table_did_not_map_is_refused()
    {
        using var pool = new PagePool(1, "pool");
        var table = new ForeignPageTable("t");
        Page p = pool.Alloc();
        Assert.Throws<RefCountException>(() => ((IPageOwner)table).ReturnPage(p));
        p.Release();
    }

    [Fact]
    public void Remap_gives_a_returned_alias_a_new_life_and_a_frag_of_the_old_life_fails_its_life_check()
    {
        using var guest = new UserBuffer(1, "guest");
        using var pool = new PagePool(1, "pool");
        var cache = new SkbCache(pool, "c");
        var unmapped = new List<Page>();
        var table = new ForeignPageTable("dom0-mappings", unmapped.Add);
        Page alias = table.Map(guest[0]);
        SkBuff skb = cache.Alloc(0);
        skb.AppendFrag(alias, 0, 100);
        SkbFrag stale = skb.Frag(0); // a snapshot kept past the buffer's free: what a buggy holder would have
        alias.Release();
        Assert.Throws<RefCountException>(() => table.Remap(alias)); // the frag still holds it
        skb.Consume();
        Assert.Equal([alias], unmapped);
        Assert.Throws<RefCountException>(() => stale.Bytes("stale read"));

        guest[0].Span[3] = 0x42;
        Assert.Same(alias, table.Remap(alias));
        Assert.Equal(1, alias.RefCount);
        Assert.Equal(2, guest[0].RefCount);
        Assert.Equal(1, table.Mapped);
        Assert.Equal(2, table.Maps);
        Assert.Equal(0x42, alias.Span[3]);
        Assert.Throws<RefCountException>(() => stale.Bytes("stale read")); // live again, but in another life
        Assert.Throws<RefCountException>(() => FragCore.Ref(stale, "stale ref"));

        alias.Release();
        Assert.Equal([alias, alias], unmapped);
        Assert.Equal(0, table.Mapped);
        Assert.Equal(1, guest[0].RefCount);
        Assert.Throws<RefCountException>(() => ((IPageOwner)table).ReturnPage(alias)); // returned once per life
        Assert.Equal(1, guest[0].RefCount);
        Assert.Equal(0, cache.Live);
    }

    [Fact]
    public void Remap_refuses_pages_that_are_not_returned_aliases_of_the_table()
    {
        using var guest = new UserBuffer(1, "guest");
        using var pool = new PagePool(1, "pool");
        var table = new ForeignPageTable("t");
        var other = new ForeignPageTable("u");
        Page alias = table.Map(guest[0]);
        Assert.Throws<RefCountException>(() => table.Remap(alias)); // still mapped
        alias.Release();
        Assert.Throws<ArgumentException>(() => other.Remap(alias));
        Page local = pool.Alloc();
        Assert.Throws<ArgumentException>(() => table.Remap(local));
        local.Release();
        Assert.Equal(1, guest[0].RefCount);
    }
}
