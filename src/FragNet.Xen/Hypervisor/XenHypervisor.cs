using FragNet.Buffers;
using FragNet.Xen.Abi;

namespace FragNet.Xen.Hypervisor;

/// <summary>
/// The hypervisor model: domains, the grant operations of grant_table.h (map, unmap, copy) with every status the
/// brief lists and the condition that produces it, event channels and a XenStore. In-process and sans-IO: a grant
/// map aliases the granter's page (<see cref="ForeignPageTable"/>), a copy is a memory copy, counted.
/// </summary>
/// <remarks>
/// <para>Checks follow Xen's order for <c>GNTTABOP_map_grant_ref</c>: a mapping kind must be asked for, the granting
/// domain must exist, the reference must be inside its table, the entry must permit access to the caller's domid, a
/// writable map needs a writable grant, and the frame must belong to the granter. The entry is checked and marked in
/// one compare-and-swap and its frame read once (<see cref="GrantTable.TryPin"/>); a guest that rewrites it
/// afterwards — from another process, at any moment — changes nothing about a mapping already made.</para>
/// <para>A map aliases the granted frame in place, or through the granter's <see cref="IGrantFrameMapper"/> makes a
/// view of its own (one <c>mmap</c> per grant in the cross-process per-grant model), removed at unmap.</para>
/// </remarks>
public sealed class XenHypervisor : IDisposable
{
    /// <summary>Domains by id: ids are given in creation order from 0, so the id is the index (no lookup per grant
    /// operation).</summary>
    private readonly List<Domain> _domains = [];
    private int _activeMappings;
    private int _nextHandle = 1;

    public XenHypervisor()
    {
        EventChannels = new EventChannels(this);
        Store = new XenStore();
    }

    public EventChannels EventChannels { get; }

    public XenStore Store { get; }

    /// <summary>Successful grant maps so far.</summary>
    public long Maps { get; private set; }

    /// <summary>Unmaps so far.</summary>
    public long Unmaps { get; private set; }

    /// <summary>Successful grant copies so far.</summary>
    public long Copies { get; private set; }

    /// <summary>Bytes moved by grant copies.</summary>
    public long CopyBytes { get; private set; }

    /// <summary>Mappings alive now (a leak check wants 0).</summary>
    public int ActiveMappings => _activeMappings;

    /// <summary>Creates a domain with <paramref name="frames"/> frames of memory; the first is dom0.</summary>
    public Domain CreateDomain(string name, int frames, int grantEntries = 1024) => CreateDomain(name, DomainMemory.Local(frames, grantEntries));

    /// <summary>Creates a domain whose memory and grant table are <paramref name="memory"/> (ids are given in creation
    /// order, so two processes that create their domains in the same order agree on them).</summary>
    public Domain CreateDomain(string name, DomainMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        var d = new Domain(this, checked((ushort)_domains.Count), name, memory);
        _domains.Add(d);
        return d;
    }

    /// <summary>The domain with id <paramref name="id"/>, or null.</summary>
    public Domain? Lookup(ushort id) => id < _domains.Count && _domains[id] is { IsDestroyed: false } d ? d : null;

    /// <summary><c>GNTTABOP_map_grant_ref</c>: maps gref <paramref name="gref"/> of domain <paramref name="granter"/>
    /// into <paramref name="mapper"/>.</summary>
    public GrantStatus Map(Domain mapper, ushort granter, uint gref, GrantMapFlags flags, out GrantMapping? mapping)
    {
        ArgumentNullException.ThrowIfNull(mapper);
        mapping = null;
        if ((flags & GrantMapFlags.HostMap) == 0)
        {
            return GrantStatus.GeneralError; // neither a host nor a device mapping was asked for
        }

        if (Lookup(granter) is not { } owner)
        {
            return GrantStatus.BadDomain;
        }

        if (gref >= (uint)owner.Grants.Capacity)
        {
            return GrantStatus.BadGntref;
        }

        bool readOnly = (flags & GrantMapFlags.Readonly) != 0;
        GrantStatus s = owner.Grants.TryPin(gref, mapper.Id, write: !readOnly, out uint frame);
        if (s != GrantStatus.Okay)
        {
            return s;
        }

        if (frame >= (uint)owner.FrameCount)
        {
            owner.Grants.Unpin(gref, write: !readOnly);
            return GrantStatus.BadPage;
        }

        nint view = 0;
        if (owner.FrameMapper is { } frameMapper && (view = frameMapper.MapFrame((int)frame, writable: !readOnly)) == 0)
        {
            owner.Grants.Unpin(gref, write: !readOnly);
            return GrantStatus.NoDeviceSpace;
        }

        mapping = MapFrame(mapper, owner, (int)frame, gref, readOnly, view);
        _activeMappings++;
        Maps++;
        return GrantStatus.Okay;
    }

    /// <summary><c>GNTTABOP_unmap_grant_ref</c>. The alias page must be back (no reference left): unmapping memory the
    /// mapper's stack can still reach is the bug this whole project is about, so it is refused.</summary>
    public GrantStatus Unmap(GrantMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        if (!mapping.IsActive || !ReferenceEquals(mapping.Mapper.Hypervisor, this))
        {
            return GrantStatus.BadHandle;
        }

        if (mapping.Page.RefCount != 0)
        {
            return GrantStatus.GeneralError;
        }

        mapping.IsActive = false; // stays in the granter's cache for the frame's next map (see MapFrame)
        _activeMappings--;
        if (mapping.View != 0)
        {
            mapping.Granter.FrameMapper!.UnmapFrame(mapping.View); // the alias is back: nothing can reach the view
        }

        mapping.Granter.Grants.Unpin(mapping.Gref, write: !mapping.ReadOnly);
        Unmaps++;
        return GrantStatus.Okay;
    }

    /// <summary><c>GNTTABOP_copy</c> issued by <paramref name="caller"/>: <paramref name="length"/> bytes from
    /// <paramref name="source"/> to <paramref name="destination"/>, each a grant of another domain or a frame of the
    /// caller. Neither side may cross its page (<see cref="GrantStatus.BadCopyArg"/>).</summary>
    public GrantStatus Copy(Domain caller, GrantCopySide source, GrantCopySide destination, int length)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (length < 0 || source.Offset + length > Page.Size || destination.Offset + length > Page.Size)
        {
            return GrantStatus.BadCopyArg;
        }

        GrantStatus s = Resolve(caller, source, write: false, out Page? from, out Domain? fromOwner);
        if (s != GrantStatus.Okay)
        {
            return s;
        }

        s = Resolve(caller, destination, write: true, out Page? to, out Domain? toOwner);
        if (s != GrantStatus.Okay)
        {
            Release(source, fromOwner, write: false);
            return s;
        }

        // The grants stay pinned for the duration of the copy, as Xen does (the bits are visible to a racing EndAccess).
        from!.Span.Slice(source.Offset, length).CopyTo(to!.Span.Slice(destination.Offset, length));
        Release(source, fromOwner, write: false);
        Release(destination, toOwner, write: true);
        Copies++;
        CopyBytes += length;
        return GrantStatus.Okay;
    }

    /// <summary><c>GNTTABOP_copy</c> from a grant (or a page of the caller) into memory of the caller that is not a
    /// whole page — a buffer's linear area. Same checks as <see cref="Copy"/>.</summary>
    public GrantStatus CopyTo(Domain caller, GrantCopySide source, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (source.Offset + destination.Length > Page.Size)
        {
            return GrantStatus.BadCopyArg;
        }

        GrantStatus s = Resolve(caller, source, write: false, out Page? from, out Domain? owner);
        if (s != GrantStatus.Okay)
        {
            return s;
        }

        from!.Span.Slice(source.Offset, destination.Length).CopyTo(destination);
        Release(source, owner, write: false);
        Copies++;
        CopyBytes += destination.Length;
        return GrantStatus.Okay;
    }

    /// <summary><c>GNTTABOP_copy</c> from memory of the caller into a grant (or a page of the caller).</summary>
    public GrantStatus CopyFrom(Domain caller, ReadOnlySpan<byte> source, GrantCopySide destination)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (destination.Offset + source.Length > Page.Size)
        {
            return GrantStatus.BadCopyArg;
        }

        GrantStatus s = Resolve(caller, destination, write: true, out Page? to, out Domain? owner);
        if (s != GrantStatus.Okay)
        {
            return s;
        }

        source.CopyTo(to!.Span.Slice(destination.Offset, source.Length));
        Release(destination, owner, write: true);
        Copies++;
        CopyBytes += source.Length;
        return GrantStatus.Okay;
    }

    /// <summary>Destroys every domain (their memory comes back once nothing maps it).</summary>
    public void Dispose()
    {
        foreach (Domain d in _domains)
        {
            d.Dispose();
        }
    }

    /// <summary>
    /// The maptrack entry and alias page for a map of <paramref name="frame"/> of <paramref name="owner"/>: the frame's
    /// cached entry when it is unmapped and was made for the same mapper — the alias page gets a new life
    /// (<see cref="ForeignPageTable.Remap"/>), nothing is allocated and no table is searched — else a new entry, which
    /// becomes the frame's cached one unless that one is still mapped (a frame mapped twice at once gets a second
    /// alias; only one is kept).
    /// </summary>
    /// <remarks>An unmapped entry's alias is released (<see cref="Unmap"/> checked its count) and, with every caller
    /// in this model, already back in its table: its page was returned on the thread that dropped the last
    /// reference, before anything that leads to the unmap (a fragment destructor, a foreign page destructor).</remarks>
    private GrantMapping MapFrame(Domain mapper, Domain owner, int frame, uint gref, bool readOnly, nint view)
    {
        GrantMapping?[] cache = owner.MappingCache ??= new GrantMapping?[owner.FrameCount];
        GrantMapping? cached = cache[frame];
        int handle = _nextHandle;
        _nextHandle = handle == int.MaxValue ? 1 : handle + 1; // handles of live mappings stay distinct: a wrap takes 2^31 maps
        if (cached is { IsActive: false } && ReferenceEquals(cached.Mapper, mapper))
        {
            mapper.Mappings.Remap(cached.Page, view);
            cached.Reuse(gref, readOnly, handle, view);
            return cached;
        }

        Page alias = mapper.Mappings.Map(owner.Frame(frame), view);
        var mapping = new GrantMapping(mapper, owner, frame, gref, readOnly, alias, handle, view);
        if (cached is not { IsActive: true })
        {
            cache[frame] = mapping;
        }

        return mapping;
    }

    /// <summary>Ends the pin <see cref="Resolve"/> took on a grant side of a copy.</summary>
    private static void Release(GrantCopySide side, Domain? owner, bool write)
    {
        if (side.IsGref)
        {
            owner!.Grants.Unpin(side.RefOrFrame, write);
        }
    }

    /// <summary>The page a copy side names; a grant side is checked and pinned (<see cref="Release"/> ends it).</summary>
    private GrantStatus Resolve(Domain caller, GrantCopySide side, bool write, out Page? page, out Domain? owner)
    {
        page = null;
        owner = null;
        if (!side.IsGref)
        {
            if (side.LocalPage is { } local)
            {
                owner = caller;
                page = local;
                return GrantStatus.Okay;
            }

            if (side.RefOrFrame >= (uint)caller.FrameCount)
            {
                return GrantStatus.BadPage;
            }

            owner = caller;
            page = caller.Frame((int)side.RefOrFrame);
            return GrantStatus.Okay;
        }

        if (Lookup(side.Domain) is not { } d)
        {
            return GrantStatus.BadDomain;
        }

        if (side.RefOrFrame >= (uint)d.Grants.Capacity)
        {
            return GrantStatus.BadGntref;
        }

        GrantStatus s = d.Grants.TryPin(side.RefOrFrame, caller.Id, write, out uint frame);
        if (s != GrantStatus.Okay)
        {
            return s;
        }

        if (frame >= (uint)d.FrameCount)
        {
            d.Grants.Unpin(side.RefOrFrame, write);
            return GrantStatus.BadPage;
        }

        owner = d;
        page = d.Frame((int)frame);
        return GrantStatus.Okay;
    }
}
