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
        page.Acquire(operation);
        frag.DestructorRef?.Acquire(operation);
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
}
