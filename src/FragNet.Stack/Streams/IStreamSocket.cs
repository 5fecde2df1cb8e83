using FragNet.Buffers;
using FragNet.Stack.Tcp;

namespace FragNet.Stack.Streams;

/// <summary>
/// A connected byte stream as a protocol above TCP uses it (Linux's <c>struct socket</c> with the stream
/// <c>proto_ops</c>): FragNet's own <see cref="TcpSocket"/>, or a kernel TCP socket at the host edge.
/// </summary>
/// <remarks>
/// <para>The contract is the one <see cref="TcpSocket"/> defines, so SUNRPC and NFS run unchanged over either:
/// <see cref="Send"/> copies; <see cref="SendPages(Page, int, int, FragDestructor?)"/> lends pages and the <see cref="FragDestructor"/> runs exactly when
/// the transport has let go of them (for a kernel socket: when <c>send</c> copied them, or at the MSG_ZEROCOPY
/// completion); received bytes are read in place with <see cref="PeekReceived"/> and consumed with
/// <see cref="ConsumeReceived"/>.</para>
/// <para>Nothing here blocks: work queued on a socket leaves when its transport's <see cref="IStreamTransport.Flush"/>
/// or poll runs.</para>
/// </remarks>
public interface IStreamSocket : IDisposable
{
    /// <summary>The connection state in RFC 9293 terms (a kernel socket reports the states it can observe).</summary>
    TcpState State { get; }

    /// <summary>This end.</summary>
    Ipv4Endpoint Local { get; }

    /// <summary>The other end.</summary>
    Ipv4Endpoint Remote { get; }

    /// <summary>Why the connection ended abnormally (reset, refused, timed out), or null.</summary>
    string? CloseReason { get; }

    /// <summary>What the connection did (a kernel socket fills in what <c>TCP_INFO</c> tells).</summary>
    TcpCounters Counters { get; }

    /// <summary>Bytes that may still be queued with <see cref="Send"/> or <see cref="SendPages(Page, int, int, FragDestructor?)"/>.</summary>
    int SendSpace { get; }

    /// <summary>Bytes received and not yet consumed.</summary>
    int ReceiveQueued { get; }

    /// <summary>True once the peer's FIN has been received and every byte before it consumed.</summary>
    bool IsReceiveFinished { get; }

    /// <summary>Queues a copy of <paramref name="data"/>; returns the bytes accepted (up to <see cref="SendSpace"/>).</summary>
    int Send(ReadOnlySpan<byte> data);

    /// <summary>Queues <paramref name="length"/> bytes of <paramref name="page"/> by reference; the page stays
    /// referenced until the transport lets go, and then <paramref name="destructor"/>'s reference is dropped. False if
    /// there is no send space.</summary>
    bool SendPages(Page page, int offset, int length, FragDestructor? destructor);

    /// <summary>Queues <paramref name="length"/> bytes running across consecutive pages by reference:
    /// <paramref name="pages"/>[0] from <paramref name="offset"/>, then each next page from its start (an iovec of
    /// page pieces). The same contract as the one-page form; false, queuing nothing, if there is no send space.</summary>
    bool SendPages(ReadOnlySpan<Page> pages, int offset, int length, FragDestructor? destructor);

    /// <summary>Marks the end of a record: nothing more is appended to the queued tail (MSG_EOR).</summary>
    void EndRecord();

    /// <summary>Copies the lent pages of <paramref name="only"/> (or of every lender, if null) still held by the
    /// transport into its own memory and releases them (<c>skb_orphan_frags</c>). Returns the bytes copied;
    /// <paramref name="complete"/> is false if memory ran out first.</summary>
    long OrphanFrags(FragDestructor? only, out bool complete);

    /// <summary>The received bytes, in place (valid until <see cref="ConsumeReceived"/>); empty when none.</summary>
    SkbBytes PeekReceived();

    /// <summary>Consumes <paramref name="count"/> received bytes from the front.</summary>
    void ConsumeReceived(int count);

    /// <summary>Closes the sending side: a FIN follows the queued data.</summary>
    void Close();

    /// <summary>Drops the connection at once (RST) and frees its queues.</summary>
    void Abort();
}
