namespace FragNet.Buffers.Verification;

/// <summary>
/// One lent page's life, step by step: the page an application lends with a fragment destructor, followed through
/// clone, pskb_copy, GSO segmentation, pull-up and the frees, with its reference count and the destructor's after
/// each step. <c>fragnet buffers trace</c> prints it; tests assert it.
/// </summary>
public static class LentPageTrace
{
    /// <summary>One row of the trace.</summary>
    /// <param name="Step">The operation, in Linux terms.</param>
    /// <param name="PageRefCount">The lent page's count after the step (the application's own hold included).</param>
    /// <param name="DestructorRef">The destructor's count after the step.</param>
    /// <param name="Destroyed">True once <c>Destroy</c> has run.</param>
    /// <param name="Note">What the step shows.</param>
    public sealed record Row(string Step, int PageRefCount, int DestructorRef, bool Destroyed, string Note);

    /// <summary>Runs the trace on a fresh pool and returns the rows; everything is released at the end.</summary>
    public static IReadOnlyList<Row> Run()
    {
        var rows = new List<Row>();
        using var pool = new PagePool(64, "trace-pool");
        var cache = new SkbCache(pool, "trace");
        using var app = new UserBuffer(1, "app-buffer");
        app.Span.Fill(0xAA);
        Page page = app[0];
        int destroyedAtRow = -1;
        var destructor = new FragDestructor(_ => destroyedAtRow = rows.Count, null, "nfs-write");

        void Log(string step, string note) =>
            rows.Add(new Row(step, page.RefCount, destructor.RefCount, destructor.IsDestroyed, note));

        Log("lend page", "the application holds its page; the destructor's creator holds its initial reference");
        SkBuff skb = cache.Alloc(128 + 54);
        skb.Reserve(128);
        skb.Put(54).Fill(0x45);
        skb.AppendFrag(page, 0, Page.Size, destructor);
        Log("alloc_skb + AppendFrag", "the frag takes a page reference and a destructor reference (rule 1)");
        destructor.Release();
        Log("creator releases", "the lender has handed its page over (rule 2)");
        SkBuff clone = skb.Clone();
        Log("skb_clone", "shares the data buffer: no frag references taken (rule 3)");
        SkBuff copy = skb.PskbCopy();
        Log("pskb_copy", "private head, second pointer to the frag: FragRef (rule 4)");
        copy.GsoSize = 1448;
        SkBuff? segments = copy.Segment(54);
        int segmentCount = 0;
        for (SkBuff? s = segments; s is not null; s = s.Next)
        {
            segmentCount++;
        }

        Log("skb_segment (mss 1448)", $"{segmentCount} segments, each frag a new pointer: FragRef each (rule 4)");
        segments!.PullTail(54 + 100);
        Log("pskb_may_pull (100 B)", "bytes copied into the head; the frag is trimmed, still referenced");
        skb.Consume();
        Log("free original", "the clone still holds the data buffer: nothing dropped (rule 3)");
        clone.Consume();
        Log("free clone", "last holder of the data buffer: its frag is dropped (FragUnref)");
        copy.Consume();
        Log("free pskb_copy", "its frag dropped");
        while (segments is not null)
        {
            SkBuff? next = segments.Next;
            segments.Next = null;
            segments.Consume();
            segments = next;
            Log("free segment", segments is null ? "last reference: Destroy runs now, exactly once" : "one fewer frag");
        }

        if (destroyedAtRow < 0 || pool.Outstanding != 0 || cache.Live != 0 || page.RefCount != 1)
        {
            throw new InvalidOperationException("trace ended with references outstanding");
        }

        return rows;
    }
}
