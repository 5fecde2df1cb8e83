using FragNet.Xen.Abi;
using FragNet.Xen.Hypervisor;

namespace FragNet.Xen.CrossProcess;

/// <summary>
/// A view over page 0 of a cross-process guest's memory file: what the toolstack (the backend process, which
/// creates the guest) tells the guest, the handshake keys a XenStore would carry, and the guest's own counters.
/// </summary>
/// <remarks>
/// <para>Layout (little-endian, naturally aligned; every access one load or store through <see cref="SharedMemory"/>):</para>
/// <code>
///  @0   u32 magic 'FNXG'         @4   u32 version
///  @8   u32 guest frames         @12  u32 grant entries        (backend → guest: the toolstack's configuration)
///  @16  u32 packet size (0: random)  @20 u32 workload          @24 u32 seed
///  @28  u32 frontend state       @32  u32 backend state        (XenbusState)
///  @36  u32 tx-ring-ref          @40  u32 rx-ring-ref          @44 u32 event-channel   (guest → backend)
///  @48  u32 phase                (backend → guest: 0 run, 1 stop producing and drain)
///  @56  u64 packets sent   @64 u64 packets answered   @72 u64 error responses   @80 u64 slot rewrites
///  @88  u64 guest CPU ns   @96 u32 grants it could not end                            (guest → backend, reports)
/// </code>
/// <para>Everything here is written by an untrusted guest at will. The backend copies a key into its XenStore and
/// then treats it as any frontend key: a reference it cannot map, a port it cannot bind, fails the connect. The
/// guest's counters are only reported, never relied on.</para>
/// </remarks>
public readonly ref struct GuestControlPage
{
    /// <summary>'FNXG', little-endian.</summary>
    public const uint MagicValue = 0x47584E46;

    /// <summary>Layout version.</summary>
    public const uint CurrentVersion = 1;

    private const int MagicOffset = 0;
    private const int VersionOffset = 4;
    private const int GuestFramesOffset = 8;
    private const int GrantEntriesOffset = 12;
    private const int PacketSizeOffset = 16;
    private const int WorkloadOffset = 20;
    private const int SeedOffset = 24;
    private const int FrontendStateOffset = 28;
    private const int BackendStateOffset = 32;
    private const int TxRingRefOffset = 36;
    private const int RxRingRefOffset = 40;
    private const int EventChannelOffset = 44;
    private const int PhaseOffset = 48;
    private const int PacketsSentOffset = 56;
    private const int PacketsAnsweredOffset = 64;
    private const int ErrorResponsesOffset = 72;
    private const int RewritesOffset = 80;
    private const int CpuNanosOffset = 88;
    private const int GrantsNotEndedOffset = 96;

    private readonly Span<byte> _page;

    public GuestControlPage(Span<byte> page)
    {
        if (page.Length < 4096)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(page), 4096, page.Length);
        }

        _page = page;
    }

    /// <summary>True once the backend wrote the header of this layout version.</summary>
    public bool IsValid => SharedMemory.LoadUInt32(_page, MagicOffset) == MagicValue && SharedMemory.LoadUInt32(_page, VersionOffset) == CurrentVersion;

    /// <summary>The backend's configuration of the guest, written before the guest starts.</summary>
    public void WriteConfiguration(GuestMemoryLayout layout, int packetSize, GuestWorkload workload, uint seed)
    {
        SharedMemory.StoreUInt32(_page, GuestFramesOffset, (uint)layout.GuestFrames);
        SharedMemory.StoreUInt32(_page, GrantEntriesOffset, (uint)layout.GrantEntries);
        SharedMemory.StoreUInt32(_page, PacketSizeOffset, (uint)packetSize);
        SharedMemory.StoreUInt32(_page, WorkloadOffset, (uint)workload);
        SharedMemory.StoreUInt32(_page, SeedOffset, seed);
        SharedMemory.StoreUInt32(_page, VersionOffset, CurrentVersion);
        SharedMemory.StoreUInt32(_page, MagicOffset, MagicValue); // last: the header is complete
    }

    public GuestMemoryLayout Layout => new((int)Load(GuestFramesOffset), (int)Load(GrantEntriesOffset));

    /// <summary>Bytes per packet; 0: pseudo-random sizes.</summary>
    public int PacketSize => (int)Load(PacketSizeOffset);

    public GuestWorkload Workload => (GuestWorkload)Load(WorkloadOffset);

    public uint Seed => Load(SeedOffset);

    public XenbusState FrontendState
    {
        get => (XenbusState)Load(FrontendStateOffset);
        set => SharedMemory.StoreUInt32(_page, FrontendStateOffset, (uint)value);
    }

    public XenbusState BackendState
    {
        get => (XenbusState)Load(BackendStateOffset);
        set => SharedMemory.StoreUInt32(_page, BackendStateOffset, (uint)value);
    }

    public uint TxRingRef
    {
        get => Load(TxRingRefOffset);
        set => SharedMemory.StoreUInt32(_page, TxRingRefOffset, value);
    }

    public uint RxRingRef
    {
        get => Load(RxRingRefOffset);
        set => SharedMemory.StoreUInt32(_page, RxRingRefOffset, value);
    }

    public uint EventChannel
    {
        get => Load(EventChannelOffset);
        set => SharedMemory.StoreUInt32(_page, EventChannelOffset, value);
    }

    /// <summary>True once the backend asked the guest to stop producing, drain its responses and close.</summary>
    public bool StopRequested
    {
        get => Load(PhaseOffset) != 0;
        set => SharedMemory.StoreUInt32(_page, PhaseOffset, value ? 1u : 0u);
    }

    /// <summary>The guest's report: what it sent, what was answered, with how many errors, how often it rewrote a
    /// produced slot, its CPU time, and the grants it could not end at the close (a backend still mapping them).</summary>
    public GuestReport Report
    {
        get => new(Load64(PacketsSentOffset), Load64(PacketsAnsweredOffset), Load64(ErrorResponsesOffset), Load64(RewritesOffset),
            Load64(CpuNanosOffset), (int)Load(GrantsNotEndedOffset));
        set
        {
            Store64(PacketsSentOffset, value.PacketsSent);
            Store64(PacketsAnsweredOffset, value.PacketsAnswered);
            Store64(ErrorResponsesOffset, value.ErrorResponses);
            Store64(RewritesOffset, value.Rewrites);
            Store64(CpuNanosOffset, value.CpuNanoseconds);
            SharedMemory.StoreUInt32(_page, GrantsNotEndedOffset, (uint)value.GrantsNotEnded);
        }
    }

    private uint Load(int offset) => SharedMemory.LoadUInt32(_page, offset);

    // Two 32-bit halves: the report is read after the guest closed, so tearing cannot happen in a correct run, and a
    // torn value from a hostile guest is just a wrong number in a report.
    private long Load64(int offset) => (long)(SharedMemory.LoadUInt32(_page, offset) | ((ulong)SharedMemory.LoadUInt32(_page, offset + 4) << 32));

    private void Store64(int offset, long value)
    {
        SharedMemory.StoreUInt32(_page, offset, (uint)value);
        SharedMemory.StoreUInt32(_page, offset + 4, (uint)((ulong)value >> 32));
    }
}
