namespace FragNet.Buffers;

/// <summary>
/// The chokepoint: the only code that changes page and destructor counts on behalf of a fragment (brief rule 1).
/// </summary>
/// <remarks>
/// A frag holds one reference on its page and, if it carries one, one on its destructor; they are taken and dropped
/// together here and nowhere else. On a drop the page goes first, so that when <c>Destroy</c> runs the lender sees
/// the page count already without this frag.
/// </remarks>
internal static class FragCore
{
    /// <summary>Takes the references of one more frag pointing at <paramref name="frag"/>'s range.</summary>
    public static void Ref(in SkbFrag frag, string operation)
    {
        Page page = frag.Page;
        page.CheckLife(frag.PageGeneration, operation);
        frag.DestructorRef?.Acquire(operation); // first: a destroyed destructor refuses before any page is counted
        page.Acquire(operation);
    }

    /// <summary>
    /// Takes the references of every frag in <paramref name="frags"/>, as <see cref="Ref"/> on each would, but all or
    /// nothing: every page and every destructor is checked first, so a misuse is refused before any reference of any run
    /// is taken; then a run
    /// of neighbours under one destructor takes the destructor's references in one atomic step, and its pages theirs
    /// (the mirror of <see cref="UnrefAll"/>).
    /// </summary>
    public static void RefAll(ReadOnlySpan<SkbFrag> frags, string operation)
    {
        foreach (ref readonly SkbFrag frag in frags)
        {
            frag.Page.CheckLife(frag.PageGeneration, operation);
            if (frag.DestructorRef is { IsLive: false } released)
            {
                released.AcquireRefs(1, operation); // refuses (throws) with nothing counted, not even an earlier run's
            }
        }

        int i = 0;
        while (i < frags.Length)
        {
            FragDestructor? destructor = frags[i].DestructorRef;
            int run = 1;
            while (i + run < frags.Length && ReferenceEquals(frags[i + run].DestructorRef, destructor))
            {
                run++;
            }

            destructor?.AcquireRefs(run, operation); // first: a destroyed destructor refuses before any page is counted
            for (int end = i + run; i < end; i++)
            {
                frags[i].Page.Acquire(operation);
            }
        }
    }

    /// <summary>Drops the references of one frag; may run the page's owner return and the destructor.</summary>
    public static void Unref(in SkbFrag frag, string operation)
    {
        FragDestructor? destructor = frag.DestructorRef;
        Page page = frag.Page;
        page.CheckLife(frag.PageGeneration, operation);
        page.ReleaseRef(operation);
        destructor?.ReleaseRef(operation);
    }

    /// <summary>
    /// Drops the references of every frag in <paramref name="frags"/>, as <see cref="Unref"/> on each in turn would. A
    /// run of neighbours lending under one destructor — a zero-copy send's pages, a guest packet's slots — drops its
    /// pages one by one and then the destructor's count by the run's length in one atomic step, so the rule above
    /// holds for the whole run: when <c>Destroy</c> runs, no page of the run is still counted.
    /// </summary>
    public static void UnrefAll(ReadOnlySpan<SkbFrag> frags, string operation)
    {
        int i = 0;
        while (i < frags.Length)
        {
            FragDestructor? destructor = frags[i].DestructorRef;
            int run = 0;
            do
            {
                Page page = frags[i].Page;
                page.CheckLife(frags[i].PageGeneration, operation);
                page.ReleaseRef(operation);
                run++;
                i++;
            }
            while (i < frags.Length && ReferenceEquals(frags[i].DestructorRef, destructor));

            destructor?.ReleaseRefs(run, operation);
        }
    }
}
