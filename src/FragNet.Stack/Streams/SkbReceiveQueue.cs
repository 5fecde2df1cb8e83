using FragNet.Buffers;

namespace FragNet.Stack.Streams;

/// <summary>The read end of a socket's receive queue of <see cref="SkBuff"/>s, shared by every stream socket.</summary>
internal static class SkbReceiveQueue
{
    /// <summary>Consumes <paramref name="count"/> bytes from the front of the queue <paramref name="head"/> …
    /// <paramref name="tail"/>: buffers read to their end are freed, a partly read one is pulled.</summary>
    public static void ConsumeFront(ref SkBuff? head, ref SkBuff? tail, int count)
    {
        while (count > 0)
        {
            SkBuff first = head!;
            if (count >= first.Len)
            {
                count -= first.Len;
                head = first.Next;
                first.Next = null;
                first.Consume();
                continue;
            }

            first.Pull(count);
            count = 0;
        }

        if (head is null)
        {
            tail = null;
        }
    }
}
