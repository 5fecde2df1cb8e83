using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Tests;

/// <summary>io/ring.h's protocol between a <see cref="FrontRing"/> and a <see cref="BackRing"/> on one page: what is
/// visible when, who is notified when, and the final checks that re-arm the event indices.</summary>
public sealed class RingProtocolTests
{
    private const int TxSlot = NetifConstants.TxSlotSize;

    // ---- The event rule on its own -------------------------------------------------------------------------------

    [Theory]
    [InlineData(10u, 10u, 11u, false)] // nothing pushed: never notify
    [InlineData(10u, 10u, 10u, false)]
    [InlineData(10u, 11u, 11u, true)] // the peer asked for exactly the one pushed
    [InlineData(10u, 15u, 11u, true)] // event at the first pushed
    [InlineData(10u, 15u, 13u, true)] // event inside the batch
    [InlineData(10u, 15u, 15u, true)] // event at the last pushed
    [InlineData(10u, 15u, 16u, false)] // event still ahead: the peer is busy and will look again
    [InlineData(10u, 15u, 10u, false)] // event already passed by an earlier push
    [InlineData(10u, 15u, 3u, false)] // event long behind
    [InlineData(0xFFFF_FFFEu, 2u, 0xFFFF_FFFFu, true)] // wrap: first pushed is 0xFFFFFFFF
    [InlineData(0xFFFF_FFFEu, 2u, 0u, true)] // wrap: event at 2^32
    [InlineData(0xFFFF_FFFEu, 2u, 2u, true)]
    [InlineData(0xFFFF_FFFEu, 2u, 3u, false)]
    [InlineData(0xFFFF_FFFEu, 2u, 0xFFFF_FFFEu, false)]
    [InlineData(0xFFFF_FFFFu, 0u, 0u, true)]
    public void The_peer_is_notified_exactly_when_its_event_index_lies_in_the_pushed_range(uint oldProducer, uint newProducer, uint eventIndex, bool expected)
    {
        Assert.Equal(expected, SharedRing.NeedsNotify(oldProducer, newProducer, eventIndex));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1000u)]
    [InlineData(0xFFFF_FFFAu)]
    public void A_request_push_notifies_for_every_event_position_in_the_batch_and_for_no_other(uint start)
    {
        // For a batch old..new, try req_event at every position from well before old to past new.
        for (int batch = 1; batch <= 4; batch++)
        {
            for (int offset = -3; offset <= batch + 3; offset++)
            {
                using var buffer = new UserBuffer(1, "ring");
                var front = new FrontRing(buffer[0], TxSlot, start);
                SharedRing shared = front.Shared;
                uint eventIndex = unchecked(start + (uint)offset);
                shared.RequestEvent = eventIndex;
                for (int i = 0; i < batch; i++)
                {
                    Assert.True(front.TryGetRequestSlot(out _));
                }

                front.PushRequests(out bool notify);

                bool inRange = offset >= 1 && offset <= batch;
                Assert.True(inRange == notify, $"start {start:x}, batch {batch}, req_event at old{offset:+0;-0}: notify {notify}");
            }
        }
    }

    // ---- Requests ------------------------------------------------------------------------------------------------

    [Fact]
    public void The_first_push_on_a_fresh_ring_notifies_the_backend()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, _) = Pair(buffer);

        Send(front, 1);
        front.PushRequests(out bool notify);

        Assert.True(notify);
    }

    [Fact]
    public void A_second_push_before_the_backend_rearms_does_not_notify()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, _) = Pair(buffer);
        Send(front, 1);
        front.PushRequests(out _);

        Send(front, 2);
        front.PushRequests(out bool notify);

        Assert.False(notify);
    }

    [Fact]
    public void Pushing_with_nothing_new_never_notifies()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, _) = Pair(buffer);

        front.PushRequests(out bool notify);

        Assert.False(notify);
    }

    [Fact]
    public void Requests_written_but_not_pushed_are_invisible_to_the_backend()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        Send(front, 1);
        Send(front, 2);

        Assert.Equal(0, back.UnconsumedRequests);
        front.PushRequests(out _);
        Assert.Equal(2, back.UnconsumedRequests);
    }

    [Fact]
    public void The_backend_consumes_requests_in_order_from_copies()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        var first = new NetifTxRequest(0x100, 14, NetTxFlags.MoreData, 1, 3000);
        var second = new NetifTxRequest(0x101, 0, NetTxFlags.None, 2, 1500);
        Assert.True(front.TryGetRequestSlot(out Span<byte> slot));
        first.Write(slot);
        Assert.True(front.TryGetRequestSlot(out slot));
        second.Write(slot);
        front.PushRequests(out _);

        byte[] copy = new byte[TxSlot];
        Assert.True(back.TryConsumeRequest(copy));
        Assert.Equal(first, NetifTxRequest.Read(copy));
        Assert.True(back.TryConsumeRequest(copy));
        Assert.Equal(second, NetifTxRequest.Read(copy));
        Assert.False(back.TryConsumeRequest(copy));
        Assert.Equal(2, back.PendingResponses);
    }

    [Fact]
    public void The_backends_final_check_arms_req_event_one_past_req_cons_so_the_next_push_notifies()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        Send(front, 1);
        Send(front, 2);
        front.PushRequests(out _);
        back.AdvanceRequestConsumer(2);
        Send(front, 3);
        front.PushRequests(out bool beforeRearm);
        back.AdvanceRequestConsumer(1);

        back.FinalCheckForRequests(out bool more);
        Send(front, 4);
        front.PushRequests(out bool afterRearm);

        Assert.False(beforeRearm);
        Assert.False(more);
        Assert.Equal(4u, back.Shared.RequestEvent);
        Assert.True(afterRearm);
    }

    [Fact]
    public void A_final_check_with_requests_waiting_reports_more_and_leaves_req_event_alone()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        Send(front, 1);
        front.PushRequests(out _);
        uint eventBefore = back.Shared.RequestEvent;

        back.FinalCheckForRequests(out bool more);

        Assert.True(more);
        Assert.Equal(eventBefore, back.Shared.RequestEvent);
    }

    [Fact]
    public void A_request_pushed_before_the_backend_arms_is_seen_by_the_final_check_without_a_notification()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        Send(front, 1);
        front.PushRequests(out _);
        back.AdvanceRequestConsumer(1);

        Send(front, 2);
        front.PushRequests(out bool notify);
        back.FinalCheckForRequests(out bool more);

        Assert.False(notify);
        Assert.True(more);
    }

    [Fact]
    public void A_request_pushed_after_the_backends_first_look_but_before_it_arms_is_found_by_the_recheck()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        Send(front, 1);
        front.PushRequests(out _);
        back.AdvanceRequestConsumer(1);

        // The window ring.h's second look exists for: the push reads the old req_event (no notification) and the
        // backend's first look came too early to see the request.
        Assert.Equal(0, back.UnconsumedRequests);
        Send(front, 2);
        front.PushRequests(out bool notify);
        back.ArmRequestEvent();

        Assert.False(notify);
        Assert.True(back.RecheckRequests());
    }

    [Fact]
    public void A_request_published_between_arming_and_rechecking_is_found_by_the_recheck()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        Send(front, 1);
        front.PushRequests(out _);
        back.AdvanceRequestConsumer(1);

        back.ArmRequestEvent();
        Send(front, 2);
        front.PublishRequests(out _, out _);

        Assert.True(back.RecheckRequests());
    }

    [Fact]
    public void A_push_whose_event_check_follows_the_backends_recheck_notifies()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        Send(front, 1);
        front.PushRequests(out _);
        back.AdvanceRequestConsumer(1);

        // The backend arms and rechecks before the request is published, so it goes to sleep: the push must wake it.
        back.ArmRequestEvent();
        Assert.False(back.RecheckRequests());
        Send(front, 2);
        front.PublishRequests(out uint oldProducer, out uint newProducer);

        Assert.True(front.CheckRequestNotify(oldProducer, newProducer));
    }

    [Fact]
    public void The_frontend_fills_at_most_size_slots_until_responses_are_consumed()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        for (uint i = 0; i < 256; i++)
        {
            Send(front, i);
        }

        Assert.True(front.IsFull);
        Assert.Equal(0, front.FreeRequests);
        Assert.False(front.TryGetRequestSlot(out _));

        // Consuming requests does not free slots; consuming responses does.
        front.PushRequests(out _);
        back.AdvanceRequestConsumer(256);
        Assert.False(front.TryGetRequestSlot(out _));
        back.NextResponseSlot();
        back.PushResponses(out _);
        Assert.False(front.TryGetRequestSlot(out _));
        Assert.True(front.TryConsumeResponse(new byte[TxSlot]));
        Assert.Equal(1, front.FreeRequests);
        Assert.True(front.TryGetRequestSlot(out _));
    }

    [Fact]
    public void Advancing_past_the_waiting_requests_or_responses_throws()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        Send(front, 1);
        front.PushRequests(out _);

        Assert.Throws<ArgumentOutOfRangeException>(() => back.AdvanceRequestConsumer(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => back.AdvanceRequestConsumer(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => front.AdvanceResponseConsumer(1));
    }

    // ---- Responses -----------------------------------------------------------------------------------------------

    [Fact]
    public void A_response_slot_is_given_only_for_a_consumed_request_and_is_that_requests_slot()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        Assert.Throws<InvalidOperationException>(() => back.NextResponseSlot());

        Send(front, 0xCAFE);
        front.PushRequests(out _);
        Assert.Throws<InvalidOperationException>(() => back.NextResponseSlot()); // published, not consumed
        back.AdvanceRequestConsumer(1);
        Span<byte> slot = back.NextResponseSlot();

        Assert.Equal(0xCAFEu, BinaryPrimitives.ReadUInt32LittleEndian(slot));
        Assert.Throws<InvalidOperationException>(() => back.NextResponseSlot());
    }

    [Fact]
    public void Responses_cross_the_ring_as_netif_tx_responses_and_the_first_notifies()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        Send(front, 1);
        Send(front, 2);
        front.PushRequests(out _);
        back.AdvanceRequestConsumer(2);

        new NetifTxResponse(1, NetifResponseStatus.Okay).Write(back.NextResponseSlot());
        back.PushResponses(out bool firstNotify);
        new NetifTxResponse(2, NetifResponseStatus.Error).Write(back.NextResponseSlot());
        back.PushResponses(out bool secondNotify);

        byte[] copy = new byte[TxSlot];
        Assert.True(firstNotify);
        Assert.False(secondNotify);
        Assert.Equal(2, front.UnconsumedResponses);
        Assert.True(front.TryConsumeResponse(copy));
        Assert.Equal(new NetifTxResponse(1, NetifResponseStatus.Okay), NetifTxResponse.Read(copy));
        Assert.True(front.TryConsumeResponse(copy));
        Assert.Equal(new NetifTxResponse(2, NetifResponseStatus.Error), NetifTxResponse.Read(copy));
        Assert.False(front.TryConsumeResponse(copy));
    }

    [Fact]
    public void The_frontends_final_check_arms_rsp_event_one_past_rsp_cons_so_the_next_response_notifies()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        for (uint i = 0; i < 3; i++)
        {
            Send(front, i);
        }

        front.PushRequests(out _);
        back.AdvanceRequestConsumer(3);
        back.NextResponseSlot();
        back.PushResponses(out _);
        front.AdvanceResponseConsumer(1);

        front.FinalCheckForResponses(out bool more);
        back.NextResponseSlot();
        back.PushResponses(out bool notify);

        Assert.False(more);
        Assert.Equal(2u, front.Shared.ResponseEvent);
        Assert.True(notify);
    }

    [Fact]
    public void A_response_published_between_arming_and_rechecking_is_found_by_the_recheck()
    {
        using var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        Send(front, 1);
        front.PushRequests(out _);
        back.AdvanceRequestConsumer(1);

        front.ArmResponseEvent();
        back.NextResponseSlot();
        back.PushResponses(out bool notify);

        Assert.True(front.RecheckResponses());
        Assert.True(notify);
    }

    [Fact]
    public void A_ring_whose_page_was_released_refuses_to_touch_it()
    {
        var buffer = new UserBuffer(1, "ring");
        (FrontRing front, BackRing back) = Pair(buffer);
        buffer.Dispose();

        Assert.Throws<RefCountException>(() => front.PushRequests(out _));
        Assert.Throws<RefCountException>(() => back.UnconsumedRequests);
    }

    private static (FrontRing Front, BackRing Back) Pair(UserBuffer buffer, uint start = 0)
    {
        var front = new FrontRing(buffer[0], TxSlot, start);
        var back = new BackRing(buffer[0], TxSlot);
        return (front, back);
    }

    private static void Send(FrontRing front, uint value)
    {
        Assert.True(front.TryGetRequestSlot(out Span<byte> slot));
        BinaryPrimitives.WriteUInt32LittleEndian(slot, value);
    }
}
