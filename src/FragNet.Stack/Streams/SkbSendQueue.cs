using FragNet.Buffers;

namespace FragNet.Stack.Streams;

/// <summary>
/// The two ways data enters a send queue of <see cref="SkBuff"/>s, shared by every stream socket so they fill their
/// queues alike: copied into pool pages (<see cref="AppendCopy{TQueue}"/>, the <c>send()</c> path) or lent by reference with a
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

    /// <summary>Checks a page run before anything is queued, so a bad one queues nothing: <paramref name="length"/>
    /// positive, <paramref name="offset"/> inside the first page, enough pages, none of them null.</summary>
    public static void CheckPageRun(ReadOnlySpan<Page> pages, int offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (offset < 0 || offset >= Page.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"the run starts inside its first page (0..{Page.Size - 1})");
        }

        int needed = (offset + length + Page.Size - 1) / Page.Size;
        if (pages.Length < needed)
        {
            throw new ArgumentException($"{length} bytes from offset {offset} need {needed} pages; {pages.Length} given", nameof(pages));
        }

        foreach (Page page in pages[..needed])
        {
            ArgumentNullException.ThrowIfNull(page, nameof(pages));
        }
    }

    /// <summary>Appends a caller's memory running across consecutive pages (<see cref="SkBuff.AppendFrags"/>): the tail
    /// takes as much as fits its byte limit and free frag slots — cutting a page piece where the limit falls, as Linux
    /// fills each queue buffer up to its size goal — and the rest goes into new buffers, each taking its destructor's
    /// references in one step.</summary>
    public static void AppendPageRun<TQueue>(TQueue queue, ReadOnlySpan<Page> pages, int offset, int length, FragDestructor? destructor, int maxBuffer)
        where TQueue : ISkbSendQueue
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuffer, 1);
        while (length > 0)
        {
            SkBuff tail = queue.WritableTail();
            int room = maxBuffer - tail.Len;
            int freeSlots = SharedInfo.MaxSkbFrags - tail.NrFrags + (tail.CanCoalesce(pages[0], offset, destructor) ? 1 : 0);
            if (room <= 0 || freeSlots == 0)
            {
                queue.NewQueueBuffer();
                continue;
            }

            // Pieces: the rest of the first page, then whole pages; as many as the slots allow, cut at the room left.
            int take = Math.Min(Math.Min(length, room), Page.Size - offset + ((freeSlots - 1) * Page.Size));
            tail.AppendFrags(pages, offset, take, destructor);
            int end = offset + take; // where the run stopped, counted from the start of pages[0]
            pages = pages[(end / Page.Size)..];
            offset = end % Page.Size;
            length -= take;
        }
    }
}
