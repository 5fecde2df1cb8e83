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
/// <para>Hypervisor side (<see cref="TryPin"/>, Xen's <c>_set_status_v1</c>): the guest may change an entry at any
/// moment — also from another process, when the table lives in shared memory, and a hostile guest is modelled by
/// writing <see cref="Entry"/> directly. So flags and domid are read in one load, checked, and the reading/writing bit
/// is set by a compare-and-swap against exactly the word that was checked: if the guest changed the entry in between,
/// the swap fails and the check runs again on the new word. The frame is read once, after the bit is set, and only
/// that value is used. Pin counts are the hypervisor's own (never in shared memory), and the bits are cleared when a
/// count drops to zero, so a guest scribbling on the bits can confuse only itself.</para>
/// </remarks>
public sealed class GrantTable : IDisposable
{
    private const int EntrySize = GrantEntryV1.Size;

    private readonly UserBuffer _frames;
    private readonly Stack<int> _free = new();
    private readonly int[] _readPins;
    private readonly int[] _writePins;

    internal GrantTable(Domain owner, int entries, UserBuffer? frames)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(entries);
        Owner = owner;
        Capacity = entries;
        _frames = frames ?? new UserBuffer(DomainMemory.GrantFramesFor(entries), $"dom{owner.Id}-grant-table");
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

    /// <summary>
    /// The hypervisor's check-and-mark of entry <paramref name="gref"/> for a map or copy by domain
    /// <paramref name="grantee"/>: the entry must permit access to that domain, and writable use needs a writable
    /// grant. On <see cref="GrantStatus.Okay"/> the entry is pinned (<c>GTF_reading</c> or <c>GTF_writing</c> set,
    /// so the guest cannot end access) and <paramref name="frame"/> is the frame, read once after pinning; the caller
    /// checks the frame and must <see cref="Unpin"/> when done. The caller has checked the reference against
    /// <see cref="Capacity"/>.
    /// </summary>
    internal GrantStatus TryPin(uint gref, ushort grantee, bool write, out uint frame)
    {
        frame = 0;
        var e = new GrantEntryV1(Entry(gref));
        GrantFlags mark = write ? GrantFlags.Writing : GrantFlags.Reading;
        uint word = e.ReadFlagsAndDomainId(); // flags and domid from one load: the guest cannot tear them apart
        while (true)
        {
            var flags = (GrantFlags)(ushort)word;
            if ((flags & GrantFlags.TypeMask) != GrantFlags.PermitAccess || (ushort)(word >> 16) != grantee
                || (write && (flags & GrantFlags.Readonly) != 0))
            {
                return GrantStatus.PermissionDenied;
            }

            uint found = e.CompareExchangeFlagsAndDomainId(word | (ushort)mark, word);
            if (found == word)
            {
                break; // marked: from here the guest's EndAccess fails until Unpin
            }

            word = found; // the guest changed the entry between the load and the swap: check the new one
        }

        (write ? _writePins : _readPins)[gref]++;
        frame = e.Frame;
        return GrantStatus.Okay;
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
