using FragNet.Buffers;
using FragNet.Stack.Streams;
using FragNet.Wire;

namespace FragNet.Stack.Tcp;

/// <summary>
/// One TCP connection (RFC 9293), sans-IO: segments go in through <see cref="Process"/>, come out through
/// <see cref="TryDispatch"/>, and time enters only as the <c>now</c> arguments; <see cref="PollAt"/> says when the
/// socket next needs <see cref="Poll"/>.
/// </summary>
/// <remarks>
/// <para>The buffer path (the point of the product): the send queue holds payload-only <see cref="SkBuff"/>s covering
/// <c>[SND.UNA, SND.UNA + queued)</c>. <see cref="Send"/> copies into pool pages; <see cref="SendPages(Page, int, int, FragDestructor?)"/> attaches
/// the caller's pages zero-copy with their <see cref="FragDestructor"/>. Transmission hands the caller a
/// <see cref="SkBuff.Clone"/> of the queued range (a <see cref="SkBuff.PskbCopy"/> if an earlier transmission of it is
/// still alive), as Linux's <c>tcp_transmit_skb</c>; acknowledged data is freed or split off and freed, which drops
/// the frags. So a lent page stays referenced while it is queued, in flight in a device, or waiting for an ACK, and
/// its destructor runs exactly when the last of those lets go.</para>
/// <para>Receive: in-order payloads are queued as buffers (coalesced when they can be); <see cref="Receive"/> copies
/// out, <see cref="PeekReceived"/> / <see cref="ConsumeReceived"/> read zero-copy. Out-of-order segments wait in a
/// sorted queue bounded by the receive buffer.</para>
/// <para>Loss recovery: RFC 6298 retransmission timer with Karn's rule (or RFC 7323 timestamps) and exponential
/// backoff, going back to SND.UNA on a timeout; RFC 5681 slow start and congestion avoidance; RFC 6582 NewReno fast
/// retransmit and recovery on three duplicate ACKs. RFC 5961 challenge ACKs for in-window RSTs and SYNs.</para>
/// </remarks>
public sealed partial class TcpSocket : IStreamSocket, ISkbSendQueue
{
    /// <summary>Headroom reserved in queued buffers for Ethernet, IPv4 and TCP headers with options.</summary>
    public const int MaxHeaderRoom = 14 + 60 + 60 + 26;

    /// <summary>Payload bytes per queued buffer at most (16 pages, the most one GSO super-segment carries).</summary>
    public const int MaxQueuedBuffer = 16 * Page.Size;

    private readonly SkbCache _cache;
    private readonly PageFrag _pageFrag; // the copy path's page (sk_page_frag)
    private readonly TcpConfig _config;

    // Send sequence space (RFC 9293 §3.3.1).
    private TcpSeqNumber _iss;
    private TcpSeqNumber _sndUna;
    private TcpSeqNumber _sndNxt;
    private TcpSeqNumber _sndMax; // highest sequence number sent (SND.NXT before a go-back-N rewind)
    private TcpSeqNumber _sndSml; // end of the last segment sent shorter than its MSS multiple (Linux snd_sml)
    private bool _mssKnown;       // the peer's SYN gave its MSS
    private TcpSeqNumber _sndWl1;
    private TcpSeqNumber _sndWl2;
    private uint _sndWnd;
    private uint _maxSndWnd;
    private int _sndShift;
    private int _sndMss;

    // Receive sequence space.
    private TcpSeqNumber _irs;
    private TcpSeqNumber _rcvNxt;
    private TcpSeqNumber _rcvAdvertisedRight; // never shrink the window we offered (RFC 9293 §3.8.6.2.2)
    private int _rcvShift;

    // Queues.
    private SkBuff? _sendHead;
    private SkBuff? _sendTail;
    private int _sendQueued;       // data bytes from SND.UNA to the end of the queue
    private bool _finQueued;       // the application closed: a FIN follows the queued data
    private bool _tailEor;         // the queue tail ends a record: nothing more may be appended to it (MSG_EOR)
    private SkBuff? _recvHead;
    private SkBuff? _recvTail;
    private int _recvQueued;
    private readonly List<(TcpSeqNumber Seq, SkBuff Skb)> _ooo = new(16);
    private int _oooBytes;

    public TcpSocket(SkbCache cache, TcpConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        _cache = cache;
        _pageFrag = new PageFrag(cache.Pages);
        _config = config ?? new TcpConfig();
        _sndMss = 536; // RFC 9293 §3.7.1 default until the peer says otherwise
        Counters = new TcpCounters();
    }

    /// <summary>The connection state.</summary>
    public TcpState State { get; private set; } = TcpState.Closed;

    /// <summary>This end.</summary>
    public Ipv4Endpoint Local { get; private set; }

    /// <summary>The other end.</summary>
    public Ipv4Endpoint Remote { get; private set; }

    /// <summary>Why the connection ended abnormally (reset, refused, timed out), or null.</summary>
    public string? Error { get; private set; }

    /// <summary>What the connection did.</summary>
    public TcpCounters Counters { get; }

    string? IStreamSocket.CloseReason => Error;

    /// <summary>The settings.</summary>
    public TcpConfig Config => _config;

    /// <summary>Bytes the application may still queue with <see cref="Send"/>.</summary>
    public int SendSpace => State is TcpState.Established or TcpState.CloseWait or TcpState.SynSent or TcpState.SynReceived && !_finQueued
        ? Math.Max(0, _config.SendBuffer - _sendQueued)
        : 0;

    /// <summary>Data queued and not yet acknowledged (sent or not).</summary>
    public int SendQueued => _sendQueued;

    /// <summary>Bytes ready for <see cref="Receive"/>.</summary>
    public int ReceiveQueued => _recvQueued;

    /// <summary>True once the peer's FIN has been received and all data before it read.</summary>
    public bool IsReceiveFinished => _recvQueued == 0 && State is TcpState.CloseWait or TcpState.LastAck or TcpState.Closing
        or TcpState.TimeWait || (State == TcpState.Closed && _recvQueued == 0 && _peerFinished);

    /// <summary>The MSS used for sending.</summary>
    public int SendMss => _sndMss;

    /// <summary>Congestion window in bytes.</summary>
    public int CongestionWindow => _cwnd;

    /// <summary>The current retransmission timeout.</summary>
    public Duration Rto => _rto;

    /// <summary>Opens actively (RFC 9293 §3.10.1): CLOSED → SYN-SENT; the SYN goes out at the next dispatch.</summary>
    public void Connect(Ipv4Endpoint local, Ipv4Endpoint remote, TcpSeqNumber iss, Instant now)
    {
        if (State != TcpState.Closed)
        {
            throw new InvalidOperationException($"connect in state {State}");
        }

        Local = local;
        Remote = remote;
        InitSend(iss, now);
        State = TcpState.SynSent;
    }

    /// <summary>Opens passively for a received SYN (a listener's child): LISTEN → SYN-RECEIVED
    /// (RFC 9293 §3.10.7.2); the SYN-ACK goes out at the next dispatch.</summary>
    public void AcceptSyn(Ipv4Endpoint local, Ipv4Endpoint remote, in TcpRepr syn, TcpSeqNumber iss, Instant now)
    {
        if (State != TcpState.Closed || (syn.Flags & (TcpFlags.Syn | TcpFlags.Ack | TcpFlags.Rst)) != TcpFlags.Syn)
        {
            throw new InvalidOperationException($"AcceptSyn in state {State} with flags {syn.Flags}");
        }

        Local = local;
        Remote = remote;
        InitSend(iss, now);
        _irs = syn.SequenceNumber;
        _rcvNxt = _irs + 1;
        ApplySynOptions(syn);
        _sndWnd = syn.WindowSize; // never scaled in a SYN (RFC 7323 §2.2)
        _maxSndWnd = _sndWnd;
        _sndWl1 = syn.SequenceNumber;
        _sndWl2 = _iss;
        State = TcpState.SynReceived;
    }

    /// <summary>Queues a copy of <paramref name="data"/> (the copy path). Returns the bytes accepted: up to
    /// <see cref="SendSpace"/>, fewer if the page pool runs dry.</summary>
    public int Send(ReadOnlySpan<byte> data)
    {
        int accepted = SkbSendQueue.AppendCopy(this, data[..Math.Min(data.Length, SendSpace)], SizeGoal(), _pageFrag);
        _sendQueued += accepted;
        return accepted;
    }

    /// <summary>Queues a caller's page range zero-copy (sendpage / MSG_ZEROCOPY): the frag takes its own page and
    /// destructor references; the destructor runs when the queue, every transmission and every device have let go —
    /// not at ACK time. Returns false, queuing nothing, when <see cref="SendSpace"/> is short.</summary>
    public bool SendPages(Page page, int offset, int length, FragDestructor? destructor)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (length > SendSpace)
        {
            return false;
        }

        SkbSendQueue.AppendPages(this, page, offset, length, destructor, SizeGoal());
        _sendQueued += length;
        return true;
    }

    /// <summary>Queues a caller's memory that runs across consecutive pages zero-copy (MSG_ZEROCOPY's <c>sendmsg</c>
    /// of an iovec): <paramref name="pages"/>[0] from <paramref name="offset"/>, each next page from its start,
    /// <paramref name="length"/> bytes. The same as <see cref="SendPages(Page, int, int, FragDestructor?)"/> on each
    /// piece, with each queue buffer's destructor references taken at once. Returns false, queuing nothing, when
    /// <see cref="SendSpace"/> is short.</summary>
    public bool SendPages(ReadOnlySpan<Page> pages, int offset, int length, FragDestructor? destructor)
    {
        SkbSendQueue.CheckPageRun(pages, offset, length);
        if (length > SendSpace)
        {
            return false;
        }

        SkbSendQueue.AppendPageRun(this, pages, offset, length, destructor, SizeGoal());
        _sendQueued += length;
        return true;
    }

    /// <summary>Ends a record (Linux's <c>MSG_EOR</c>): later data starts a new queue buffer, so it is never sent in the
    /// same segment as what came before and the next record begins a segment. RPC record marking uses it so a call's
    /// header is at the front of a TCP payload, where a capture filter can find it.</summary>
    public void EndRecord() => _tailEor = _sendTail is not null;

    /// <summary>Copies out every queued fragment that references lent memory (<see cref="SkBuff.OrphanFrags"/> on
    /// the send and retransmit queue) — or, with <paramref name="only"/>, the buffers holding that destructor's frags —
    /// so the lenders' destructors no longer wait for ACKs. A transmission still in a device keeps its own reference
    /// until completion. Returns the payload bytes copied; <paramref name="complete"/> is false if the page pool ran
    /// dry before the end (what was copied stays copied and is counted).</summary>
    public long OrphanFrags(FragDestructor? only, out bool complete)
    {
        long copied = 0;
        complete = true;
        for (SkBuff? skb = _sendHead; skb is not null; skb = skb.Next)
        {
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

    /// <summary>Copies out every queued fragment that references lent memory; -1 if the page pool ran dry.</summary>
    public long OrphanFrags()
    {
        long copied = OrphanFrags(null, out bool complete);
        return complete ? copied : -1;
    }

    /// <summary>
    /// Copies lent fragments out of received buffers that have waited in the receive or out-of-order queue since
    /// before <paramref name="now"/> − <paramref name="limit"/> (<see cref="SkBuff.OrphanFrags"/>): a lender — netback
    /// mapping a guest's pages — gets its memory back after a bounded time even when the application never reads.
    /// Returns the buffers orphaned.
    /// </summary>
    public int OrphanHeldFrags(Instant now, Duration limit)
    {
        int n = 0;
        for (SkBuff? skb = _recvHead; skb is not null; skb = skb.Next)
        {
            n += OrphanIfHeld(skb, now, limit) ? 1 : 0;
        }

        foreach ((TcpSeqNumber _, SkBuff skb) in _ooo)
        {
            n += OrphanIfHeld(skb, now, limit) ? 1 : 0;
        }

        return n;
    }

    /// <summary>When the oldest received buffer holding lent fragments reaches <paramref name="limit"/>
    /// (<see cref="Instant.MaxValue"/> if none).</summary>
    public Instant HeldFragsDeadline(Duration limit)
    {
        Instant at = Instant.MaxValue;
        for (SkBuff? skb = _recvHead; skb is not null; skb = skb.Next)
        {
            if (skb.HasLentFrags())
            {
                at = Instant.Min(at, skb.Timestamp + limit);
            }
        }

        foreach ((TcpSeqNumber _, SkBuff skb) in _ooo)
        {
            if (skb.HasLentFrags())
            {
                at = Instant.Min(at, skb.Timestamp + limit);
            }
        }

        return at;
    }

    private static bool OrphanIfHeld(SkBuff skb, Instant now, Duration limit) =>
        now - skb.Timestamp >= limit && skb.HasLentFrags() && skb.OrphanFrags();

    /// <summary>Copies received data out, consuming it. Returns the bytes copied (0 when nothing is queued).</summary>
    public int Receive(Span<byte> destination)
    {
        int copied = 0;
        while (_recvHead is not null && !destination.IsEmpty)
        {
            int n = Math.Min(destination.Length, _recvHead.Len);
            _recvHead.CopyBits(0, destination[..n]);
            destination = destination[n..];
            copied += n;
            ConsumeReceived(n);
        }

        return copied;
    }

    /// <summary>The first received buffer's bytes, zero-copy (empty when nothing is queued). Valid until
    /// <see cref="ConsumeReceived"/>.</summary>
    public SkbBytes PeekReceived() => _recvHead is null ? default : _recvHead.Bytes();

    /// <summary>The first received buffer itself (null when nothing is queued), for zero-copy forwarding — Linux's
    /// splice from a socket. Its frags are the sender's pages; a caller that queues them on another socket with
    /// <see cref="SendPages(Page, int, int, FragDestructor?)"/> passes each frag's destructor along, so the lender learns only when the forwarded
    /// transmissions are gone too. Read-only, and valid until <see cref="ConsumeReceived"/>.</summary>
    public SkBuff? PeekReceivedBuffer() => _recvHead;

    /// <summary>Consumes <paramref name="count"/> received bytes from the front, freeing buffers as they empty.</summary>
    public void ConsumeReceived(int count)
    {
        if (count < 0 || count > _recvQueued)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{_recvQueued} bytes are queued");
        }

        int before = ReceiveWindow();
        _recvQueued -= count;
        SkbReceiveQueue.ConsumeFront(ref _recvHead, ref _recvTail, count);

        // Window update (RFC 9293 §3.8.6.2.2, receiver side SWS avoidance): announce once the window grew by an MSS
        // or half the buffer.
        int after = ReceiveWindow();
        if (after - before >= Math.Min(_config.ReceiveBuffer / 2, _config.Mss) && before < _config.ReceiveBuffer / 2)
        {
            _ackNow = true;
        }
    }

    /// <summary>Closes the sending side (RFC 9293 §3.10.4): a FIN follows the queued data.</summary>
    public void Close()
    {
        switch (State)
        {
            case TcpState.Closed:
            case TcpState.Listen:
            case TcpState.SynSent:
                EnterClosed(null);
                break;
            case TcpState.SynReceived:
            case TcpState.Established:
                _finQueued = true;
                State = TcpState.FinWait1;
                break;
            case TcpState.CloseWait:
                _finQueued = true;
                State = TcpState.LastAck;
                break;
            default:
                break; // already closing
        }

        _pageFrag.Release(); // nothing more will be copied in; queued buffers keep their own page references
    }

    /// <summary>Aborts (RFC 9293 §3.10.5): a RST goes out at the next dispatch (if synchronized), queues are freed.</summary>
    public void Abort()
    {
        if (State is TcpState.SynReceived or TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2 or TcpState.CloseWait)
        {
            _rstPending = true;
        }

        EnterClosed("aborted");
    }

    /// <summary>Frees every queued buffer (socket teardown). The socket is Closed afterwards.</summary>
    public void Dispose() => EnterClosed(Error);

    /// <summary>The queue tail to append to; a new buffer once the tail has been (partly) transmitted, since a sent
    /// buffer's range is fixed and may still be shared with a transmission.</summary>
    SkBuff ISkbSendQueue.NewQueueBuffer() => NewQueueBuffer();

    SkBuff ISkbSendQueue.WritableTail() => WritableTail();

    private SkBuff WritableTail()
    {
        if (_sendTail is null || _tailEor || QueueEnd() - _sendTail.Len < _sndMax)
        {
            _tailEor = false;
            return NewQueueBuffer();
        }

        return _sendTail;
    }

    private SkBuff NewQueueBuffer()
    {
        SkBuff skb = _cache.Alloc(MaxHeaderRoom);
        skb.Reserve(MaxHeaderRoom);
        skb.HeaderRelease(); // the queue looks at payload only; clones write headers into the headroom
        if (_sendTail is null)
        {
            _sendHead = skb;
        }
        else
        {
            _sendTail.Next = skb;
        }

        _sendTail = skb;
        return skb;
    }

    /// <summary>
    /// The payload of the largest segment this connection sends (Linux <c>tcp_send_mss</c>'s size goal): a whole number
    /// of MSS up to <see cref="TcpConfig.GsoMaxSize"/> when the device segments, one MSS when it does not, never more
    /// than <see cref="MaxQueuedBuffer"/>. Queue buffers are filled up to it, so a buffer leaves as one segment —
    /// cloned whole, not split first — unless the window cuts it.
    /// </summary>
    private int SizeGoal() => SizeGoal(CurrentMss());

    private int SizeGoal(int mss)
    {
        if (!_mssKnown)
        {
            return MaxQueuedBuffer; // data queued before the handshake: cut when it leaves, at the MSS the peer gives
        }

        int goal = _config.GsoMaxSize > mss ? _config.GsoMaxSize / mss * mss : mss;
        return Math.Min(goal, MaxQueuedBuffer);
    }

    /// <summary>Sequence number of the first queued data byte: after the SYN.</summary>
    private TcpSeqNumber DataStart => _synAcked ? _sndUna : _iss + 1;

    /// <summary>Sequence number just past the queued data (the FIN's, once the application closed).</summary>
    private TcpSeqNumber QueueEnd() => DataStart + _sendQueued;

    private void InitSend(TcpSeqNumber iss, Instant now)
    {
        _iss = iss;
        _sndUna = iss;
        _sndNxt = iss;
        _sndMax = iss;
        _sndSml = iss;
        _rto = _config.InitialRto;
        _cwnd = InitialWindow();
        _ssthresh = int.MaxValue;
        _rcvShift = _config.WindowScaling ? WindowShiftFor(_config.ReceiveBuffer) : 0;
        _lastActivity = now;
    }

    private int InitialWindow() =>
        Math.Min(_config.InitialWindowSegments * _sndMss, Math.Max(2 * _sndMss, 14600)); // RFC 6928 §2

    private static int WindowShiftFor(int buffer)
    {
        int shift = 0;
        while (shift < TcpOptions.MaxWindowShift && (buffer >> shift) > ushort.MaxValue)
        {
            shift++;
        }

        return shift;
    }

    private void EnterClosed(string? error)
    {
        Error ??= error;
        State = TcpState.Closed;
        FreeList(ref _sendHead);
        _sendTail = null;
        _sendQueued = 0;
        _pageFrag.Release();
        FreeList(ref _recvHead);
        _recvTail = null;
        _recvQueued = 0;
        foreach ((TcpSeqNumber _, SkBuff skb) in _ooo)
        {
            skb.Consume();
        }

        _ooo.Clear();
        _oooBytes = 0;
        _rtoAt = Instant.MaxValue;
        _ackAt = Instant.MaxValue;
        _persistAt = Instant.MaxValue;
        _timeWaitAt = Instant.MaxValue;
    }

    private static void FreeList(ref SkBuff? head)
    {
        SkBuff.FreeList(head);
        head = null;
    }
}
