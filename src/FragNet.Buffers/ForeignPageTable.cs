namespace FragNet.Buffers;

/// <summary>
/// Page structs for frames of another domain (Linux's empty "balloon" pages that a grant map fills): <see cref="Map"/>
/// gives a live <see cref="Page"/> that aliases the source page's memory, and the table learns when the last
/// reference to the alias is dropped, so the mapper can unmap the grant and answer the other domain then — not before.
/// </summary>
/// <remarks>
/// <para>The mapping holds a reference on the source page for as long as it exists (the hypervisor's reference on a
/// granted frame), so the owner's memory cannot be freed under a mapping. The alias has the source's frame number —
/// it is the same frame — and its own reference count, which the stack's frags take through the fragment API like
/// any page's.</para>
/// <para>Two ways to learn about the release, the two designs of the talk: without <see cref="Page.SetForeign"/> the
/// alias comes back here and <see cref="Unmapped"/> runs (fragment destructors carry the mapper's bookkeeping); with
/// it, the classic page-level foreign destructor runs instead and must end with <see cref="Page.ReturnForeign"/>,
/// which brings the alias back here.</para>
/// </remarks>
public sealed class ForeignPageTable : IPageOwner
{
    private readonly Dictionary<Page, Page> _sources = new(ReferenceEqualityComparer.Instance);

    public ForeignPageTable(string name, Action<Page>? unmapped = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Unmapped = unmapped;
    }

    public string Name { get; }

    /// <summary>Runs when an alias has come back (its count reached zero): the frame is no longer reachable.</summary>
    public Action<Page>? Unmapped { get; set; }

    /// <summary>Aliases alive now.</summary>
    public int Mapped => _sources.Count;

    /// <summary>Maps made so far.</summary>
    public long Maps { get; private set; }

    /// <summary>A live alias of <paramref name="source"/> (count 1: the mapper's hold, dropped with
    /// <see cref="Page.Release"/> once the alias is handed to frags).</summary>
    /// <param name="source">The frame being mapped.</param>
    /// <param name="view">Where the mapper sees the frame: 0 for the source's own address (one address space, or
    /// memory mapped once as a whole), else a page-aligned address of a separate mapping of the same frame (a
    /// per-grant <c>mmap</c>) that the caller keeps valid until <see cref="Unmapped"/> ran for this alias.</param>
    public unsafe Page Map(Page source, nint view = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (view % Page.Size != 0)
        {
            throw new ArgumentException($"a mapping view at 0x{view:x} is not page-aligned", nameof(view));
        }

        source.Get(); // the mapping's reference on the granted frame
        var alias = new Page(this, (byte*)(view != 0 ? view : source.Address), source.FrameNumber, startLive: true);
        _sources.Add(alias, source);
        Maps++;
        return alias;
    }

    /// <summary>The page <paramref name="alias"/> maps.</summary>
    public Page SourceOf(Page alias) => _sources[alias];

    void IPageOwner.ReturnPage(Page page)
    {
        if (!_sources.Remove(page, out Page? source))
        {
            throw new RefCountException($"{page.Describe()} returned to foreign table '{Name}', which did not map it");
        }

        source.Put();
        Unmapped?.Invoke(page);
    }
}
