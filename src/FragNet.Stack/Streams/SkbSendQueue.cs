using FragNet.Buffers;

namespace FragNet.Stack.Streams;

/// <summary>
/// The two ways data enters a send queue of <see cref="SkBuff"/>s, shared by every stream socket so they fill their
/// queues alike: copied into pool pages (<see cref="AppendCopy"/>, the <c>send()</c> path) or lent by reference with a
/// destructor (<see cref="AppendPages"/>, the sendpage / MSG_ZEROCOPY path). Queue buffers hold at most
/// <c>maxBuffer</c> bytes (what one GSO super-segment carries).
/// </summary>
internal static class SkbSendQueue
{
    /// <summary>Copies as much of <paramref name="data"/> as the pool allows into the queue: into the tail's last own
    /// page first (<see cref="SkBuff.AppendCopy"/>), then new buffers as the tail fills. Returns the bytes queued.</summary>
    public static int AppendCopy<TQueue>(TQueue queue, ReadOnlySpan<byte> data, int maxBuffer)
        where TQueue : ISkbSendQueue
    {
        int accepted = 0;
        while (!data.IsEmpty)
        {
            SkBuff tail = queue.WritableTail();
            int n = tail.AppendCopy(data, maxBuffer);
            if (n == 0)
            {
                if (tail.Len < maxBuffer && tail.NrFrags < SharedInfo.MaxSkbFrags)
                {
                    break; // the page pool ran dry
                }

                queue.NewQueueBuffer();
                continue;
            }

            data = data[n..];
            accepted += n;
        }

        return accepted;
    }

    /// <summary>Appends a lent page range to the queue: one new frag holding its own page and destructor references
    /// (or merged into the tail's last frag when contiguous), in a new buffer if the tail is full.</summary>
    public static void AppendPages<TQueue>(TQueue queue, Page page, int offset, int length, FragDestructor? destructor, int maxBuffer)
        where TQueue : ISkbSendQueue
    {
        SkBuff tail = queue.WritableTail();
        if (tail.Len + length > maxBuffer || (tail.NrFrags == SharedInfo.MaxSkbFrags && !tail.CanCoalesce(page, offset, destructor)))
        {
            tail = queue.NewQueueBuffer();
        }

        tail.AppendFrag(page, offset, length, destructor);
    }
}
