namespace FragNet.Buffers.Tests;

/// <summary>
/// The per-skb frag reference forms over runs of neighbouring frags under one destructor (<c>FragCore.RefAll</c> /
/// <c>UnrefAll</c>): the destructor's count moves by the run's length in one step, after every page of the run.
/// </summary>
public sealed class FragRunReferenceTests
{
    // Frag i lends lender page i; the destructor pattern A,A,A,B,B,none,A has three runs of A split by B and a bare frag.
    private static readonly int[] s_aPages = [0, 1, 2, 6];
    private static readonly int[] s_bPages = [3, 4];

    private static SkBuff RunsOfABNoneA(BufferWorld w, FragDestructor a, FragDestructor b)
    {
        SkBuff skb = w.Cache.Alloc(0);
        FragDestructor?[] pattern = [a, a, a, b, b, null, a];
        for (int i = 0; i < pattern.Length; i++)
        {
            skb.AppendFrag(w.Lender[i], 10 * i, 100, pattern[i]);
        }

        return skb;
    }

    /// <summary>A destructor that records, when its Destroy runs, the count of each page in <paramref name="pages"/>.</summary>
    private static FragDestructor Observer(BufferWorld w, int[] pages, List<int> seen, string name) =>
        new(_ => seen.AddRange(pages.Select(p => w.Lender[p].RefCount)), null, name);

    [Fact]
    public void Freeing_a_buffer_with_runs_under_two_destructors_runs_each_once_at_the_final_free()
    {
        using var w = new BufferWorld();
        var a = w.NewDestructor("a");
        var b = w.NewDestructor("b");
        SkBuff skb = RunsOfABNoneA(w, a, b);
        Assert.Equal(7, skb.NrFrags);
        Assert.Equal(1 + 4, a.Destructor.RefCount);
        Assert.Equal(1 + 2, b.Destructor.RefCount);
        a.Destructor.Release();
        b.Destructor.Release();
        SkBuff clone = skb.Clone(); // shares the frags: no references of its own

        skb.Consume();
        Assert.Equal(0, a.Runs);
        Assert.Equal(0, b.Runs);
        Assert.Equal(4, a.Destructor.RefCount);

        clone.Consume();
        Assert.Equal(1, a.Runs);
        Assert.Equal(1, b.Runs);
        Assert.Equal(1, w.Lender[5].RefCount); // the bare frag's page is back with its lender too
    }

    [Fact]
    public void A_released_destructor_in_a_later_run_is_refused_before_an_earlier_run_takes_anything()
    {
        using var w = new BufferWorld();
        var a = w.NewDestructor("a");
        var b = w.NewDestructor("b");
        SkBuff skb = w.Cache.Alloc(0);
        skb.AppendFrag(w.Lender[0], 0, 100, a.Destructor);
        skb.AppendFrag(w.Lender[1], 0, 100, b.Destructor);
        SkbFrag[] stale = [skb.Frag(0), skb.Frag(1)]; // kept past the buffer's life: the misuse
        b.Destructor.Release();
        skb.Consume(); // b's last reference goes (its Destroy runs); a keeps its creator's

        Assert.Equal(1, b.Runs);
        Assert.Throws<RefCountException>(() => FragCore.RefAll(stale, "test"));
        Assert.Equal(1, a.Destructor.RefCount); // a's run took nothing
        Assert.Equal(1, w.Lender[0].RefCount);
        Assert.Equal(1, w.Lender[1].RefCount);
    }

    [Fact]
    public void When_Destroy_runs_every_page_of_that_destructors_frags_has_already_been_dropped()
    {
        using var w = new BufferWorld();
        List<int> seenByA = [];
        List<int> seenByB = [];
        FragDestructor a = Observer(w, s_aPages, seenByA, "observer-a");
        FragDestructor b = Observer(w, s_bPages, seenByB, "observer-b");
        SkBuff skb = RunsOfABNoneA(w, a, b);
        a.Release();
        b.Release();

        skb.Consume();
        Assert.Equal([1, 1, 1, 1], seenByA); // only the lender's own hold on each page A covered
        Assert.Equal([1, 1], seenByB);
        Assert.Equal(1, a.DestroyCount);
        Assert.Equal(1, b.DestroyCount);
    }

    [Fact]
    public void FragsRefAll_and_FragsUnrefAll_move_every_page_and_destructor_count_by_exactly_its_frags()
    {
        using var w = new BufferWorld();
        var a = w.NewDestructor("a");
        var b = w.NewDestructor("b");
        SkBuff skb = RunsOfABNoneA(w, a, b);

        skb.FragsRefAll();
        Assert.Equal(1 + 8, a.Destructor.RefCount);
        Assert.Equal(1 + 4, b.Destructor.RefCount);
        for (int p = 0; p < 7; p++)
        {
            Assert.Equal(3, w.Lender[p].RefCount); // lender + frag + the extra reference
        }

        skb.FragsUnrefAll();
        Assert.Equal(1 + 4, a.Destructor.RefCount);
        Assert.Equal(1 + 2, b.Destructor.RefCount);
        for (int p = 0; p < 7; p++)
        {
            Assert.Equal(2, w.Lender[p].RefCount);
        }

        Assert.Equal(0, a.Runs);
        skb.Consume();
    }

    [Fact]
    public void PskbCopy_of_runs_takes_one_reference_per_frag_and_the_last_copy_freed_runs_the_destructors()
    {
        using var w = new BufferWorld();
        var a = w.NewDestructor("a");
        var b = w.NewDestructor("b");
        SkBuff skb = RunsOfABNoneA(w, a, b);
        a.Destructor.Release();
        b.Destructor.Release();

        SkBuff copy = skb.PskbCopy(); // private header, shared frags: a FragRef each
        Assert.Equal(8, a.Destructor.RefCount);
        Assert.Equal(4, b.Destructor.RefCount);
        Assert.Equal(3, w.Lender[5].RefCount);

        skb.Consume();
        Assert.Equal(4, a.Destructor.RefCount);
        Assert.Equal(0, a.Runs);
        copy.Consume();
        Assert.Equal(1, a.Runs);
        Assert.Equal(1, b.Runs);
    }
}
