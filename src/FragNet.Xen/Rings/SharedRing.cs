using FragNet.Xen.Abi;

namespace FragNet.Xen.Rings;

/// <summary>
/// A view over a shared ring page (io/ring.h; layout in <see cref="SharedRingLayout"/>): the four indices of the
/// header and the entry slots. <see cref="FrontRing"/> and <see cref="BackRing"/> add each side's private indices
/// and the protocol; use this view directly only to initialise a page or, in tests, to play a hostile peer.
/// </summary>
/// <remarks>
/// <para>The other domain writes the page concurrently. Each index getter is one acquire load of the aligned u32
/// (read it once into a local; two reads may differ), and each setter one release store, so entries written before
/// the store are visible to whoever sees the new index (ring.h's <c>wmb()</c> before publishing a producer index).
/// The full barrier between publishing a producer index and reading the peer's event index (ring.h's <c>mb()</c>)
/// is the ring's job, not the view's.</para>
/// </remarks>
public readonly ref struct SharedRing
{
    /// <summary>The ring page.</summary>
    private readonly Span<byte> _page;

    /// <summary>A view over <paramref name="page"/> (one 4096-byte page, page-aligned) with
    /// <paramref name="entrySize"/>-byte entries.</summary>
    /// <exception cref="ArgumentException">The span is shorter than a page.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Bad entry size.</exception>
    public SharedRing(Span<byte> page, int entrySize)
    {
        if (page.Length < SharedRingLayout.PageSize)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(page), SharedRingLayout.PageSize, page.Length);
        }

        Size = SharedRingLayout.RingSize(entrySize);
        EntrySize = entrySize;
        _page = page[..SharedRingLayout.PageSize];
    }

    /// <summary>Bytes in an entry (the union of request and response).</summary>
    public int EntrySize { get; }

    /// <summary>Entries in the ring, a power of two.</summary>
    public int Size { get; }

    /// <summary><c>req_prod</c>: acquire load / release store.</summary>
    public uint RequestProducer
    {
        get => SharedMemory.LoadUInt32(_page, SharedRingLayout.RequestProducerOffset);
        set => SharedMemory.StoreUInt32(_page, SharedRingLayout.RequestProducerOffset, value);
    }

    /// <summary><c>req_event</c>: acquire load / release store.</summary>
    public uint RequestEvent
    {
        get => SharedMemory.LoadUInt32(_page, SharedRingLayout.RequestEventOffset);
        set => SharedMemory.StoreUInt32(_page, SharedRingLayout.RequestEventOffset, value);
    }

    /// <summary><c>rsp_prod</c>: acquire load / release store.</summary>
    public uint ResponseProducer
    {
        get => SharedMemory.LoadUInt32(_page, SharedRingLayout.ResponseProducerOffset);
        set => SharedMemory.StoreUInt32(_page, SharedRingLayout.ResponseProducerOffset, value);
    }

    /// <summary><c>rsp_event</c>: acquire load / release store.</summary>
    public uint ResponseEvent
    {
        get => SharedMemory.LoadUInt32(_page, SharedRingLayout.ResponseEventOffset);
        set => SharedMemory.StoreUInt32(_page, SharedRingLayout.ResponseEventOffset, value);
    }

    /// <summary>The <c>pvt</c> bytes of the header.</summary>
    public Span<byte> Private => _page.Slice(SharedRingLayout.PrivateOffset, SharedRingLayout.PrivateLength);

    /// <summary>The slot of free-running index <paramref name="index"/>: slot <c>index &amp; (Size − 1)</c>.</summary>
    public Span<byte> Entry(uint index) =>
        _page.Slice(SharedRingLayout.HeaderSize + ((int)(index & (uint)(Size - 1)) * EntrySize), EntrySize);

    /// <summary>
    /// The event rule of ring.h's <c>RING_PUSH_{REQUESTS,RESPONSES}_AND_CHECK_NOTIFY</c>: after moving a producer
    /// index from <paramref name="oldProducer"/> to <paramref name="newProducer"/>, the peer needs an event exactly
    /// when its event index lies in (old, new], i.e. <c>(u32)(new − event) &lt; (u32)(new − old)</c>. Correct across
    /// the 2^32 wrap; never true when nothing was pushed.
    /// </summary>
    public static bool NeedsNotify(uint oldProducer, uint newProducer, uint eventIndex) =>
        unchecked(newProducer - eventIndex) < unchecked(newProducer - oldProducer);

    /// <summary>
    /// ring.h's <c>SHARED_RING_INIT</c>, starting the free-running indices at <paramref name="startIndex"/> (0 in
    /// Xen; other values let tests cross the 2^32 wrap): both producers at the start, both event indices one past it
    /// (each side wants an event for the first item), private area and padding zeroed. Entries are left alone.
    /// Only the side that owns the page (the frontend) does this, before it shares the page.
    /// </summary>
    public void Initialize(uint startIndex = 0)
    {
        _page.Slice(SharedRingLayout.PrivateOffset, SharedRingLayout.PrivateLength + SharedRingLayout.PaddingLength).Clear();
        RequestProducer = startIndex;
        ResponseProducer = startIndex;
        RequestEvent = unchecked(startIndex + 1);
        ResponseEvent = unchecked(startIndex + 1);
    }
}
