using FragNet.Buffers;

namespace FragNet.Xen.Hypervisor;

/// <summary>
/// One active grant map (<c>GNTTABOP_map_grant_ref</c> succeeded): the mapper's alias <see cref="Page"/> of the
/// granter's frame, and the handle that unmaps it.
/// </summary>
public sealed class GrantMapping
{
    internal GrantMapping(Domain mapper, Domain granter, uint gref, bool readOnly, Page page, int handle, nint view)
    {
        View = view;
        Mapper = mapper;
        Granter = granter;
        Gref = gref;
        ReadOnly = readOnly;
        Page = page;
        Handle = handle;
    }

    public Domain Mapper { get; }

    public Domain Granter { get; }

    public uint Gref { get; }

    public bool ReadOnly { get; }

    /// <summary>The mapper's alias of the granted frame (its own reference count; see
    /// <see cref="ForeignPageTable"/>).</summary>
    public Page Page { get; }

    /// <summary>The mapping's own view of the frame (a per-grant <c>mmap</c>), or 0 when the alias points at the frame
    /// in place.</summary>
    public nint View { get; }

    /// <summary><c>grant_handle_t</c>.</summary>
    public int Handle { get; }

    /// <summary>False once unmapped.</summary>
    public bool IsActive { get; internal set; } = true;

    public override string ToString() => $"handle {Handle}: {Mapper} maps gref {Gref} of {Granter}{(ReadOnly ? " (ro)" : string.Empty)}";
}
