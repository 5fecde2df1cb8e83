using FragNet.Buffers;

namespace FragNet.Xen.Hypervisor;

/// <summary>
/// One grant map (<c>GNTTABOP_map_grant_ref</c> succeeded): the mapper's alias <see cref="Page"/> of the granter's
/// frame, and the handle that unmaps it — Xen's maptrack entry.
/// </summary>
/// <remarks>
/// Like a maptrack entry, the object is reused: once unmapped it stays with the granter's frame
/// (<see cref="Domain"/>'s mapping cache), and the next map of that frame by the same domain makes it active again, with
/// a new <see cref="Handle"/>, the grant it maps now, and a new life of the same alias page. A holder must therefore let
/// go of a mapping when it unmaps it, as a Xen caller forgets a grant handle. The alias enforces that for the memory:
/// a frag or view of the old life fails the buffer core's life check.
/// </remarks>
public sealed class GrantMapping
{
    internal GrantMapping(Domain mapper, Domain granter, int frame, uint gref, bool readOnly, Page page, int handle, nint view)
    {
        Mapper = mapper;
        Granter = granter;
        Frame = frame;
        Page = page;
        Reuse(gref, readOnly, handle, view);
    }

    public Domain Mapper { get; }

    public Domain Granter { get; }

    /// <summary>The granter's frame this mapping maps (read once from the grant entry at map time).</summary>
    public int Frame { get; }

    public uint Gref { get; private set; }

    public bool ReadOnly { get; private set; }

    /// <summary>The mapper's alias of the granted frame (its own reference count; see
    /// <see cref="ForeignPageTable"/>).</summary>
    public Page Page { get; }

    /// <summary>The mapping's own view of the frame (a per-grant <c>mmap</c>), or 0 when the alias points at the frame
    /// in place.</summary>
    public nint View { get; private set; }

    /// <summary><c>grant_handle_t</c> (a new one for every map).</summary>
    public int Handle { get; private set; }

    /// <summary>False once unmapped (until the entry is reused for a new map).</summary>
    public bool IsActive { get; internal set; }

    /// <summary>Makes the entry active for a new map of the same frame (the alias was remapped by the caller).</summary>
    internal void Reuse(uint gref, bool readOnly, int handle, nint view)
    {
        Gref = gref;
        ReadOnly = readOnly;
        Handle = handle;
        View = view;
        IsActive = true;
    }

    public override string ToString() => $"handle {Handle}: {Mapper} maps gref {Gref} of {Granter}{(ReadOnly ? " (ro)" : string.Empty)}";
}
