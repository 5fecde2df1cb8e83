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
/// <para>An alias is a page struct, not memory: once it has come back, <see cref="Remap"/> may give the same object a
/// new life for another mapping of the same frame, as Linux netback reuses its pages of mmap_pages. Its
/// <see cref="RefCounted.Generation"/> changes with every life, so a frag of an earlier mapping can neither reach the
/// frame nor take a reference through it (the buffer core's life checks throw). No lookup is needed either way: an
/// alias carries its source, so a map and a return cost no dictionary operation.</para>
/// </remarks>
public sealed class ForeignPageTable : IPageOwner
{
    private int _mapped;

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
    public int Mapped => Volatile.Read(ref _mapped);

    /// <summary>Maps made so far.</summary>
    public long Maps { get; private set; }

    /// <summary>Maps of those that reused an alias (<see cref="Remap"/>); <c>Maps - Remaps</c> page structs were made.</summary>
    public long Remaps { get; private set; }

    /// <summary>A live alias of <paramref name="source"/> (count 1: the mapper's hold, dropped with
    /// <see cref="Page.Release"/> once the alias is handed to frags).</summary>
    /// <param name="source">The frame being mapped.</param>
    /// <param name="view">Where the mapper sees the frame: 0 for the source's own address (one address space, or
    /// memory mapped once as a whole), else a page-aligned address of a separate mapping of the same frame (a
    /// per-grant <c>mmap</c>) that the caller keeps valid until <see cref="Unmapped"/> ran for this alias.</param>
    public unsafe Page Map(Page source, nint view = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckView(view);
        source.Get(); // the mapping's reference on the granted frame
        var alias = new Page(this, (byte*)(view != 0 ? view : source.Address), source.FrameNumber, startLive: true, aliasSource: source);
        CountMap();
        return alias;
    }

    /// <summary>Maps <paramref name="alias"/>'s frame again through the same page struct: a new life of an alias this
    /// table made, after the previous one came back (count 0, <see cref="Unmapped"/> ran). Same contract as
    /// <see cref="Map"/>: count 1, the mapping's reference on the source taken; a new
    /// <see cref="RefCounted.Generation"/>.</summary>
    /// <param name="alias">A released alias of this table.</param>
    /// <param name="view">As for <see cref="Map"/>: 0 for the source's own address, else this life's own view.</param>
    /// <exception cref="ArgumentException">The page is not an alias of this table.</exception>
    /// <exception cref="RefCountException">The alias has not come back yet, or its source is released.</exception>
    public unsafe Page Remap(Page alias, nint view = 0)
    {
        ArgumentNullException.ThrowIfNull(alias);
        CheckView(view);
        if (!ReferenceEquals(alias.Owner, this) || alias.AliasSource is not { } source)
        {
            throw new ArgumentException($"{alias.Describe()} is not an alias of foreign table '{Name}'", nameof(alias));
        }

        if (alias.RefCount != 0 || alias.AliasMapped)
        {
            throw new RefCountException($"{alias.Describe()}: remapped before its previous mapping came back (refcount {alias.RefCount})");
        }

        source.Get(); // first: if the source is gone this throws and the alias stays released
        alias.ReviveAlias((byte*)(view != 0 ? view : source.Address));
        alias.AliasMapped = true;
        CountMap();
        Remaps++;
        return alias;
    }

    /// <summary>The page <paramref name="alias"/> maps.</summary>
    public Page SourceOf(Page alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        return ReferenceEquals(alias.Owner, this) && alias.AliasSource is { } source
            ? source
            : throw new ArgumentException($"{alias.Describe()} is not an alias of foreign table '{Name}'", nameof(alias));
    }

    void IPageOwner.ReturnPage(Page page)
    {
        if (!ReferenceEquals(page.Owner, this) || page.AliasSource is not { } source || !page.AliasMapped || page.RefCount != 0)
        {
            throw new RefCountException($"{page.Describe()} returned to foreign table '{Name}', which did not map it (or not in this life)");
        }

        page.AliasMapped = false;
        Interlocked.Decrement(ref _mapped);
        source.Put();
        Unmapped?.Invoke(page);
    }

    private static void CheckView(nint view)
    {
        if (view % Page.Size != 0)
        {
            throw new ArgumentException($"a mapping view at 0x{view:x} is not page-aligned", nameof(view));
        }
    }

    private void CountMap()
    {
        Interlocked.Increment(ref _mapped);
        Maps++;
    }
}
