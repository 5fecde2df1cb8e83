using System.Diagnostics;
using FragNet.Buffers;
using FragNet.Xen.Abi;

namespace FragNet.Xen.Rings;

/// <summary>
/// The frontend's side of a shared ring (io/ring.h <c>struct __name##_front_ring</c>): it produces requests and
/// consumes responses. Its private indices are <see cref="RequestProducerPrivate"/> (<c>req_prod_pvt</c>, requests
/// written but maybe not yet published) and <see cref="ResponseConsumer"/> (<c>rsp_cons</c>).
/// </summary>
/// <remarks>
/// <para>Invariant: <c>rsp_cons ≤ rsp_prod ≤ req_prod ≤ req_prod_pvt ≤ rsp_cons + Size</c> in free-running u32
/// arithmetic (every "≤" is a difference of at most <see cref="Size"/>). The frontend owns <c>req_prod</c> and
/// <c>rsp_event</c>; the backend writes <c>rsp_prod</c> and <c>req_event</c> and response slots, and a hostile
/// backend may write anything anywhere in the page, so the response count is bounded by what the frontend itself
/// has outstanding (<see cref="UnconsumedResponses"/>, <see cref="IsResponseOverflowed"/>).</para>
/// <para>Wake-up protocol: the backend sleeps after <see cref="BackRing.FinalCheckForRequests"/> has set
/// <c>req_event = req_cons + 1</c>; <see cref="PushRequests"/> publishes <c>req_prod</c>, issues a full barrier and
/// then reads <c>req_event</c>, so either the backend's re-check sees the new requests or the push sees the new
/// event index and notifies — never neither. The same holds for responses the other way round.</para>
/// <para>Not thread-safe: one thread (or one locked context) drives a side, as in every Xen driver.</para>
/// </remarks>
public sealed class FrontRing
{
    /// <summary>The shared page; its lifetime is the caller's (the ring does not hold a reference).</summary>
    private readonly Page _page;

    /// <summary><c>req_prod_pvt</c>: the next request slot to fill; requests before it are written.</summary>
    private uint _requestProducerPrivate;

    /// <summary><c>rsp_cons</c>: the next response to consume.</summary>
    private uint _responseConsumer;

    /// <summary>The last <c>req_prod</c> this side published, kept here rather than re-read from the page (ring.h
    /// re-reads it; a private copy means a backend that scribbles on <c>req_prod</c> cannot skew the event check).</summary>
    private uint _requestProducerPublished;

    /// <summary>Initialises <paramref name="page"/> as a fresh shared ring (<c>SHARED_RING_INIT</c>) and attaches the
    /// frontend to it (<c>FRONT_RING_INIT</c>), with every index starting at <paramref name="startIndex"/> (0 in Xen).
    /// Share the page (grant it) only after this.</summary>
    /// <exception cref="ArgumentNullException">No page.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Bad entry size.</exception>
    public FrontRing(Page page, int entrySize, uint startIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(page);
        _page = page;
        EntrySize = entrySize;
        Size = SharedRingLayout.RingSize(entrySize);
        Shared.Initialize(startIndex);
        _requestProducerPrivate = startIndex;
        _responseConsumer = startIndex;
        _requestProducerPublished = startIndex;
    }

    /// <summary>The shared page.</summary>
    public Page Page => _page;

    /// <summary>Bytes in an entry.</summary>
    public int EntrySize { get; }

    /// <summary>Entries in the ring (<see cref="SharedRingLayout.RingSize"/>).</summary>
    public int Size { get; }

    /// <summary><c>req_prod_pvt</c>.</summary>
    public uint RequestProducerPrivate => _requestProducerPrivate;

    /// <summary><c>rsp_cons</c>.</summary>
    public uint ResponseConsumer => _responseConsumer;

    /// <summary>The shared page as a ring view (checks the page is still live).</summary>
    public SharedRing Shared => new(_page.Span, EntrySize);

    /// <summary>Request slots free to fill (ring.h <c>RING_FREE_REQUESTS</c>): <c>Size − (req_prod_pvt − rsp_cons)</c>.
    /// Only the frontend's own indices are used, so a hostile backend cannot make it overfill the ring.</summary>
    public int FreeRequests => Size - (int)unchecked(_requestProducerPrivate - _responseConsumer);

    /// <summary>True when every slot holds a request or an unconsumed response (<c>RING_FULL</c>).</summary>
    public bool IsFull => FreeRequests == 0;

    /// <summary>Requests written and not yet answered by a consumed response: <c>req_prod_pvt − rsp_cons</c>.</summary>
    public int Outstanding => (int)unchecked(_requestProducerPrivate - _responseConsumer);

    /// <summary>
    /// Reserves the next request slot (at <c>req_prod_pvt</c>, which then advances) for the caller to fill; false when
    /// the ring is full. The request becomes visible to the backend only at the next <see cref="PushRequests"/>.
    /// </summary>
    public bool TryGetRequestSlot(out Span<byte> slot)
    {
        if (IsFull)
        {
            slot = default;
            return false;
        }

        slot = Shared.Entry(_requestProducerPrivate);
        _requestProducerPrivate = unchecked(_requestProducerPrivate + 1);
        AssertInvariant();
        return true;
    }

    /// <summary>
    /// Publishes every filled slot (ring.h <c>RING_PUSH_REQUESTS_AND_CHECK_NOTIFY</c>): a release store of
    /// <c>req_prod = req_prod_pvt</c> (the slots are visible first: <c>wmb()</c>), a full barrier (<c>mb()</c>), then one
    /// load of <c>req_event</c>. <paramref name="notify"/> is true when the backend asked to be woken for one of the
    /// requests just published (<see cref="SharedRing.NeedsNotify"/>); the caller then signals the event channel.
    /// </summary>
    public void PushRequests(out bool notify)
    {
        PublishRequests(out uint oldProducer, out uint newProducer);
        notify = CheckRequestNotify(oldProducer, newProducer);
    }

    /// <summary>First half of <see cref="PushRequests"/>: the release store of <c>req_prod</c>. Split out so a test
    /// scheduler can interleave the peer between the halves.</summary>
    internal void PublishRequests(out uint oldProducer, out uint newProducer)
    {
        oldProducer = _requestProducerPublished;
        newProducer = _requestProducerPrivate;
        SharedRing shared = Shared;
        shared.RequestProducer = newProducer;
        _requestProducerPublished = newProducer;
    }

    /// <summary>Second half of <see cref="PushRequests"/>: <c>mb()</c>, then the event check.</summary>
    internal bool CheckRequestNotify(uint oldProducer, uint newProducer)
    {
        SharedMemory.FullBarrier();
        return SharedRing.NeedsNotify(oldProducer, newProducer, Shared.RequestEvent);
    }

    /// <summary>
    /// Responses published and not yet consumed (ring.h <c>RING_HAS_UNCONSUMED_RESPONSES</c>,
    /// <c>rsp_prod − rsp_cons</c>), from one load of <c>rsp_prod</c>, bounded by <see cref="Outstanding"/>: a
    /// backend can answer only requests that exist, so a larger claim (see <see cref="IsResponseOverflowed"/>) never
    /// makes the frontend read more slots than it filled.
    /// </summary>
    public int UnconsumedResponses
    {
        get
        {
            uint available = unchecked(Shared.ResponseProducer - _responseConsumer);
            uint outstanding = unchecked(_requestProducerPrivate - _responseConsumer);
            return (int)Math.Min(available, outstanding);
        }
    }

    /// <summary>True when <c>rsp_prod</c> claims more responses than there are outstanding requests (or has moved
    /// backwards): a broken or hostile backend. A hardened frontend stops using the ring.</summary>
    public bool IsResponseOverflowed =>
        unchecked(Shared.ResponseProducer - _responseConsumer) > unchecked(_requestProducerPrivate - _responseConsumer);

    /// <summary>Copies the response slot of free-running index <paramref name="index"/> into
    /// <paramref name="destination"/> (which must hold <see cref="EntrySize"/> bytes); validate the copy, not the
    /// slot. The index should lie in [<see cref="ResponseConsumer"/>, + <see cref="UnconsumedResponses"/>).</summary>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public void CopyResponse(uint index, Span<byte> destination)
    {
        if (destination.Length < EntrySize)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(destination), EntrySize, destination.Length);
        }

        Shared.Entry(index).CopyTo(destination);
    }

    /// <summary>Copies the next response into <paramref name="destination"/> and consumes it; false when none is
    /// waiting.</summary>
    /// <exception cref="ArgumentException">The destination is too small.</exception>
    public bool TryConsumeResponse(Span<byte> destination)
    {
        if (UnconsumedResponses == 0)
        {
            return false;
        }

        CopyResponse(_responseConsumer, destination);
        _responseConsumer = unchecked(_responseConsumer + 1);
        AssertInvariant();
        return true;
    }

    /// <summary>Consumes <paramref name="count"/> responses already read with <see cref="CopyResponse"/>, freeing
    /// their slots for new requests.</summary>
    /// <exception cref="ArgumentOutOfRangeException">More than <see cref="UnconsumedResponses"/>, or negative.</exception>
    public void AdvanceResponseConsumer(int count)
    {
        if ((uint)count > (uint)UnconsumedResponses)
        {
            AbiThrowHelper.ThrowArgumentOutOfRange(nameof(count), count, "more responses than are waiting");
        }

        _responseConsumer = unchecked(_responseConsumer + (uint)count);
        AssertInvariant();
    }

    /// <summary>
    /// The check before the frontend stops polling for responses (ring.h <c>RING_FINAL_CHECK_FOR_RESPONSES</c>): if
    /// responses wait, <paramref name="more"/> is true at once; otherwise it asks for an event at the next response
    /// (<c>rsp_event = rsp_cons + 1</c>), issues a full barrier and looks again, closing the window in which the
    /// backend published a response before it could see the new event index. When <paramref name="more"/> is false
    /// the frontend may sleep: the backend's next push will notify.
    /// </summary>
    public void FinalCheckForResponses(out bool more)
    {
        if (UnconsumedResponses != 0)
        {
            more = true;
            return;
        }

        ArmResponseEvent();
        more = RecheckResponses();
    }

    /// <summary>The middle step of <see cref="FinalCheckForResponses"/>, after it found nothing waiting: asks for an
    /// event at the next response (<c>rsp_event = rsp_cons + 1</c>). Split out so a test scheduler can interleave the peer
    /// between the first look, the arming and the second look.</summary>
    internal void ArmResponseEvent()
    {
        SharedRing shared = Shared;
        shared.ResponseEvent = unchecked(_responseConsumer + 1);
    }

    /// <summary>Last step of <see cref="FinalCheckForResponses"/>: <c>mb()</c>, then look again.</summary>
    internal bool RecheckResponses()
    {
        SharedMemory.FullBarrier();
        return UnconsumedResponses != 0;
    }

    [Conditional("DEBUG")]
    private void AssertInvariant() =>
        Debug.Assert(unchecked(_requestProducerPrivate - _responseConsumer) <= (uint)Size, "req_prod_pvt − rsp_cons ≤ Size");
}
