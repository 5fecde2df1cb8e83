using System.Text;

namespace FragNet.Buffers;

/// <summary>
/// The DMA model: a mapping table. A mapping holds its frag exactly as a frag does (one page reference and one
/// destructor reference, through <see cref="FragCore"/>), so a device that still has a frag mapped keeps the lender's
/// destructor from running — as a real NIC's TX ring does until transmit completion.
/// </summary>
/// <remarks>
/// The table has a fixed number of slots (a device's IOMMU window): mapping into a full table throws, as does
/// mapping a released page or unmapping a stale handle. Allocation-free after construction.
/// </remarks>
public sealed class DmaDevice : IDmaDevice
{
    private readonly Entry[] _entries;
    private readonly int[] _freeSlots;
    private readonly Lock _lock = new();
    private int _freeCount;
    private long _maps;

    public DmaDevice(string name, int capacity = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Name = name;
        _entries = new Entry[capacity];
        _freeSlots = new int[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _freeSlots[i] = capacity - 1 - i;
        }

        _freeCount = capacity;
    }

    public string Name { get; }

    /// <summary>Mapping-table slots.</summary>
    public int Capacity => _entries.Length;

    public int Outstanding => Capacity - Volatile.Read(ref _freeCount);

    /// <summary>Mappings made since creation.</summary>
    public long Maps => Interlocked.Read(ref _maps);

    internal DmaMapping Map(in SkbFrag frag, int offset, int size, DmaDirection direction)
    {
        FragCore.Ref(frag, nameof(SkBuff.FragDmaMap));
        int slot;
        lock (_lock)
        {
            if (_freeCount == 0)
            {
                FragCore.Unref(frag, nameof(SkBuff.FragDmaMap));
                throw new InvalidOperationException($"DMA device '{Name}': mapping table full ({Capacity} mappings)");
            }

            slot = _freeSlots[--_freeCount];
            _maps++;
        }

        ref Entry e = ref _entries[slot];
        e.Frag = frag.Slice(offset, size);
        e.Direction = direction;
        e.Generation++;
        e.InUse = true;
        return new DmaMapping(slot, e.Generation, (frag.Page.FrameNumber * Page.Size) + frag.Offset + offset, size);
    }

    public void Unmap(DmaMapping mapping)
    {
        SkbFrag frag;
        lock (_lock)
        {
            ref Entry e = ref Lookup(mapping);
            frag = e.Frag;
            e.Frag = default;
            e.InUse = false;
            _freeSlots[_freeCount++] = mapping.Slot;
        }

        FragCore.Unref(frag, "DmaUnmap");
    }

    public ReadOnlySpan<byte> Read(DmaMapping mapping)
    {
        lock (_lock)
        {
            return Lookup(mapping).Frag.Bytes("DmaRead");
        }
    }

    /// <summary>Describes every mapping still held; empty when none.</summary>
    public string LeakReport()
    {
        if (Outstanding == 0)
        {
            return string.Empty;
        }

        var sb = new StringBuilder().Append("DMA device '").Append(Name).Append("': ").Append(Outstanding).Append(" mapping(s) outstanding");
        lock (_lock)
        {
            for (int i = 0; i < _entries.Length; i++)
            {
                if (_entries[i].InUse)
                {
                    sb.AppendLine().Append("  slot ").Append(i).Append(' ').Append(_entries[i].Frag).Append(' ').Append(_entries[i].Direction);
                }
            }
        }

        return sb.ToString();
    }

    private ref Entry Lookup(DmaMapping mapping)
    {
        if ((uint)mapping.Slot >= (uint)_entries.Length)
        {
            throw new InvalidOperationException($"DMA device '{Name}': no mapping slot {mapping.Slot}");
        }

        ref Entry e = ref _entries[mapping.Slot];
        if (!e.InUse || e.Generation != mapping.Generation)
        {
            throw new InvalidOperationException($"DMA device '{Name}': stale or double-unmapped handle {mapping}");
        }

        return ref e;
    }

    private struct Entry
    {
        public SkbFrag Frag;
        public DmaDirection Direction;
        public uint Generation;
        public bool InUse;
    }
}
