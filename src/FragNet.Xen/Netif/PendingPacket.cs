using FragNet.Buffers;
using FragNet.Xen.Hypervisor;

namespace FragNet.Xen.Netif;

/// <summary>A guest packet whose pages netback mapped and handed to the stack: what to unmap and whom to answer
/// once the stack lets go.</summary>
/// <remarks>Netback keeps these in a free list (Linux netback's pending ring): an object, its lists and its
/// destructors are made once and reused, so a packet in steady state allocates nothing. An object is back in the free
/// list only once its packet was answered (or undone) and its destructor has run.</remarks>
internal sealed class PendingPacket
{
    public List<GrantMapping> Mappings { get; } = new(4);

    /// <summary>Ids of the data slots, answered OKAY at release.</summary>
    public List<ushort> Ids { get; } = new(4);

    /// <summary>Extra-info slots, answered NULL after the first data slot's response.</summary>
    public int Extras { get; set; }

    /// <summary>Mapped pages not yet released (map-foreign counts pages; map-destructor counts the destructor).</summary>
    public int Outstanding { get; set; }

    public Instant MappedAt { get; set; }

    /// <summary>Adaptive mode, a timed packet: its size, its mode and netback's work on it so far in work-clock ticks
    /// (0: not timed); the release adds the unmap and answer.</summary>
    public int TimedSize { get; set; }

    public NetbackMode TimedMode { get; set; }

    public long TimedTicks { get; set; }

    /// <summary>map-destructor and copy-header-map-rest: this packet's fragment destructor, made on first use and
    /// rearmed (<see cref="FragDestructor.Rearm"/>) for each later packet of this object.</summary>
    public FragDestructor? Destructor { get; set; }

    /// <summary>map-foreign: the page-level destructor for this packet's pages, bound to this object once.</summary>
    public ForeignPageDestructor? ForeignReleased { get; set; }

    /// <summary>Ready for a new packet.</summary>
    public void Reset(int extras, Instant now)
    {
        Mappings.Clear();
        Ids.Clear();
        Extras = extras;
        Outstanding = 0;
        MappedAt = now;
        TimedTicks = 0;
    }
}
