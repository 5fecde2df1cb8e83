using System.Diagnostics;
using FragNet.Buffers;
using FragNet.Xen.Abi;

namespace FragNet.Xen.Rings;

/// <summary>
/// The backend's side of a shared ring (io/ring.h <c>struct __name##_back_ring</c>): it consumes requests and
/// produces responses. Its private indices are <see cref="RequestConsumer"/> (<c>req_cons</c>) and
/// <see cref="ResponseProducerPrivate"/> (<c>rsp_prod_pvt</c>, responses written but maybe not yet published).
/// </summary>
/// <remarks>
/// <para>The page belongs to the frontend, which can write anything at any time: <c>req_prod</c>, <c>rsp_event</c>,
/// and every slot — also a slot the backend is reading. Three rules keep the backend safe:</para>
/// <list type="number">
/// <item><description>Read <c>req_prod</c> once per decision. <see cref="UnconsumedRequests"/> is bounded by the
/// free slots (<c>Size − (req_cons − rsp_prod_pvt)</c>), so no value of <c>req_prod</c> makes the backend consume
/// more than the ring holds; <see cref="IsOverflowed"/> (<c>req_prod − rsp_prod_pvt &gt; Size</c>, ring.h
/// <c>RING_REQUEST_PROD_OVERFLOW</c>, or <c>req_prod</c> behind <c>req_cons</c>) says the frontend broke the
/// protocol, which the backend treats as fatal.</description></item>
/// <item><description>Copy a request out of its slot (<see cref="CopyRequest"/>) before validating any field, then
/// use only the copy: validating the slot and using it again is a double fetch (XSA-155).</description></item>
/// <item><description>Write responses only into slots of requests already consumed (<c>rsp_prod_pvt &lt;
/// req_cons</c>): those are slots the frontend handed over and cannot legitimately reuse before the response is
/// published.</description></item>
/// </list>
/// <para>Not thread-safe: one thread (or one locked context) drives a side.</para>
/// </remarks>
public sealed class BackRing
{
    /// <summary>The shared page (a mapping of the frontend's grant); its lifetime is the caller's.</summary>
    private readonly Page _page;

    /// <summary><c>req_cons</c>: the next request to consume.</summary>
    private uint _requestConsumer;

    /// <summary><c>rsp_prod_pvt</c>: the next response slot to fill; responses before it are written.</summary>
    private uint _responseProducerPrivate;

    /// <summary>The last <c>rsp_prod</c> this side published, kept here rather than re-read from the page, which the
    /// frontend can scribble on.</summary>
    private uint _responseProducerPublished;

    /// <summary>Attaches the backend to a ring the frontend initialised (ring.h <c>BACK_RING_ATTACH</c>): both private
    /// indices start at the page's current <c>rsp_prod</c> (0 for a ring fresh from <c>SHARED_RING_INIT</c>, so this
    /// is <c>BACK_RING_INIT</c> then). A hostile start value is harmless: every check is relative to it.</summary>
    /// <exception cref="ArgumentNullException">No page.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Bad entry size.</exception>
    public BackRing(Page page, int entrySize)
    {
        ArgumentNullException.ThrowIfNull(page);
        _page = page;
        EntrySize = entrySize;
        Size = SharedRingLayout.RingSize(entrySize);
        uint start = Shared.ResponseProducer;
        _requestConsumer = start;
        _responseProducerPrivate = start;
        _responseProducerPublished = start;
    }

    /// <summary>The shared page.</summary>
    public Page Page => _page;

    /// <summary>Bytes in an entry.</summary>
    public int EntrySize { get; }

    /// <summary>Entries in the ring (<see cref="SharedRingLayout.RingSize"/>).</summary>
    public int Size { get; }

    /// <summary><c>req_cons</c>.</summary>
    public uint RequestConsumer => _requestConsumer;

    /// <summary><c>rsp_prod_pvt</c>.</summary>
    public uint ResponseProducerPrivate => _responseProducerPrivate;

    /// <summary>The shared page as a ring view (checks the page is still live).</summary>
    public SharedRing Shared => new(_page.Span, EntrySize);

    /// <summary>Requests consumed and not yet answered: <c>req_cons − rsp_prod_pvt</c>. Responses can be written for
    /// this many.</summary>
    public int PendingResponses => (int)unchecked(_requestConsumer - _responseProducerPrivate);

    /// <summary>
    /// Requests published and not yet consumed (ring.h <c>RING_HAS_UNCONSUMED_REQUESTS</c>): the smaller of
    /// <c>req_prod − req_cons</c> (from one load of <c>req_prod</c>) and the slots not holding an unpublished
    /// response, <c>Size − (req_cons − rsp_prod_pvt)</c>. Never more than <see cref="Size"/>, whatever the frontend
    /// writes; check <see cref="IsOverflowed"/> to learn that it wrote nonsense. Unlike ring.h, a <c>req_prod</c>
    /// that went back behind <c>req_cons</c> gives 0, not a ring's worth of stale slots.
    /// </summary>
    public int UnconsumedRequests
    {
        get
        {
            uint producer = Shared.RequestProducer;
            uint consumed = unchecked(_requestConsumer - _responseProducerPrivate);
            uint published = unchecked(producer - _responseProducerPrivate);
            if (published < consumed)
            {
                return 0; // req_prod moved backwards: nothing new, and IsOverflowed says so
            }

            uint requests = unchecked(producer - _requestConsumer);
            uint room = (uint)Size - consumed;
            return (int)Math.Min(requests, room);
        }
    }

    /// <summary>
    /// True when the frontend broke the protocol, a fatal error: stop serving the ring (Linux netback disables the
    /// interface). From one load of <c>req_prod</c>: either <c>req_prod − rsp_prod_pvt &gt; Size</c> (ring.h
    /// <c>RING_REQUEST_PROD_OVERFLOW</c>: more requests claimed than the ring holds, or <c>req_prod</c> far behind),
    /// or <c>req_prod</c> lies behind <c>req_cons</c> — a step back that ring.h's formula misses when it lands between
    /// <c>rsp_prod_pvt</c> and <c>req_cons</c>. A correct frontend only ever moves <c>req_prod</c> forward.
    /// </summary>
    public bool IsOverflowed
    {
        get
        {
            uint published = unchecked(Shared.RequestProducer - _responseProducerPrivate);
            return published > (uint)Size || published < unchecked(_requestConsumer - _responseProducerPrivate);
        }
    }

    /// <summary>
    /// Copies the request slot of free-running index <paramref name="index"/> into <paramref name="destination"/>
    /// (which must hold <see cref="EntrySize"/> bytes) so it can be validated and used without the frontend changing
    /// it in between. Later writes to the slot do not affect the copy. The index should lie in
    /// [<see cref="RequestConsumer"/>, + <see cref="UnconsumedRequests"/>) (a multi-slot packet is peeked ahead
    /// before <see cref="AdvanceRequestConsumer"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public void CopyRequest(uint index, Span<byte> destination)
    {
        if (destination.Length < EntrySize)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(destination), EntrySize, destination.Length);
        }

        Shared.Entry(index).CopyTo(destination);
    }

    /// <summary>Copies the next request into <paramref name="destination"/> and consumes it; false when none is
    /// waiting.</summary>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public bool TryConsumeRequest(Span<byte> destination)
    {
        if (UnconsumedRequests == 0)
        {
            return false;
        }

        CopyRequest(_requestConsumer, destination);
        _requestConsumer = unchecked(_requestConsumer + 1);
        AssertInvariant();
        return true;
    }

    /// <summary>Consumes <paramref name="count"/> requests already copied with <see cref="CopyRequest"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More than <see cref="UnconsumedRequests"/>, or negative.</exception>
    public void AdvanceRequestConsumer(int count)
    {
        if ((uint)count > (uint)UnconsumedRequests)
        {
            AbiThrowHelper.ThrowArgumentOutOfRange(nameof(count), count, "more requests than are waiting");
        }

        _requestConsumer = unchecked(_requestConsumer + (uint)count);
        AssertInvariant();
    }

    /// <summary>
    /// Reserves the next response slot (at <c>rsp_prod_pvt</c>, which then advances) for the caller to fill. The
    /// response becomes visible to the frontend only at the next <see cref="PushResponses"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No consumed request awaits a response
    /// (<see cref="PendingResponses"/> is 0): the slot might still be the frontend's.</exception>
    public Span<byte> NextResponseSlot()
    {
        if (PendingResponses == 0)
        {
            AbiThrowHelper.ThrowInvalidOperation("no consumed request awaits a response: the slot is not the backend's to write");
        }

        Span<byte> slot = Shared.Entry(_responseProducerPrivate);
        _responseProducerPrivate = unchecked(_responseProducerPrivate + 1);
        AssertInvariant();
        return slot;
    }

    /// <summary>
    /// Publishes every filled response slot (ring.h <c>RING_PUSH_RESPONSES_AND_CHECK_NOTIFY</c>): a release store of
    /// <c>rsp_prod = rsp_prod_pvt</c> (<c>wmb()</c> first), a full barrier (<c>mb()</c>), then one load of
    /// <c>rsp_event</c>; <paramref name="notify"/> is true when the frontend asked to be woken for one of them
    /// (<see cref="SharedRing.NeedsNotify"/>). The old value of <c>rsp_prod</c> is the backend's own last publication,
    /// kept privately, so a frontend that scribbles on <c>rsp_prod</c> can at most cause a spurious or a missed
    /// notification of itself.
    /// </summary>
    public void PushResponses(out bool notify)
    {
        PublishResponses(out uint oldProducer, out uint newProducer);
        notify = CheckResponseNotify(oldProducer, newProducer);
    }

    /// <summary>First half of <see cref="PushResponses"/>: the release store of <c>rsp_prod</c>.</summary>
    internal void PublishResponses(out uint oldProducer, out uint newProducer)
    {
        oldProducer = _responseProducerPublished;
        newProducer = _responseProducerPrivate;
        SharedRing shared = Shared;
        shared.ResponseProducer = newProducer;
        _responseProducerPublished = newProducer;
    }

    /// <summary>Second half of <see cref="PushResponses"/>: <c>mb()</c>, then the event check.</summary>
    internal bool CheckResponseNotify(uint oldProducer, uint newProducer)
    {
        SharedMemory.FullBarrier();
        return SharedRing.NeedsNotify(oldProducer, newProducer, Shared.ResponseEvent);
    }

    /// <summary>
    /// The check before the backend stops polling for requests (ring.h <c>RING_FINAL_CHECK_FOR_REQUESTS</c>): if
    /// requests wait, <paramref name="more"/> is true at once; otherwise it asks for an event at the next request
    /// (<c>req_event = req_cons + 1</c>), issues a full barrier and looks again. When <paramref name="more"/> is false
    /// the backend may sleep until the event channel fires.
    /// </summary>
    public void FinalCheckForRequests(out bool more)
    {
        if (UnconsumedRequests != 0)
        {
            more = true;
            return;
        }

        ArmRequestEvent();
        more = RecheckRequests();
    }

    /// <summary>The middle step of <see cref="FinalCheckForRequests"/>, after it found nothing waiting: asks for an
    /// event at the next request (<c>req_event = req_cons + 1</c>). Split out so a test scheduler can interleave the peer
    /// between the first look, the arming and the second look.</summary>
    internal void ArmRequestEvent()
    {
        SharedRing shared = Shared;
        shared.RequestEvent = unchecked(_requestConsumer + 1);
    }

    /// <summary>Last step of <see cref="FinalCheckForRequests"/>: <c>mb()</c>, then look again.</summary>
    internal bool RecheckRequests()
    {
        SharedMemory.FullBarrier();
        return UnconsumedRequests != 0;
    }

    [Conditional("DEBUG")]
    private void AssertInvariant() =>
        Debug.Assert(unchecked(_requestConsumer - _responseProducerPrivate) <= (uint)Size, "req_cons − rsp_prod_pvt ≤ Size");
}
