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
    /// <summary>Copies as much of <paramref name="data"/> as the pool allows into the queue through the socket's page
    /// frag (<see cref="SkBuff.AppendCopy(ReadOnlySpan{byte}, int, PageFrag)"/>): into the tail while it takes more,
    /// then into new buffers. Returns the bytes queued.</summary>
    public static int AppendCopy<TQueue>(TQueue queue, ReadOnlySpan<byte> data, int maxBuffer, PageFrag pageFrag)
        where TQueue : ISkbSendQueue
    {
        int accepted = 0;
        while (!data.IsEmpty)
        {
            SkBuff tail = queue.WritableTail();
            int n = tail.AppendCopy(data, maxBuffer, pageFrag);
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

    /// <summary>Appends a caller's memory running across consecutive pages (<see cref="SkBuff.AppendFrags"/>): as many
    /// whole pieces as fit the tail go into it, and the rest into new buffers, under the same rules as
    /// <see cref="AppendPages"/> for each piece — so each buffer's destructor references are taken in one step.</summary>
    public static void AppendPageRun<TQueue>(TQueue queue, ReadOnlySpan<Page> pages, int offset, int length, FragDestructor? destructor, int maxBuffer)
        where TQueue : ISkbSendQueue
    {
        while (length > 0)
        {
            SkBuff tail = queue.WritableTail();
            int freeSlots = SharedInfo.MaxSkbFrags - tail.NrFrags;
            bool merges = tail.CanCoalesce(pages[0], offset, destructor); // the first piece then needs no slot
            int take = 0;
            int pieces = 0;
            while (take < length)
            {
                int piece = Math.Min(Page.Size - (pieces == 0 ? offset : 0), length - take);
                int slots = pieces + 1 - (merges ? 1 : 0);
                if (tail.Len + take + piece > maxBuffer || slots > freeSlots)
                {
                    break;
                }

                take += piece;
                pieces++;
            }

            if (pieces == 0)
            {
                if (tail.Len == 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(maxBuffer), maxBuffer, "a queue buffer cannot hold one page piece");
                }

                queue.NewQueueBuffer();
                continue;
            }

            tail.AppendFrags(pages[..pieces], offset, take, destructor);
            pages = pages[pieces..];
            length -= take;
            offset = 0;
        }
    }
}
