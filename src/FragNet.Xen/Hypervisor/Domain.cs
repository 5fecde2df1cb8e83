using FragNet.Buffers;

namespace FragNet.Xen.Hypervisor;

/// <summary>
/// One domain of the <see cref="XenHypervisor"/>: its memory (frame <c>n</c> is page <c>n</c> of
/// <see cref="Memory"/>), its grant table (what it offers others), and the page structs it uses to map other
/// domains' frames (<see cref="Mappings"/>).
/// </summary>
public sealed class Domain : IDisposable
{
    internal Domain(XenHypervisor hypervisor, ushort id, string name, int frames, int grantEntries)
    {
        Hypervisor = hypervisor;
        Id = id;
        Name = name;
        Memory = new UserBuffer(frames, $"dom{id}-{name}");
        Grants = new GrantTable(this, grantEntries);
        Mappings = new ForeignPageTable($"dom{id}-{name}-mappings");
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

    /// <summary>Frames of memory.</summary>
    public int FrameCount => Memory.PageCount;

    /// <summary>Frame <paramref name="frame"/>.</summary>
    public Page Frame(int frame) => Memory[frame];

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
