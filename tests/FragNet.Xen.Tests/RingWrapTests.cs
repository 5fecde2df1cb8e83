using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Tests;

/// <summary>Free-running u32 indices across 2^32: slots, counts, fullness and the event rule must not notice.</summary>
public sealed class RingWrapTests
{
    [Theory]
    [InlineData(NetifConstants.TxSlotSize, 0xFFFF_FFF0u)]
    [InlineData(NetifConstants.RxSlotSize, 0xFFFF_FFF0u)]
    [InlineData(NetifConstants.TxSlotSize, 0xFFFF_FF00u)]
    [InlineData(NetifConstants.TxSlotSize, 0xFFFF_FFFFu)]
    public void Requests_and_responses_flow_unchanged_across_the_wrap(int entrySize, uint start)
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], entrySize, start);
        var back = new BackRing(buffer[0], entrySize);
        byte[] copy = new byte[entrySize];
        uint sent = 0, received = 0, answered = 0;

        // Batches of 7 so pushes straddle 2^32 and the slot boundary at odd places; 600 items cross the wrap.
        while (answered < 600)
        {
            for (int i = 0; i < 7 && front.TryGetRequestSlot(out Span<byte> slot); i++)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(slot, sent++);
            }

            front.PushRequests(out _);
            Assert.False(back.IsOverflowed);
            while (back.TryConsumeRequest(copy))
            {
                Assert.Equal(received++, BinaryPrimitives.ReadUInt32LittleEndian(copy));
                BinaryPrimitives.WriteUInt32LittleEndian(back.NextResponseSlot(), ~(received - 1));
            }

            back.PushResponses(out _);
            Assert.False(front.IsResponseOverflowed);
            while (front.TryConsumeResponse(copy))
            {
                Assert.Equal(~answered++, BinaryPrimitives.ReadUInt32LittleEndian(copy));
            }
        }

        Assert.Equal(unchecked(start + answered), front.ResponseConsumer);
        Assert.Equal(unchecked(start + answered), back.RequestConsumer);
        Assert.True(front.ResponseConsumer < start, "the indices wrapped");
        Assert.Equal(0, front.Outstanding);
    }

    [Fact]
    public void A_full_ring_straddling_the_wrap_is_full_and_drains_to_empty()
    {
        using var buffer = new UserBuffer(1, "ring");
        const uint start = 0xFFFF_FF80; // 128 below 2^32: the 256 requests run from ...FF80 to 0x7F
        var front = new FrontRing(buffer[0], NetifConstants.TxSlotSize, start);
        var back = new BackRing(buffer[0], NetifConstants.TxSlotSize);
        for (int i = 0; i < 256; i++)
        {
            Assert.True(front.TryGetRequestSlot(out _));
        }

        front.PushRequests(out _);
        Assert.True(front.IsFull);
        Assert.Equal(0x80u, front.RequestProducerPrivate);
        Assert.Equal(256, back.UnconsumedRequests);
        Assert.False(back.IsOverflowed);

        back.AdvanceRequestConsumer(256);
        for (int i = 0; i < 256; i++)
        {
            back.NextResponseSlot();
        }

        back.PushResponses(out _);
        Assert.Equal(256, front.UnconsumedResponses);
        front.AdvanceResponseConsumer(256);
        Assert.Equal(256, front.FreeRequests);
        Assert.Equal(0, back.UnconsumedRequests);
    }

    [Fact]
    public void The_final_check_at_the_last_index_arms_the_event_at_zero()
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], NetifConstants.TxSlotSize, uint.MaxValue - 1);
        var back = new BackRing(buffer[0], NetifConstants.TxSlotSize);
        Assert.True(front.TryGetRequestSlot(out _));
        front.PushRequests(out bool first);
        back.AdvanceRequestConsumer(1);
        Assert.Equal(uint.MaxValue, back.RequestConsumer);

        back.FinalCheckForRequests(out bool more);
        Assert.True(front.TryGetRequestSlot(out _));
        front.PushRequests(out bool second);

        Assert.True(first);
        Assert.False(more);
        Assert.Equal(0u, back.Shared.RequestEvent);
        Assert.True(second);
    }

    [Fact]
    public void Response_notification_works_when_rsp_prod_crosses_zero()
    {
        using var buffer = new UserBuffer(1, "ring");
        var front = new FrontRing(buffer[0], NetifConstants.RxSlotSize, 0xFFFF_FFFD);
        var back = new BackRing(buffer[0], NetifConstants.RxSlotSize);
        for (int i = 0; i < 6; i++)
        {
            Assert.True(front.TryGetRequestSlot(out _));
        }

        front.PushRequests(out _);
        back.AdvanceRequestConsumer(6);
        front.FinalCheckForResponses(out bool more); // arms rsp_event at 0xFFFFFFFE
        for (int i = 0; i < 6; i++)
        {
            back.NextResponseSlot();
        }

        back.PushResponses(out bool notify); // 0xFFFFFFFD → 3 covers 0xFFFFFFFE

        Assert.False(more);
        Assert.True(notify);
        Assert.Equal(6, front.UnconsumedResponses);
        Assert.Equal(3u, back.Shared.ResponseProducer);
    }
}
