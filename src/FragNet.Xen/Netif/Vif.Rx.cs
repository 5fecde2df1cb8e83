using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Hypervisor;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Netif;

public sealed partial class Vif
{
    private readonly Queue<SkBuff> _rxQueue = new();
    private readonly byte[] _rxSlot = new byte[NetifConstants.RxSlotSize];
    private readonly byte[] _rxChunk = new byte[Page.Size];

    /// <summary>Stack → guest: grant-copies queued frames into the buffers the guest posted, one page-sized slot at a
    /// time (<c>more_data</c> on all but the last). A frame waits while the guest has posted too few buffers; the
    /// queue is bounded (<see cref="NetbackConfig.RxQueueLimit"/>), so a guest that stops posting costs dropped frames,
    /// never memory.</summary>
    private bool ProcessReceives()
    {
        BackRing rx = _rx!;
        bool pushed = false;
        while (_rxQueue.TryPeek(out SkBuff? frame))
        {
            if (rx.IsOverflowed)
            {
                FatalError(NetbackDropReason.FatalRingOverflow, "the guest posted more receive buffers than the ring holds");
                return false;
            }

            int slots = Math.Max(1, (frame.Len + Page.Size - 1) / Page.Size);
            if (slots > _config.MaxSlots)
            {
                _rxQueue.Dequeue();
                _drops[(int)NetbackDropReason.RxTooLong]++;
                frame.Drop(DropReason.PacketTooBig);
                continue;
            }

            if (rx.UnconsumedRequests < slots)
            {
                rx.FinalCheckForRequests(out bool more);
                if (!more || rx.UnconsumedRequests < slots)
                {
                    break; // wait for the guest to post buffers
                }
            }

            _rxQueue.Dequeue();
            bool failed = false;
            for (int i = 0; i < slots; i++)
            {
                rx.TryConsumeRequest(_rxSlot);
                NetifRxRequest request = NetifRxRequest.Read(_rxSlot);
                int at = i * Page.Size;
                int n = Math.Min(Page.Size, frame.Len - at);
                Span<byte> chunk = _rxChunk.AsSpan(0, n);
                frame.CopyBits(at, chunk);
                GrantStatus s = failed ? GrantStatus.GeneralError : _xen.CopyFrom(_backend, chunk, GrantCopySide.Gref(_guest.Id, request.Gref, 0));
                failed |= s != GrantStatus.Okay;
                NetRxFlags flags = (i < slots - 1 ? NetRxFlags.MoreData : 0) | NetRxFlags.DataValidated;
                short status = failed ? (short)NetifResponseStatus.Error : (short)n;
                new NetifRxResponse(request.Id, 0, flags, status).Write(rx.NextResponseSlot());
            }

            if (failed)
            {
                _drops[(int)NetbackDropReason.RxGrantFailed]++;
                frame.Drop(DropReason.FaultInjected);
            }
            else
            {
                RxPackets++;
                frame.Consume();
            }

            pushed = true;
        }

        if (!pushed)
        {
            return false;
        }

        rx.PushResponses(out bool notify);
        return notify;
    }
}
