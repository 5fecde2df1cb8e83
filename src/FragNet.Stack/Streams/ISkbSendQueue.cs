using FragNet.Buffers;

namespace FragNet.Stack.Streams;

/// <summary>The writable end of a socket's send queue of <see cref="SkBuff"/>s (FragNet's TCP, the host's kernel
/// sockets), for <see cref="SkbSendQueue"/>.</summary>
internal interface ISkbSendQueue
{
    /// <summary>The queue's tail if more may be appended to it (not transmitted, not ended by a record), else a new
    /// empty buffer appended to the queue.</summary>
    SkBuff WritableTail();

    /// <summary>Appends a new empty buffer and returns it.</summary>
    SkBuff NewQueueBuffer();
}
