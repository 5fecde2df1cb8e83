namespace FragNet.Xen.Abi;

/// <summary>
/// A view over one 8-byte v1 grant entry (grant_table.h, <c>struct grant_entry_v1</c>): <c>u16 flags @0</c>,
/// <c>domid_t domid @2</c>, <c>u32 frame @4</c>, little-endian.
/// </summary>
/// <remarks>
/// <para>Entries live in the granting domain's shared grant-table frames, and that domain may rewrite them at any
/// moment, also while the hypervisor is deciding whether to honour them. So every getter is one explicit, aligned
/// load of the whole field (never a re-read, never a torn value): read a field once into a local, validate the local,
/// use the local. Two getters are two loads and may see two different versions of the entry; where flags and domid
/// must agree, use <see cref="ReadFlagsAndDomainId"/>, one 32-bit load of both.</para>
/// <para>Setters are release stores. A granting domain fills <see cref="DomainId"/> and <see cref="Frame"/> first and
/// sets <see cref="Flags"/> last (grant_table.h's procedure for introducing a valid entry: domid, frame, write
/// barrier, then flags with the type), so the hypervisor never sees a valid type with a stale frame.</para>
/// <para>The hypervisor marks an entry in use with <see cref="CompareExchangeFlagsAndDomainId"/> — flags and domid are
/// swapped together, so the guest cannot change the grantee between the check and the mark — and clears the marks
/// with <see cref="ClearFlags"/>.</para>
/// </remarks>
public readonly ref struct GrantEntryV1
{
    /// <summary>Bytes in an entry.</summary>
    public const int Size = 8;

    /// <summary>Offset of <c>flags</c> (u16).</summary>
    public const int FlagsOffset = 0;

    /// <summary>Offset of <c>domid</c> (u16, <c>domid_t</c>).</summary>
    public const int DomainIdOffset = 2;

    /// <summary>Offset of <c>frame</c> (u32).</summary>
    public const int FrameOffset = 4;

    /// <summary>Entries in one 4096-byte grant-table frame.</summary>
    public const int EntriesPerFrame = 4096 / Size;

    /// <summary>The entry's 8 bytes of shared memory.</summary>
    private readonly Span<byte> _entry;

    /// <summary>A view over the first 8 bytes of <paramref name="entry"/>, which must be 4-byte aligned (as every
    /// entry of a page-aligned table is).</summary>
    /// <exception cref="ArgumentException">Fewer than 8 bytes.</exception>
    public GrantEntryV1(Span<byte> entry)
    {
        if (entry.Length < Size)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(entry), Size, entry.Length);
        }

        _entry = entry[..Size];
    }

    /// <summary>Entry <paramref name="gref"/> of a table laid out as consecutive frames in
    /// <paramref name="table"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The reference is beyond the table (a caller must check a
    /// guest-supplied reference against the table size first and answer <see cref="GrantStatus.BadGntref"/>).</exception>
    public static GrantEntryV1 At(Span<byte> table, uint gref)
    {
        if (gref >= (uint)(table.Length / Size))
        {
            AbiThrowHelper.ThrowArgumentOutOfRange(nameof(gref), gref, "grant reference beyond the table");
        }

        return new GrantEntryV1(table.Slice((int)gref * Size, Size));
    }

    /// <summary><c>flags</c>: one load (get), one release store (set; write it last when granting).</summary>
    public GrantFlags Flags
    {
        get => (GrantFlags)SharedMemory.LoadUInt16(_entry, FlagsOffset);
        set => SharedMemory.StoreUInt16(_entry, FlagsOffset, (ushort)value);
    }

    /// <summary><c>domid</c>, the domain the entry grants to: one load (get), one release store (set).</summary>
    public ushort DomainId
    {
        get => SharedMemory.LoadUInt16(_entry, DomainIdOffset);
        set => SharedMemory.StoreUInt16(_entry, DomainIdOffset, value);
    }

    /// <summary><c>frame</c>, the granted page frame number: one load (get), one release store (set).</summary>
    public uint Frame
    {
        get => SharedMemory.LoadUInt32(_entry, FrameOffset);
        set => SharedMemory.StoreUInt32(_entry, FrameOffset, value);
    }

    /// <summary>Packs flags and domid as the 32-bit word at offset 0 holds them (flags low, domid high).</summary>
    public static uint PackFlagsAndDomainId(GrantFlags flags, ushort domainId) => (uint)(ushort)flags | ((uint)domainId << 16);

    /// <summary>Flags and domid from one 32-bit load, so they belong to the same version of the entry; unpack with
    /// <c>(GrantFlags)(ushort)word</c> and <c>(ushort)(word &gt;&gt; 16)</c>.</summary>
    public uint ReadFlagsAndDomainId() => SharedMemory.LoadUInt32(_entry, FlagsOffset);

    /// <summary>Atomically replaces flags and domid with <paramref name="value"/> if they still equal
    /// <paramref name="comparand"/> (the hypervisor's <c>cmpxchg</c> when it marks an entry in use); returns the word
    /// found, which equals <paramref name="comparand"/> exactly when the swap happened.</summary>
    public uint CompareExchangeFlagsAndDomainId(uint value, uint comparand) =>
        SharedMemory.CompareExchangeUInt32(_entry, FlagsOffset, value, comparand);

    /// <summary>Atomically sets <paramref name="bits"/> in <c>flags</c>; returns the flags before.</summary>
    public GrantFlags SetFlags(GrantFlags bits) => (GrantFlags)(ushort)SharedMemory.OrUInt32(_entry, FlagsOffset, (ushort)bits);

    /// <summary>Atomically clears <paramref name="bits"/> in <c>flags</c> (<c>gnttab_clear_flags</c>), leaving domid
    /// and the other bits as the guest has them; returns the flags before.</summary>
    public GrantFlags ClearFlags(GrantFlags bits) =>
        (GrantFlags)(ushort)SharedMemory.AndUInt32(_entry, FlagsOffset, ~(uint)(ushort)bits);
}
