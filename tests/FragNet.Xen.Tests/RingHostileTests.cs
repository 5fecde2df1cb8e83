using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Tests;

/// <summary>The other domain writes the shared page at will: a backend must bound what it believes, detect
/// overflow, and work only on copies; a frontend must not trust <c>rsp_prod</c> either.</summary>
public sealed class RingHostileTests
{
    private const int TxSlot = NetifConstants.TxSlotSize;

    [Theory]
    [InlineData(257u)] // one more than the ring holds
    [InlineData(0x1000u)]
    [InlineData(0x8000_0000u)]
    [InlineData(0x8000_0100u)]
    public void A_req_prod_beyond_the_ring_is_an_overflow_and_never_yields_more_than_size_requests(uint ahead)
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], TxSlot, 0x7000_0000);
        var back = new BackRing(buffer[0], TxSlot);
        SharedRing shared = front.Shared;
        shared.RequestProducer = unchecked(0x7000_0000 + ahead);

        Assert.True(back.IsOverflowed);
        Assert.Equal(256, back.UnconsumedRequests);
    }

    [Theory]
    [InlineData(1u)] // between rsp_prod_pvt and req_cons: ring.h's formula alone would not see it
    [InlineData(9u)] // back at rsp_prod_pvt
    [InlineData(11u)] // behind what was answered
    [InlineData(300u)]
    public void A_req_prod_moved_backwards_is_an_overflow_and_claims_no_requests(uint back)
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], TxSlot, 0x7000_0000);
        var ring = new BackRing(buffer[0], TxSlot);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(front.TryGetRequestSlot(out _));
        }

        front.PushRequests(out _);
        ring.AdvanceRequestConsumer(10);
        ring.NextResponseSlot(); // one answered: rsp_prod_pvt = start + 1, req_cons = start + 10
        SharedRing shared = front.Shared;
        shared.RequestProducer = unchecked(0x7000_0000u + 10 - back);

        Assert.True(ring.IsOverflowed);
        Assert.InRange(ring.UnconsumedRequests, 0, 256 - ring.PendingResponses);
        if (back < 10)
        {
            Assert.Equal(0, ring.UnconsumedRequests);
        }
    }

    [Fact]
    public void A_req_prod_exactly_one_ring_ahead_is_legal()
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], TxSlot);
        var back = new BackRing(buffer[0], TxSlot);
        SharedRing shared = front.Shared;
        shared.RequestProducer = 256;

        Assert.False(back.IsOverflowed);
        Assert.Equal(256, back.UnconsumedRequests);
    }

    [Fact]
    public void Requests_consumed_but_not_answered_shrink_what_a_hostile_req_prod_can_claim()
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], TxSlot);
        var back = new BackRing(buffer[0], TxSlot);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(front.TryGetRequestSlot(out _));
        }

        front.PushRequests(out _);
        back.AdvanceRequestConsumer(10);
        SharedRing shared = front.Shared;
        shared.RequestProducer = 0x4000_0000;

        Assert.True(back.IsOverflowed);
        Assert.Equal(246, back.UnconsumedRequests);
        back.AdvanceRequestConsumer(246);
        Assert.Equal(0, back.UnconsumedRequests);
        Assert.Equal(256, back.PendingResponses);
    }

    [Fact]
    public void Whatever_req_prod_says_the_backend_never_has_more_than_a_ring_of_work_in_hand()
    {
        // Seeded random backend states and hostile req_prod values: consumed-but-unanswered plus claimable requests
        // never exceed the ring, and without overflow the claim is exactly req_prod − req_cons.
        var random = new Random(20240611);
        for (int trial = 0; trial < 2000; trial++)
        {
            using var buffer = new UserBuffer(1, "ring");
            uint start = (uint)random.NextInt64(0, 1L << 32);
            var front = new FrontRing(buffer[0], TxSlot, start);
            var back = new BackRing(buffer[0], TxSlot);
            int published = random.Next(0, 257);
            for (int i = 0; i < published; i++)
            {
                Assert.True(front.TryGetRequestSlot(out _));
            }

            front.PushRequests(out _);
            int consumed = random.Next(0, published + 1);
            back.AdvanceRequestConsumer(consumed);
            for (int i = random.Next(0, consumed + 1); i > 0; i--)
            {
                back.NextResponseSlot();
            }

            SharedRing shared = front.Shared;
            uint hostile = random.Next(3) switch
            {
                0 => (uint)random.NextInt64(0, 1L << 32),
                1 => unchecked(back.ResponseProducerPrivate + (uint)random.Next(250, 270)),
                _ => unchecked(back.RequestConsumer - (uint)random.Next(1, 5)),
            };
            shared.RequestProducer = hostile;

            int claim = back.UnconsumedRequests;
            Assert.InRange(claim, 0, back.Size - back.PendingResponses);
            if (!back.IsOverflowed)
            {
                Assert.Equal((int)unchecked(hostile - back.RequestConsumer), claim);
            }
        }
    }

    [Fact]
    public void Copy_request_copies_so_later_writes_to_the_slot_do_not_change_the_copy()
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], TxSlot);
        var back = new BackRing(buffer[0], TxSlot);
        var honest = new NetifTxRequest(0x10, 0, NetTxFlags.None, 1, 1500);
        Assert.True(front.TryGetRequestSlot(out Span<byte> slot));
        honest.Write(slot);
        front.PushRequests(out _);

        byte[] copy = new byte[TxSlot];
        back.CopyRequest(back.RequestConsumer, copy);
        // The frontend rewrites the slot after the copy (size and offset now point past the page).
        new NetifTxRequest(0x10, 4000, NetTxFlags.None, 1, 0xFFFF).Write(back.Shared.Entry(back.RequestConsumer));

        Assert.Equal(honest, NetifTxRequest.Read(copy));
        Assert.NotEqual(honest, NetifTxRequest.Read(back.Shared.Entry(back.RequestConsumer)));
    }

    [Fact]
    public void Copying_into_a_buffer_smaller_than_a_slot_throws()
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], TxSlot);
        var back = new BackRing(buffer[0], TxSlot);

        Assert.Throws<ArgumentException>(() => back.CopyRequest(0, new byte[TxSlot - 1]));
        Assert.Throws<ArgumentException>(() => front.CopyResponse(0, new byte[TxSlot - 1]));
    }

    [Fact]
    public void A_backend_attaches_relative_to_whatever_start_the_page_holds()
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], TxSlot, 0xDEAD_BEEF);
        var back = new BackRing(buffer[0], TxSlot);

        Assert.Equal(0xDEAD_BEEFu, back.RequestConsumer);
        Assert.Equal(0xDEAD_BEEFu, back.ResponseProducerPrivate);
        Assert.Equal(0, back.UnconsumedRequests);
        Assert.False(back.IsOverflowed);
        Assert.Equal(0, front.UnconsumedResponses);
    }

    [Fact]
    public void A_frontend_bounds_responses_by_its_outstanding_requests_whatever_rsp_prod_says()
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], TxSlot);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(front.TryGetRequestSlot(out _));
        }

        front.PushRequests(out _);
        SharedRing shared = front.Shared;
        shared.ResponseProducer = 1000;

        Assert.True(front.IsResponseOverflowed);
        Assert.Equal(3, front.UnconsumedResponses);

        shared.ResponseProducer = 3;
        Assert.False(front.IsResponseOverflowed);
    }

    [Fact]
    public void A_frontend_scribbling_on_rsp_prod_does_not_change_the_backends_idea_of_what_it_published()
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], TxSlot);
        var back = new BackRing(buffer[0], TxSlot);
        Assert.True(front.TryGetRequestSlot(out _));
        front.PushRequests(out _);
        back.AdvanceRequestConsumer(1);
        SharedRing shared = front.Shared;
        shared.ResponseProducer = 0x5555_5555;
        shared.ResponseEvent = 1;

        back.NextResponseSlot();
        back.PushResponses(out bool notify);

        // rsp_event = 1 lies in (0, 1]: the backend's own old value (0), not the scribble, decides.
        Assert.True(notify);
        Assert.Equal(1u, shared.ResponseProducer);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(buffer[0].Span[SharedRingLayout.ResponseProducerOffset..]));
    }
}
