using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using FragNet.Buffers;
using FragNet.Host.Interop;
using FragNet.Stack;
using FragNet.Stack.Streams;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Host.Sockets;

/// <summary>
/// A kernel TCP connection behind the <see cref="IStreamSocket"/> contract, so SUNRPC and NFS run over the host's TCP
/// unchanged (<c>--via host</c>).
/// </summary>
/// <remarks>
/// <para><b>Sending.</b> Queued data lives in <see cref="SkBuff"/>s whose frags are pool pages (the copy path,
/// <see cref="Send"/>) or the caller's pages (<see cref="SendPages(Page, int, int, FragDestructor?)"/>), exactly as in FragNet's own TCP. A flush hands
/// them to the kernel with one scatter-gather <c>sendmsg</c> straight from the pages. Without MSG_ZEROCOPY the kernel
/// has copied the bytes when <c>sendmsg</c> returns, so the buffers are freed then and a lender's destructor runs at
/// once. With it, each <c>sendmsg</c> gets the next completion id; a buffer waits until every id that carried its
/// bytes is reported on the error queue (<c>SO_EE_ORIGIN_ZEROCOPY</c>), which is the moment the kernel's queues,
/// clones and device let go — the kernel's own fragment destructor.</para>
/// <para><b>Receiving.</b> Non-blocking reads into linear buffers, up to the configured receive buffer; the kernel's
/// window does the rest of the flow control.</para>
/// <para><b>States</b> are the ones a kernel socket lets us observe: SYN-SENT until the non-blocking connect
/// resolves, ESTABLISHED, CLOSE-WAIT after the peer's FIN, FIN-WAIT-1 / LAST-ACK after <see cref="Close"/> (the FIN
/// goes once everything queued has been handed over), CLOSED when both directions are done and no zero-copy send is
/// outstanding, or on an error, which <see cref="Error"/> names.</para>
/// <para><b>Abort</b> resets the connection (<c>SO_LINGER</c> 0) and frees everything queued; zero-copy buffers whose
/// completion can no longer be read are freed too — their data belonged to a connection that no longer exists.</para>
/// </remarks>
public sealed unsafe class HostTcpSocket : IStreamSocket, ISkbSendQueue
{
    private const int MaxIov = 64;
    private const int MaxQueuedBuffer = 16 * Page.Size;

    private readonly HostTcpTransport _transport;
    private readonly SkbCache _cache;
    private readonly PageFrag _pageFrag; // the copy path's page (sk_page_frag)
    private readonly TcpConfig _config;
    private Socket? _socket;
    private int _fd;

    private SkBuff? _sendHead;
    private SkBuff? _sendTail;
    private int _sendOffset;        // bytes of the head already handed to the kernel
    private int _sendQueued;        // bytes not yet handed to the kernel
    private bool _tailEor;
    private uint _headFirstId;      // the first zero-copy id that carried bytes of the head (valid if _headStarted)
    private uint _headLastId;       // the last zero-copy id that carried bytes of the head (valid if _headStarted)
    private bool _headStarted;
    private Instant? _drainDeadline; // closed, still waiting for the kernel's completions until then (set at the first drain)
    private readonly int _synInAcked; // tcpi_bytes_acked counts our SYN when we connected (not when we accepted)

    private readonly Queue<(SkBuff Skb, uint First, uint Last)> _awaiting = new();
    private readonly HashSet<uint> _completedAhead = [];
    private uint _nextId;           // the id the next zero-copy sendmsg gets
    private uint _completedBelow;   // every id below this one has completed

    private SkBuff? _spareReceive;
    private SkBuff? _recvHead;
    private SkBuff? _recvTail;
    private int _recvQueued;
    private bool _peerFinished;
    private bool _closeRequested;
    private bool _shutdownSent;

    internal HostTcpSocket(HostTcpTransport transport, SkbCache cache, TcpConfig config, Socket socket, Ipv4Endpoint remote, bool connecting)
    {
        _transport = transport;
        _cache = cache;
        _pageFrag = new PageFrag(cache.Pages);
        _config = config;
        _socket = socket;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        Remote = remote;
        Local = ToEndpoint(socket.LocalEndPoint);
        State = connecting ? TcpState.SynSent : TcpState.Established;
        _synInAcked = connecting ? 1 : 0;
    }

    public TcpState State { get; private set; }

    public Ipv4Endpoint Local { get; private set; }

    public Ipv4Endpoint Remote { get; }

    /// <summary>Why the connection ended abnormally, or null.</summary>
    public string? Error { get; private set; }

    string? IStreamSocket.CloseReason => Error;

    /// <summary>What the connection did: bytes counted here, retransmissions, ACKed bytes and segments from
    /// <c>TCP_INFO</c> at each poll.</summary>
    public TcpCounters Counters { get; } = new();

    public int SendSpace => State is TcpState.Established or TcpState.CloseWait or TcpState.SynSent && !_closeRequested
        ? Math.Max(0, _config.SendBuffer - _sendQueued)
        : 0;

    public int ReceiveQueued => _recvQueued;

    public bool IsReceiveFinished => _peerFinished && _recvQueued == 0;

    /// <summary>Buffers handed to the kernel with MSG_ZEROCOPY and not yet reported complete.</summary>
    public int AwaitingCompletion => _awaiting.Count + (_headStarted ? 1 : 0);

    internal int Fd => _fd;

    internal bool WantsWrite => State == TcpState.SynSent || (_socket is not null && _sendHead is not null && _sendQueued > 0);

    internal bool WantsRead => _socket is not null && State != TcpState.SynSent && !_peerFinished && _recvQueued < _config.ReceiveBuffer;

    internal bool IsOpen => _socket is not null;

    public int Send(ReadOnlySpan<byte> data)
    {
        int accepted = SkbSendQueue.AppendCopy(this, data[..Math.Min(data.Length, SendSpace)], MaxQueuedBuffer, _pageFrag);
        _sendQueued += accepted;
        return accepted;
    }

    public bool SendPages(Page page, int offset, int length, FragDestructor? destructor)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (length > SendSpace)
        {
            return false;
        }

        SkbSendQueue.AppendPages(this, page, offset, length, destructor, MaxQueuedBuffer);
        _sendQueued += length;
        return true;
    }

    public bool SendPages(ReadOnlySpan<Page> pages, int offset, int length, FragDestructor? destructor)
    {
        SkbSendQueue.CheckPageRun(pages, offset, length);
        if (length > SendSpace)
        {
            return false;
        }

        SkbSendQueue.AppendPageRun(this, pages, offset, length, destructor, MaxQueuedBuffer);
        _sendQueued += length;
        return true;
    }

    /// <summary>Ends a record: later data goes into a new queue buffer. The kernel's TCP decides segmentation itself.</summary>
    public void EndRecord() => _tailEor = _sendTail is not null;

    /// <summary>Copies the lent pages of buffers not yet handed to the kernel into pool pages. Pages the kernel holds
    /// under MSG_ZEROCOPY cannot be taken back; they are released at their completion.</summary>
    public long OrphanFrags(FragDestructor? only, out bool complete)
    {
        long copied = 0;
        complete = true;
        for (SkBuff? skb = _sendHead; skb is not null; skb = skb.Next)
        {
            if (skb == _sendHead && _headStarted)
            {
                continue; // the kernel already references the head's pages
            }

            long n = skb.OrphanFragsOf(only);
            if (n < 0)
            {
                complete = false;
                return copied;
            }

            copied += n;
        }

        return copied;
    }

    public SkbBytes PeekReceived() => _recvHead is null ? default : _recvHead.Bytes();

    public void ConsumeReceived(int count)
    {
        if (count < 0 || count > _recvQueued)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{_recvQueued} bytes are queued");
        }

        _recvQueued -= count;
        SkbReceiveQueue.ConsumeFront(ref _recvHead, ref _recvTail, count);
    }

    public void Close()
    {
        switch (State)
        {
            case TcpState.SynSent:
                Abort();
                break;
            case TcpState.Established:
                _closeRequested = true;
                State = TcpState.FinWait1;
                break;
            case TcpState.CloseWait:
                _closeRequested = true;
                State = TcpState.LastAck;
                break;
            default:
                break;
        }

        _pageFrag.Release(); // nothing more will be copied in; queued buffers keep their own page references
    }

    public void Abort()
    {
        if (_socket is not null)
        {
            try
            {
                _socket.LingerState = new LingerOption(true, 0); // close sends a RST
            }
            catch (SocketException)
            {
            }
        }

        EnterClosed(null);
    }

    public void Dispose()
    {
        if (_socket is not null)
        {
            Abort();
        }

        SkBuff.FreeList(_recvHead);
        _recvHead = _recvTail = null;
        _recvQueued = 0;
        _spareReceive?.Consume();
        _spareReceive = null;
        _transport.Forget(this);
    }

    /// <summary>Frees empty buffers at the head of the send queue.</summary>
    private void DropEmptyHead()
    {
        while (_sendHead is { Len: 0 } empty && !(_headStarted && empty == _sendHead))
        {
            _sendHead = empty.Next;
            empty.Next = null;
            empty.Consume();
            if (_sendHead is null)
            {
                _sendTail = null;
                _tailEor = false;
            }
        }
    }

    /// <summary>Closes with <paramref name="reason"/> (a connect that failed at once).</summary>
    internal void Fail(string reason) => EnterClosed(reason);

    /// <summary>Does what is ready: resolves a connect, reads, sends, collects zero-copy completions, and closes when
    /// both directions are done. The loop's source poll only: it runs before the participants, so what it reads is
    /// theirs to see in the same turn.</summary>
    internal void Pump()
    {
        if (_socket is null)
        {
            return;
        }

        if (State == TcpState.SynSent && !ResolveConnect())
        {
            return;
        }

        ReadCompletions();
        if (State == TcpState.Closed)
        {
            return; // draining: only completions are read (see EnterClosed)
        }

        if (PendingError() is int errno)
        {
            EnterClosed($"{Libc.Describe(errno)}"); // POLLERR with nothing to read or send: a reset seen here
            return;
        }

        ReadIncoming();
        Flush();
        if (_socket is not null && _shutdownSent && _peerFinished && _awaiting.Count == 0 && !_headStarted)
        {
            EnterClosed(null);
        }

        RefreshCounters();
    }

    /// <summary>Sends what is queued and, after a close, the FIN once the queue is empty. Never reads: data read here,
    /// in a participant's turn, would wait in user space with no descriptor event left to wake the loop for it.</summary>
    internal void Flush()
    {
        if (_socket is null || State == TcpState.SynSent)
        {
            return;
        }

        Transmit();
        DropEmptyHead();
        if (_socket is not null && _closeRequested && !_shutdownSent && _sendHead is null)
        {
            try
            {
                _socket.Shutdown(SocketShutdown.Send);
                _shutdownSent = true;
            }
            catch (SocketException e)
            {
                EnterClosed($"shutdown: {e.SocketErrorCode}"); // the peer reset meanwhile (ENOTCONN)
            }
        }
    }

    /// <summary>Hands queued data to the kernel until it stops taking it.</summary>
    internal void Transmit()
    {
        IoVec* iov = stackalloc IoVec[MaxIov];
        while (_socket is not null && _sendHead is not null && State != TcpState.SynSent)
        {
            int count = 0;
            int skip = _sendOffset;
            for (SkBuff? skb = _sendHead; skb is not null && count < MaxIov; skb = skb.Next)
            {
                for (int i = 0; i < skb.NrFrags && count < MaxIov; i++)
                {
                    int size = skb.FragSize(i);
                    if (skip >= size)
                    {
                        skip -= size;
                        continue;
                    }

                    iov[count].Base = (byte*)skb.FragPage(i).Address + skb.FragOffset(i) + skip;
                    iov[count].Length = (nuint)(size - skip);
                    skip = 0;
                    count++;
                }
            }

            if (count == 0)
            {
                DropEmptyHead(); // a buffer appended and then left empty (the pool ran dry) must not block the FIN
                return;
            }

            bool zeroCopy = _transport.ZeroCopyEnabled;
            var message = new MsgHdr { Iov = iov, IovLength = (nuint)count };
            int flags = SocketCalls.MSG_DONTWAIT | SocketCalls.MSG_NOSIGNAL | (zeroCopy ? SocketCalls.MSG_ZEROCOPY : 0);
            nint sent = SocketCalls.SendMsg(_fd, &message, flags);
            if (sent < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EAGAIN)
                {
                    return; // the kernel's send buffer is full: POLLOUT wakes us
                }

                if (zeroCopy && errno == SocketCalls.ENOBUFS)
                {
                    _transport.ZeroCopyFallbacks++; // optmem exhausted: this send copies
                    message = new MsgHdr { Iov = iov, IovLength = (nuint)count };
                    sent = SocketCalls.SendMsg(_fd, &message, SocketCalls.MSG_DONTWAIT | SocketCalls.MSG_NOSIGNAL);
                    zeroCopy = false;
                    if (sent < 0)
                    {
                        errno = Marshal.GetLastPInvokeError();
                        if (errno == Libc.EAGAIN)
                        {
                            return;
                        }
                    }
                }

                if (sent < 0)
                {
                    EnterClosed($"send: {Libc.Describe(errno)}");
                    return;
                }
            }

            uint id = 0;
            if (zeroCopy)
            {
                id = _nextId++;
                _transport.ZeroCopySends++;
            }

            Advance((int)sent, zeroCopy, id);
        }
    }

    private void Advance(int sent, bool zeroCopy, uint id)
    {
        _transport.MadeRoom(); // whoever waits for send space gets another turn
        _sendQueued -= sent;
        Counters.BytesSent += sent;
        while (sent > 0)
        {
            SkBuff head = _sendHead!;
            int left = head.Len - _sendOffset;
            if (zeroCopy)
            {
                if (!_headStarted)
                {
                    _headFirstId = id;
                    _headStarted = true;
                }

                _headLastId = id;
            }

            if (sent < left)
            {
                _sendOffset += sent;
                return;
            }

            sent -= left;
            _sendHead = head.Next;
            head.Next = null;
            if (_sendHead is null)
            {
                _sendTail = null;
                _tailEor = false;
            }

            _sendOffset = 0;
            if (_headStarted)
            {
                _awaiting.Enqueue((head, _headFirstId, _headLastId)); // every id that carried its bytes
                _headStarted = false;
            }
            else
            {
                head.Consume(); // the kernel copied it: the frags drop their references now
            }
        }

        ReleaseCompleted();
    }

    /// <summary>Checks a non-blocking connect: still under way (false), failed (closed, with the reason), or done.
    /// Asks the kernel directly — <c>poll</c> for POLLOUT, then <c>SO_ERROR</c> — rather than trusting a cached state.</summary>
    private bool ResolveConnect()
    {
        var fd = new PollFd { Fd = _fd, Events = PollEvents.Out };
        TimeSpec zero = default;
        if (Libc.PPoll(&fd, 1, &zero, null) <= 0 || fd.Revents == PollEvents.None)
        {
            return false;
        }

        int error = 0;
        uint length = sizeof(int);
        if (SocketCalls.GetSockOpt(_fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_ERROR, &error, &length) != 0)
        {
            error = Marshal.GetLastPInvokeError();
        }

        if (error != 0)
        {
            EnterClosed($"connect to {Remote}: {Libc.Describe(error)}");
            return false;
        }

        Local = ToEndpoint(_socket!.LocalEndPoint);
        State = _closeRequested ? TcpState.FinWait1 : TcpState.Established;
        return true;
    }

    private void ReadIncoming()
    {
        while (_socket is not null && !_peerFinished && _recvQueued < _config.ReceiveBuffer)
        {
            // The buffer of a read that found nothing is kept for the next one: polling allocates nothing.
            SkBuff skb = _spareReceive ?? _cache.Alloc(_transport.Options.ReceiveChunk);
            _spareReceive = null;
            Span<byte> room = skb.Put(skb.Tailroom);
            int n = _socket.Receive(room, SocketFlags.None, out SocketError error);
            if (error == SocketError.WouldBlock)
            {
                skb.Trim(0);
                _spareReceive = skb;
                return;
            }

            if (error != SocketError.Success)
            {
                skb.Consume();
                EnterClosed($"receive: {error}");
                return;
            }

            if (n == 0)
            {
                skb.Consume();
                _peerFinished = true;
                State = State switch
                {
                    TcpState.Established => TcpState.CloseWait,
                    TcpState.FinWait1 => TcpState.Closing,
                    _ => State,
                };
                return;
            }

            skb.Trim(n);
            Counters.BytesReceived += n;
            _recvQueued += n;
            if (_recvTail is null)
            {
                _recvHead = _recvTail = skb;
            }
            else
            {
                _recvTail.Next = skb;
                _recvTail = skb;
            }
        }
    }

    /// <summary>Reads MSG_ZEROCOPY completions from the error queue and frees the buffers they cover.</summary>
    private void ReadCompletions()
    {
        if (_socket is null)
        {
            return;
        }

        byte* control = stackalloc byte[128];
        while (true)
        {
            var message = new MsgHdr { Control = control, ControlLength = 128 };
            nint r = SocketCalls.RecvMsg(_fd, &message, SocketCalls.MSG_ERRQUEUE | SocketCalls.MSG_DONTWAIT);
            if (r < 0)
            {
                break; // EAGAIN: nothing more reported
            }

            // struct cmsghdr { size_t len; int level; int type; } then struct sock_extended_err.
            nuint offset = 0;
            while (offset + 16 <= message.ControlLength)
            {
                nuint len = *(nuint*)(control + offset);
                int level = *(int*)(control + offset + 8);
                int type = *(int*)(control + offset + 12);
                if (len < 16 || offset + len > message.ControlLength)
                {
                    break;
                }

                byte* err = control + offset + 16;
                if (level == SocketCalls.SOL_IP && type == SocketCalls.IP_RECVERR && len >= 16 + 16
                    && err[4] == SocketCalls.SO_EE_ORIGIN_ZEROCOPY)
                {
                    uint lo = *(uint*)(err + 8);
                    uint hi = *(uint*)(err + 12);
                    for (uint id = lo; id - lo <= hi - lo; id++)
                    {
                        MarkCompleted(id);
                        _transport.ZeroCopyCompletions++;
                        if (id == hi)
                        {
                            break;
                        }
                    }

                    if ((err[6] & SocketCalls.SO_EE_CODE_ZEROCOPY_COPIED) != 0)
                    {
                        _transport.ZeroCopyCopied += hi - lo + 1;
                    }
                }

                offset += (len + 7) & ~(nuint)7;
            }
        }

        ReleaseCompleted();
    }

    private void MarkCompleted(uint id)
    {
        if (id == _completedBelow)
        {
            _completedBelow++;
            while (_completedAhead.Remove(_completedBelow))
            {
                _completedBelow++;
            }
        }
        else if ((int)(id - _completedBelow) > 0)
        {
            _completedAhead.Add(id);
        }
    }

    private bool IsCompleted(uint first, uint last)
    {
        for (uint id = first; ; id++)
        {
            if ((int)(id - _completedBelow) >= 0 && !_completedAhead.Contains(id))
            {
                return false;
            }

            if (id == last)
            {
                return true;
            }
        }
    }

    private void ReleaseCompleted()
    {
        while (_awaiting.TryPeek(out (SkBuff Skb, uint First, uint Last) w) && IsCompleted(w.First, w.Last))
        {
            _awaiting.Dequeue();
            w.Skb.Consume(); // the kernel let go: the lenders' destructors may run now
        }
    }

    private void RefreshCounters()
    {
        if (_socket is null)
        {
            return;
        }

        byte* info = stackalloc byte[SocketCalls.TcpInfoLength];
        uint length = SocketCalls.TcpInfoLength;
        if (SocketCalls.GetSockOpt(_fd, SocketCalls.IPPROTO_TCP, SocketCalls.TCP_INFO, info, &length) == 0 && length >= SocketCalls.TcpInfoLength)
        {
            Counters.Retransmits = *(uint*)(info + SocketCalls.TcpInfoTotalRetrans);
            Counters.BytesAcked = Math.Max(0, (long)*(ulong*)(info + SocketCalls.TcpInfoBytesAcked) - _synInAcked);
            Counters.SegmentsSent = *(uint*)(info + SocketCalls.TcpInfoSegsOut);
            Counters.SegmentsReceived = *(uint*)(info + SocketCalls.TcpInfoSegsIn);
        }
    }

    SkBuff ISkbSendQueue.NewQueueBuffer() => NewQueueBuffer();

    SkBuff ISkbSendQueue.WritableTail() => WritableTail();

    private SkBuff WritableTail()
    {
        if (_sendTail is null || _tailEor || (_sendTail == _sendHead && _headStarted))
        {
            return NewQueueBuffer();
        }

        return _sendTail;
    }

    private SkBuff NewQueueBuffer()
    {
        SkBuff skb = _cache.Alloc(0);
        if (_sendTail is null)
        {
            _sendHead = _sendTail = skb;
        }
        else
        {
            _sendTail.Next = skb;
            _sendTail = skb;
        }

        _tailEor = false;
        return skb;
    }

    /// <summary>
    /// Closes for the user now. Buffers not yet handed to the kernel are freed. Buffers the kernel holds under
    /// MSG_ZEROCOPY are not: the connection is reset without closing the descriptor (<c>SO_LINGER</c> 0 and
    /// <c>connect(AF_UNSPEC)</c>, Linux's <c>tcp_disconnect</c>), and the transport keeps reading completions until every
    /// such buffer is reported or <see cref="DrainLimit"/> passes — a lender's destructor never runs while a clone in a
    /// qdisc or device may still carry its bytes. Past the limit the buffers are left allocated and counted, not freed.
    /// </summary>
    private void EnterClosed(string? error)
    {
        Error ??= error;
        State = TcpState.Closed;
        if (_headStarted && _sendHead is not null)
        {
            SkBuff head = _sendHead;
            _sendHead = head.Next;
            head.Next = null;
            _awaiting.Enqueue((head, _headFirstId, _headLastId)); // part of it is in the kernel
            _headStarted = false;
        }

        SkBuff.FreeList(_sendHead);
        _sendHead = _sendTail = null;
        _sendQueued = 0;
        _pageFrag.Release();
        _sendOffset = 0;
        if (_socket is not null && _awaiting.Count > 0)
        {
            Disconnect();
            _transport.Draining(this);
            return;
        }

        CloseDescriptor();
    }

    /// <summary>How long a closed socket waits for the kernel's last zero-copy completions.</summary>
    internal static readonly Duration DrainLimit = Duration.FromSeconds(60);

    /// <summary>When a draining socket gives up (now, if it has not been polled yet).</summary>
    internal Instant DrainDeadline => _drainDeadline ?? Instant.Zero;

    /// <summary>True while a closed socket still waits for completions.</summary>
    internal bool IsDraining => _socket is not null && State == TcpState.Closed;

    /// <summary>One poll of a draining socket: reads completions; closes the descriptor when none is awaited or the
    /// limit passed. Returns true when done.</summary>
    internal bool Drain(Instant now)
    {
        _drainDeadline ??= now == Instant.MaxValue ? now : now + DrainLimit;

        ReadCompletions();
        if (_awaiting.Count > 0 && now < _drainDeadline)
        {
            return false;
        }

        _transport.ZeroCopyAbandoned += _awaiting.Count; // never freed: the kernel may still read them
        _awaiting.Clear();
        CloseDescriptor();
        return true;
    }

    private void CloseDescriptor()
    {
        Socket? s = _socket;
        _socket = null;
        s?.Dispose();
    }

    private void Disconnect()
    {
        try
        {
            _socket!.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }

        byte* unspec = stackalloc byte[16];
        new Span<byte>(unspec, 16).Clear(); // sa_family AF_UNSPEC
        _ = SocketCalls.Connect(_fd, unspec, 16);
    }

    /// <summary>A pending socket error (<c>SO_ERROR</c>, which reading clears) if poll reported one, else null.</summary>
    private int? PendingError()
    {
        var fd = new PollFd { Fd = _fd, Events = PollEvents.None };
        TimeSpec zero = default;
        if (Libc.PPoll(&fd, 1, &zero, null) <= 0 || (fd.Revents & PollEvents.Err) == 0)
        {
            return null;
        }

        int error = 0;
        uint length = sizeof(int);
        return SocketCalls.GetSockOpt(_fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_ERROR, &error, &length) == 0 && error != 0 ? error : null;
    }

    private static Ipv4Endpoint ToEndpoint(EndPoint? endpoint) =>
        endpoint is IPEndPoint ip && ip.AddressFamily == AddressFamily.InterNetwork
            ? new Ipv4Endpoint(new Ipv4Address(ip.Address.GetAddressBytes()), (ushort)ip.Port)
            : default;
}
