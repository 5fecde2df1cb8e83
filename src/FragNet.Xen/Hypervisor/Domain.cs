using FragNet.Buffers;

namespace FragNet.Xen.Hypervisor;

/// <summary>
/// One domain of the <see cref="XenHypervisor"/>: its memory (frame <c>n</c> is page <c>n</c> of
/// <see cref="Memory"/>), its grant table (what it offers others), and the page structs it uses to map other
/// domains' frames (<see cref="Mappings"/>).
/// </summary>
/// <remarks>
/// A domain's memory and grant-table frames are either allocated here (in-process) or provided by the caller
/// (<see cref="DomainMemory"/>): then they are a shared mapping another process writes too — a guest running in its
/// own process — and the same grant checks and rings run over it unchanged.
/// </remarks>
public sealed class Domain : IDisposable
{
    internal Domain(XenHypervisor hypervisor, ushort id, string name, DomainMemory memory)
    {
        Hypervisor = hypervisor;
        Id = id;
        Name = name;
        Memory = memory.Frames ?? new UserBuffer(memory.FrameCount, $"dom{id}-{name}");
        Grants = new GrantTable(this, memory.GrantEntries, memory.GrantFrames);
        Mappings = new ForeignPageTable($"dom{id}-{name}-mappings");
        FrameMapper = memory.FrameMapper;
    }

    public XenHypervisor Hypervisor { get; }

    /// <summary><c>domid_t</c>.</summary>
    public ushort Id { get; }

    public string Name { get; }

    /// <summary>The domain's memory, one page per frame.</summary>
    public UserBuffer Memory { get; }

    /// <summary>The grant table this domain fills to let others map or copy its frames.</summary>
    public GrantTable Grants { get; }

    /// <summary>Page structs aliasing other domains' frames this domain has mapped.</summary>
    public ForeignPageTable Mappings { get; }

    /// <summary>How other domains' grant maps of this domain's frames are made; null: in place (see
    /// <see cref="IGrantFrameMapper"/>).</summary>
    public IGrantFrameMapper? FrameMapper { get; }

    /// <summary>Frames of memory.</summary>
    public int FrameCount => Memory.PageCount;

    /// <summary>Frame <paramref name="frame"/>.</summary>
    public Page Frame(int frame) => Memory[frame];

    /// <summary>The hypervisor's maptrack entries by frame of this domain: the last mapping of each frame, kept after
    /// its unmap so the next map of the frame by the same domain reuses it and its alias page (allocated on the first
    /// map; see <see cref="GrantMapping"/>).</summary>
    internal GrantMapping?[]? MappingCache { get; set; }

    /// <summary>True once the domain was destroyed.</summary>
    public bool IsDestroyed { get; private set; }

    public void Dispose()
    {
        if (IsDestroyed)
        {
            return;
        }

        IsDestroyed = true;
        Grants.Dispose();
        Memory.Dispose();
    }

    public override string ToString() => $"dom{Id} ({Name})";
}
