using System.Runtime.CompilerServices;

namespace FragNet.Buffers;

/// <summary>
/// A 4096-byte page of page-aligned native memory with an atomic reference count and an owner that gets it back at
/// zero (Linux <c>struct page</c>).
/// </summary>
/// <remarks>
/// <para>
/// A page's <see cref="FrameNumber"/> is its identity for the DMA and grant models. Its memory never moves, so a
/// device or another domain may alias it. Holders: whoever allocated or lent the page ("outside the stack") and one
/// per live fragment on it (brief rule 8: <c>RefCount == outside holders + live frags on it</c>).
/// </para>
/// <para>
/// The raw reference calls <see cref="Get"/> and <see cref="Put"/> exist for the buffer core only; every other
/// project is stopped by the banned-API analyzer and must use the fragment API, so fragment destructors see every
/// use. Owners drop their own hold with <see cref="Release"/>.
/// </para>
/// <para>
/// Foreign pages (the classic Xen design): <see cref="SetForeign"/> flags the page and installs a
/// <see cref="ForeignPageDestructor"/> that runs instead of returning the page to its owner, so foreign memory never
/// enters the local pool.
/// </para>
/// </remarks>
public sealed unsafe class Page : RefCounted
{
    /// <summary>Bytes in a page.</summary>
    public const int Size = 4096;

    /// <summary>Fixed for a pool's or a lender's page; an alias (<see cref="ForeignPageTable"/>) may get another view of
    /// its frame with each life, and only while it is released (<see cref="ReviveAlias"/>).</summary>
    private byte* _address;
    private ForeignPageDestructor? _foreignDestructor;

    internal Page(IPageOwner owner, byte* address, long frameNumber, bool startLive, Page? aliasSource = null)
        : base(startLive)
    {
        Owner = owner;
        _address = address;
        FrameNumber = frameNumber;
        AliasSource = aliasSource;
        AliasMapped = aliasSource is not null && startLive;
    }

    /// <summary>For an alias made by a <see cref="ForeignPageTable"/>: the page whose frame it maps (for every life of
    /// the alias: the table reuses an alias only for the same frame). Null for other pages.</summary>
    internal Page? AliasSource { get; }

    /// <summary>For an alias: true from its map until it came back to its table (the table's bookkeeping, so an alias
    /// is returned once per life however it is driven).</summary>
    internal bool AliasMapped { get; set; }

    /// <summary>Who gets the page back at zero.</summary>
    public IPageOwner Owner { get; }

    /// <summary>The page frame number: identity for DMA mappings and grants.</summary>
    public long FrameNumber { get; }

    /// <summary>True while the page carries the classic foreign flag (<c>PageForeign</c>).</summary>
    public bool IsForeign => _foreignDestructor is not null;

    /// <summary>The page's address (stable for its lifetime; for device models).</summary>
    public nint Address => (nint)_address;

    /// <summary>The page's bytes. Throws <see cref="RefCountException"/> if the page is released.</summary>
    public Span<byte> Span
    {
        get
        {
            if (RefCount <= 0)
            {
                throw Misuse("bytes accessed after release");
            }

            return new Span<byte>(_address, Size);
        }
    }

    /// <summary>The bytes, checked against the life a fragment recorded (detects a stale frag on a reused page).</summary>
    internal Span<byte> SpanFor(uint generation, string operation)
    {
        ThrowIfNotLive(generation, operation);
        return new Span<byte>(_address, Size);
    }

    /// <summary>Throws unless the page is live and in the life <paramref name="generation"/> names.</summary>
    internal void CheckLife(uint generation, string operation) => ThrowIfNotLive(generation, operation);

    /// <summary>The bytes with no check (pools poison and fill released pages through this).</summary>
    internal Span<byte> SpanUnchecked => new(_address, Size);

    /// <summary>Raw reference take (<c>get_page</c>). Banned outside FragNet.Buffers: use the fragment API.</summary>
    public void Get() => Acquire("Page.Get");

    /// <summary>Raw reference drop (<c>put_page</c>). Banned outside FragNet.Buffers: use the fragment API.</summary>
    public void Put() => ReleaseRef("Page.Put");

    /// <summary>Drops the hold the caller got from <see cref="PagePool.Alloc"/> or a <see cref="UserBuffer"/>.</summary>
    public void Release([CallerMemberName] string operation = "Release") => ReleaseRef(operation);

    /// <summary>Flags the page foreign (<c>SetPageForeign</c>): at zero, <paramref name="destructor"/> runs instead
    /// of the owner getting the page back.</summary>
    public void SetForeign(ForeignPageDestructor destructor)
    {
        ArgumentNullException.ThrowIfNull(destructor);
        if (RefCount <= 0)
        {
            throw Misuse("SetForeign on a released page");
        }

        _foreignDestructor = destructor;
        Mark("SetForeign");
    }

    /// <summary>Starts a new life of a released foreign page for another mapping (count 0 → 1, flag kept).</summary>
    public void ReviveForeign()
    {
        if (_foreignDestructor is null)
        {
            throw Misuse("ReviveForeign on a page that is not foreign");
        }

        Revive("ReviveForeign");
    }

    /// <summary>Clears the foreign flag of a released foreign page and gives it back to its owner.</summary>
    public void ReturnForeign()
    {
        if (_foreignDestructor is null || RefCount != 0)
        {
            throw Misuse("ReturnForeign on a page that is not a released foreign page");
        }

        _foreignDestructor = null;
        Owner.ReturnPage(this);
    }

    /// <summary>Hands a page out again from its owner (count 0 → 1, new generation).</summary>
    internal void ReviveFromOwner() => Revive("Alloc");

    /// <summary>A new life of a released alias for another mapping of the same frame, seen at
    /// <paramref name="address"/> (count 0 → 1, new generation: frags of the old life fail their life check).</summary>
    internal void ReviveAlias(byte* address)
    {
        if (AliasSource is null || _foreignDestructor is not null || RefCount != 0)
        {
            throw Misuse("an alias revived that is not a released, unflagged alias");
        }

        _address = address;
        Revive("Remap");
    }

    public override string Describe() =>
        IsForeign ? $"page #{FrameNumber} (foreign, owner {Owner.Name})" : $"page #{FrameNumber} (owner {Owner.Name})";

    protected override void OnReleased()
    {
        ForeignPageDestructor? foreign = _foreignDestructor;
        if (foreign is not null)
        {
            Mark("ForeignDestructor");
            foreign(this);
            return;
        }

        Owner.ReturnPage(this);
    }
}
