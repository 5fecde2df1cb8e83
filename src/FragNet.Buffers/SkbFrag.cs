namespace FragNet.Buffers;

/// <summary>
/// A paged fragment (Linux <c>skb_frag_t</c> with the seed's destructor pointer): a range of one page, and
/// optionally the destructor of the lender who owns that page.
/// </summary>
/// <remarks>
/// Values of this type handed out by <see cref="SkBuff.Frag"/> are read-only snapshots. The live frag sits in the
/// buffer's <see cref="SharedInfo"/> and is changed only through <see cref="SkBuff"/>'s fragment API; its page and
/// destructor references are taken and dropped only by <see cref="FragCore"/> (brief rule 1).
/// Invariant: <c>0 &lt;= Offset</c>, <c>0 &lt; Size</c>, <c>Offset + Size &lt;= Page.Size</c>.
/// </remarks>
public struct SkbFrag
{
    internal Page? PageRef;
    internal FragDestructor? DestructorRef;
    internal int OffsetValue;
    internal int SizeValue;
    internal uint PageGeneration; // the page's life when this frag was made: a stale frag is detected

    internal SkbFrag(Page page, int offset, int size, FragDestructor? destructor)
    {
        PageRef = page;
        DestructorRef = destructor;
        OffsetValue = offset;
        SizeValue = size;
        PageGeneration = page.Generation;
    }

    /// <summary>The page (<c>skb_frag_page</c>).</summary>
    public readonly Page Page => PageRef ?? throw new InvalidOperationException("empty fragment slot");

    /// <summary>Offset of the range within the page.</summary>
    public readonly int Offset => OffsetValue;

    /// <summary>Bytes in the range.</summary>
    public readonly int Size => SizeValue;

    /// <summary>The lender's destructor, or null for pages the stack owns outright.</summary>
    public readonly FragDestructor? Destructor => DestructorRef;

    /// <summary>The fragment's bytes, checked against the page's life (a released or reused page throws).</summary>
    internal readonly Span<byte> Bytes(string operation) =>
        Page.SpanFor(PageGeneration, operation).Slice(OffsetValue, SizeValue);

    /// <summary>A frag for a sub-range of this one, same page and destructor (refs not taken here).</summary>
    internal readonly SkbFrag Slice(int skip, int size) => this with { OffsetValue = OffsetValue + skip, SizeValue = size };

    /// <summary>Rule 6: a range of <paramref name="page"/> at <paramref name="offset"/> carrying <paramref name="destructor"/> can merge onto this frag.</summary>
    internal readonly bool CanCoalesce(Page page, int offset, FragDestructor? destructor) =>
        ReferenceEquals(PageRef, page) && OffsetValue + SizeValue == offset && ReferenceEquals(DestructorRef, destructor)
        && PageGeneration == page.Generation;

    public override readonly string ToString() =>
        $"{{page #{PageRef?.FrameNumber}, off {OffsetValue}, size {SizeValue}{(DestructorRef is null ? "" : ", " + DestructorRef.Name)}}}";
}
