using FragNet.Buffers;
using FragNet.Xen.Abi;

namespace FragNet.Xen.Hypervisor;

/// <summary>
/// A domain's grant table, version 1 (xen/include/public/grant_table.h): an array of 8-byte entries
/// <c>{ u16 flags; u16 domid; u32 frame; }</c> in shared memory that the owning domain writes and the hypervisor reads.
/// </summary>
/// <remarks>
/// <para>Owner side (the guest's <c>gnttab_grant_foreign_access</c> / <c>gnttab_end_foreign_access_ref</c>):
/// <see cref="GrantAccess"/> fills domid and frame first and the flags last, so the hypervisor never sees a permitted
/// entry with stale fields; <see cref="EndAccess"/> fails while the hypervisor has set <c>GTF_reading</c> or
/// <c>GTF_writing</c> — a guest cannot revoke a grant that is mapped.</para>
/// <para>Hypervisor side: it reads an entry with single loads (the guest may change it at any moment; a hostile guest
/// is modelled by writing <see cref="Entry"/> directly) and keeps its own pin counts, from which it sets and clears
/// the reading/writing bits.</para>
/// </remarks>
public sealed class GrantTable : IDisposable
{
    private const int EntrySize = GrantEntryV1.Size;

    private readonly UserBuffer _frames;
    private readonly Stack<int> _free = new();
    private readonly int[] _readPins;
    private readonly int[] _writePins;

    internal GrantTable(Domain owner, int entries)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(entries);
        Owner = owner;
        Capacity = entries;
        _frames = new UserBuffer((entries * EntrySize + Page.Size - 1) / Page.Size, $"dom{owner.Id}-grant-table");
        _readPins = new int[entries];
        _writePins = new int[entries];
        for (int i = entries - 1; i >= 8; i--)
        {
            _free.Push(i); // Linux reserves the first 8 entries (GNTTAB_NR_RESERVED_ENTRIES)
        }
    }

    /// <summary>The domain whose grants these are.</summary>
    public Domain Owner { get; }

    /// <summary>Entries in the table.</summary>
    public int Capacity { get; }

    /// <summary>Grants handed out and not yet ended.</summary>
    public int InUse => Capacity - 8 - _free.Count;

    /// <summary>The raw 8 bytes of entry <paramref name="gref"/> (the shared memory itself: writes are what a guest,
    /// honest or not, does).</summary>
    public Span<byte> Entry(uint gref)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(gref, (uint)Capacity);
        int at = (int)gref * EntrySize;
        return _frames[at / Page.Size].Span.Slice(at % Page.Size, EntrySize);
    }

    /// <summary>Grants <paramref name="remote"/> access to frame <paramref name="frame"/> of the owner; returns the
    /// grant reference. Throws when the table is full.</summary>
    public uint GrantAccess(ushort remote, int frame, bool readOnly)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        if (!_free.TryPop(out int gref))
        {
            throw new InvalidOperationException($"{Owner}: grant table full ({Capacity} entries)");
        }

        var e = new GrantEntryV1(Entry((uint)gref));
        e.DomainId = remote;
        e.Frame = (uint)frame;
        SharedMemory.FullBarrier(); // wmb(): domid and frame are visible before the entry is permitted
        e.Flags = GrantFlags.PermitAccess | (readOnly ? GrantFlags.Readonly : 0);
        return (uint)gref;
    }

    /// <summary>Revokes a grant. False (and nothing changes) while the grant is mapped or being copied: the
    /// hypervisor's reading/writing bits are set.</summary>
    public bool EndAccess(uint gref)
    {
        // gnttab_end_foreign_access_ref (v1): clear the flags only if the hypervisor is not using the entry, in one
        // compare-and-swap, so a map racing with the revoke either sees the grant or fails.
        var e = new GrantEntryV1(Entry(gref));
        uint word = e.ReadFlagsAndDomainId();
        while (true)
        {
            if ((((GrantFlags)(ushort)word) & (GrantFlags.Reading | GrantFlags.Writing)) != 0)
            {
                return false;
            }

            uint found = e.CompareExchangeFlagsAndDomainId(word & 0xFFFF_0000u, word);
            if (found == word)
            {
                break;
            }

            word = found;
        }

        _free.Push((int)gref);
        return true;
    }

    /// <summary>True if <see cref="EndAccess"/> would succeed now (the hypervisor is not using the entry); changes
    /// nothing.</summary>
    public bool EndAccessWouldSucceed(uint gref) =>
        (new GrantEntryV1(Entry(gref)).Flags & (GrantFlags.Reading | GrantFlags.Writing)) == 0;

    /// <summary>Mappings of entry <paramref name="gref"/> alive now (the hypervisor's pin count).</summary>
    public int Pins(uint gref) => _readPins[gref] + _writePins[gref];

    /// <summary>All pins of the table (0 when nothing is mapped).</summary>
    public int TotalPins => _readPins.Sum() + _writePins.Sum();

    internal (GrantFlags Flags, ushort Domid, uint Frame) Read(uint gref)
    {
        var e = new GrantEntryV1(Entry(gref));
        uint word = e.ReadFlagsAndDomainId(); // flags and domid from one load: the guest cannot tear them apart
        return ((GrantFlags)(ushort)word, (ushort)(word >> 16), e.Frame);
    }

    internal void Pin(uint gref, bool write)
    {
        (write ? _writePins : _readPins)[gref]++;
        new GrantEntryV1(Entry(gref)).SetFlags(write ? GrantFlags.Writing : GrantFlags.Reading);
    }

    internal void Unpin(uint gref, bool write)
    {
        int left = --(write ? _writePins : _readPins)[gref];
        if (left == 0)
        {
            new GrantEntryV1(Entry(gref)).ClearFlags(write ? GrantFlags.Writing : GrantFlags.Reading);
        }
    }

    public void Dispose() => _frames.Dispose();
}
