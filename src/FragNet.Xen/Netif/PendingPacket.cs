using FragNet.Xen.Hypervisor;

namespace FragNet.Xen.Netif;

/// <summary>A guest packet whose pages netback mapped and handed to the stack: what to unmap and whom to answer
/// once the stack lets go.</summary>
internal sealed class PendingPacket
{
    public List<GrantMapping> Mappings { get; } = new(4);

    /// <summary>Ids of the data slots, answered OKAY at release.</summary>
    public List<ushort> Ids { get; } = new(4);

    /// <summary>Extra-info slots, answered NULL after the first data slot's response.</summary>
    public int Extras { get; set; }

    /// <summary>Mapped pages not yet released (map-foreign counts pages; map-destructor counts the destructor).</summary>
    public int Outstanding { get; set; }

    public FragNet.Instant MappedAt { get; set; }
}
