using FragNet.Buffers;
using FragNet.Stack;
using FragNet.Stack.Streams;
using FragNet.Stack.Tcp;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Client;

/// <summary>
/// An ONC RPC client over one TCP connection (FragNet's own, or the kernel's at the host edge) (Linux's <c>rpc_clnt</c> + <c>rpc_xprt</c>), sans-IO: the
/// caller drives it with <see cref="Poll"/> at least whenever the interface processed something and at
/// <see cref="PollAt"/>.
/// </summary>
/// <remarks>
/// <para><b>Calls.</b> <see cref="Call"/> encodes the record once (record mark, call header, the arguments' head),
/// keeps the arguments' pages by reference, and queues it. A slot table bounds how many calls are on the wire; replies
/// are matched by xid, and a reply for no outstanding call (late, duplicate) is counted and ignored.</para>
/// <para><b>Timeouts</b> as Linux's NFS client over TCP: the first after <c>timeo</c>, each next one <c>timeo</c>
/// longer (linear), up to <c>retrans</c> minor timeouts, each retransmitting the whole record on the same connection.
/// The next is a major timeout: a soft client fails the call (under the destructor policies once its pages are
/// released); a hard one — unless the connection acknowledged data since the call's timer started, i.e. a large record
/// is still crossing a slow path — closes the connection (so the queues holding stale transmissions are freed),
/// reconnects from the same local port — the server's duplicate request cache keys on it — and resends every
/// outstanding call.</para>
/// <para><b>Pages</b> go to TCP as the <see cref="RpcClientConfig.Policy"/> says (<see cref="PageSendPolicy"/>). Under the
/// destructor policies the call owns one <see cref="FragDestructor"/> for all its transmissions: the creator
/// reference is held while the call may still be (re)transmitted and dropped when the reply arrives; the call completes
/// when <c>Destroy</c> runs — the moment no queue, clone or device can reach the caller's pages.</para>
/// </remarks>
public sealed class RpcClient : IDisposable
{
    private readonly IStreamTransport _transport;
    private readonly RpcClientConfig _config;
    private RecordAssembler _records;
    private readonly Dictionary<uint, RpcCall> _outstanding = [];
    private readonly Queue<RpcCall> _backlog = new();
    private readonly List<RpcCall> _releasing = [];
    private readonly List<RpcCall> _finished = [];
    private readonly List<RpcCall> _scratch = [];
    private readonly Action<object?> _onReleased;
    private IStreamSocket? _socket;
    private long _generation;
    private ushort _localPort;
    private Instant _reconnectAt;
    private Duration _reconnectBackoff;
    private uint _nextXid;
    private long _closedTcpRetransmits;
    private bool _disposed;

    public RpcClient(IStreamTransport transport, Ipv4Endpoint server, RpcClientConfig? config = null, uint firstXid = 1)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        Server = server;
        _config = config ?? new RpcClientConfig();
        _records = new RecordAssembler(_config.MaxReplyRecord);
        _localPort = _config.LocalPort;
        _reconnectBackoff = _config.ReconnectDelay;
        _nextXid = firstXid;
        _onReleased = OnReleased;
    }

    /// <summary>The server's address and port.</summary>
    public Ipv4Endpoint Server { get; }

    public RpcClientConfig Config => _config;

    public RpcClientCounters Counters { get; } = new();

    /// <summary>The current connection (null between connections).</summary>
    public IStreamSocket? Socket => _socket;

    /// <summary>Calls transmitted and not yet answered (bounded by the slot table).</summary>
    public int InFlight => _outstanding.Count;

    /// <summary>Calls not yet completed or failed.</summary>
    public int Pending => _outstanding.Count + _backlog.Count + _releasing.Count;

    /// <summary>TCP retransmissions over every connection this client made.</summary>
    public long TcpRetransmits => _closedTcpRetransmits + (_socket?.Counters.Retransmits ?? 0);

    /// <summary>Why the last connection ended abnormally (refused, reset, timed out), or null.</summary>
    public string? LastConnectionError { get; private set; }

    /// <summary>The local port calls come from (0 until the first connection).</summary>
    public ushort LocalPort => _localPort;

    /// <summary>
    /// Makes a call. The record is encoded now; <paramref name="arguments"/>' head and tail are copied into it and its
    /// pages are kept by reference until the call completes, so the caller may dispose <paramref name="arguments"/>
    /// but must not touch the pages before then. The call goes out at the next <see cref="Poll"/>.
    /// </summary>
    public RpcCall Call(uint program, uint version, uint procedure, XdrBuf arguments, Instant now)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((long)arguments.Length + 512 > _config.Tcp.SendBuffer)
        {
            throw new ArgumentException(
                $"a {arguments.Length}-byte call cannot fit the {_config.Tcp.SendBuffer}-byte send buffer it is written into whole; raise RpcClientConfig.Tcp.SendBuffer or split the call",
                nameof(arguments));
        }

        uint xid = _nextXid++;
        var header = new RpcCallHeader(xid, program, version, procedure, _config.Credential, OpaqueAuth.None);
        using var w = new XdrWriter(header.EncodedLength + arguments.Head.Length + RecordMarking.HeaderLength);
        int mark = w.ReserveUInt32();
        header.Encode(w);
        w.WriteRaw(arguments.Head.WrittenSpan);
        int body = w.Length - RecordMarking.HeaderLength + arguments.PageLength + arguments.Tail.Length;
        w.PatchUInt32(mark, (uint)body | RecordMarking.LastFragment);
        var call = new RpcCall(xid, program, version, procedure, w.WrittenSpan.ToArray(), [.. arguments.Pages], arguments.Tail.WrittenSpan.ToArray())
        {
            IssuedAt = now,
        };
        Counters.Calls++;
        _backlog.Enqueue(call);
        return call;
    }

    /// <summary>When <see cref="Poll"/> next has timed work (a call timeout, a release timeout, a reconnect).</summary>
    public Instant PollAt()
    {
        Instant at = Instant.MaxValue;
        foreach (RpcCall c in _outstanding.Values)
        {
            at = Instant.Min(at, c.TimeoutAt);
        }

        foreach (RpcCall c in _releasing)
        {
            at = Instant.Min(at, c.OrphanAt);
        }

        if (_socket is null && (_backlog.Count > 0 || _outstanding.Count > 0))
        {
            at = Instant.Min(at, _reconnectAt);
        }

        return at;
    }

    /// <summary>Reads replies, runs timers, transmits what is due, completes released calls and runs their
    /// <see cref="RpcCall.Completed"/> callbacks (which may make new calls; those go out in the same poll).</summary>
    public void Poll(Instant now)
    {
        if (_disposed)
        {
            return; // a closed client has nothing left to do; its driver may still be polling
        }

        for (int round = 0; round < 8; round++)
        {
            CheckConnection(now);
            ReadReplies(now);
            CheckTimers(now);
            Transmit(now);
            CheckReleases(now);
            if (_finished.Count == 0)
            {
                return;
            }

            RunCompletions();
        }
    }

    /// <summary>Runs the callbacks of finished calls. If one throws, the ones not yet run stay queued for the next poll
    /// (nobody waits forever) and the exception goes to the caller.</summary>
    private void RunCompletions()
    {
        _scratch.Clear();
        _scratch.AddRange(_finished);
        _finished.Clear();
        int i = 0;
        try
        {
            for (; i < _scratch.Count; i++)
            {
                _scratch[i].Completed?.Invoke(_scratch[i]);
            }
        }
        finally
        {
            for (int j = i + 1; j < _scratch.Count; j++)
            {
                _finished.Add(_scratch[j]);
            }
        }
    }

    /// <summary>Aborts the connection (the RST goes out now) and fails every pending call.</summary>
    public void Close(Instant now)
    {
        DropConnection(abort: true, now);
        Dispose();
    }

    /// <summary>Aborts the connection (the RST goes out at the interface's next poll) and fails every pending call,
    /// running their <see cref="RpcCall.Completed"/> callbacks. Aborting frees the socket's queues, but a device may
    /// still hold a transmission: under the destructor policies a caller's pages are free once
    /// <see cref="RpcCall.Destructor"/> reports it has run, not before.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DropConnection(abort: true, null);
        foreach (RpcCall c in _backlog)
        {
            Fail(c, "client closed");
        }

        foreach (RpcCall c in _outstanding.Values)
        {
            Fail(c, "client closed");
        }

        foreach (RpcCall c in _releasing)
        {
            Fail(c, "client closed");
        }

        _backlog.Clear();
        _outstanding.Clear();
        _releasing.Clear();
        _records.Dispose();

        // Tell every caller now: there will be no further poll. A callback cannot make new calls at this point.
        while (_finished.Count > 0)
        {
            RunCompletions();
        }
    }

    private void CheckConnection(Instant now)
    {
        if (_socket is not null && (_socket.State == TcpState.Closed || _socket.IsReceiveFinished))
        {
            // The server closed or reset the connection, or it could not be made. Wait before the next attempt,
            // longer each time until a reply arrives (as Linux's reestablish timeout), so a server that keeps
            // refusing a call is not hammered.
            DropConnection(abort: _socket.State != TcpState.Closed, now);
            BackOff(now);
        }

        if (_socket is null && (_backlog.Count > 0 || _outstanding.Count > 0) && now >= _reconnectAt)
        {
            if (_generation > 0)
            {
                Counters.Reconnects++;
            }

            _generation++;
            _socket = _transport.Connect(Server, now, _config.Tcp, _localPort);
            _localPort = _socket.Local.Port;
        }
    }

    /// <summary>Waits before the next connection attempt, twice as long each time until a reply arrives (as Linux's
    /// reestablish timeout), up to a minute.</summary>
    private void BackOff(Instant now)
    {
        _reconnectAt = now + _reconnectBackoff;
        _reconnectBackoff = Duration.FromMicroseconds(Math.Min(_reconnectBackoff.TotalMicroseconds * 2, Duration.FromSeconds(60).TotalMicroseconds));
    }

    /// <summary>Leaves the current connection (abort frees its queues: stale transmissions die with it); every
    /// outstanding call will be resent on the next one.</summary>
    private void DropConnection(bool abort, Instant? now)
    {
        if (_socket is null)
        {
            return;
        }

        IStreamSocket s = _socket;
        _socket = null;
        LastConnectionError = s.CloseReason ?? LastConnectionError;
        _closedTcpRetransmits += s.Counters.Retransmits;
        if (abort && s.State != TcpState.Closed)
        {
            s.Abort();
        }

        if (now is Instant at)
        {
            _transport.Flush(s, at);
            s.Dispose();
        }

        _records.Dispose(); // a partial reply record dies with its connection
        _records = new RecordAssembler(_config.MaxReplyRecord);
        foreach (RpcCall c in _outstanding.Values)
        {
            c.NeedsTransmit = true; // its timer keeps running: a call that cannot be resent still times out
        }
    }

    private void ReadReplies(Instant now)
    {
        while (_socket is not null && _socket.ReceiveQueued > 0)
        {
            int taken = 0;
            bool tooLarge = false;
            foreach (ReadOnlySpan<byte> piece in _socket.PeekReceived())
            {
                ReadOnlySpan<byte> rest = piece;
                while (!rest.IsEmpty)
                {
                    RecordStatus status = _records.Push(rest, out int consumed);
                    rest = rest[consumed..];
                    taken += consumed;
                    if (status == RecordStatus.Complete)
                    {
                        HandleReply(_records.Record, now);
                    }
                    else if (status == RecordStatus.TooLarge)
                    {
                        tooLarge = true;
                        break;
                    }
                }

                if (tooLarge)
                {
                    break;
                }
            }

            if (tooLarge)
            {
                Counters.OversizedReplies++;
                DropConnection(abort: true, now);
                BackOff(now); // a server that keeps sending oversized records is not reconnected to at once
                return;
            }

            _socket.ConsumeReceived(taken);
            _transport.Flush(_socket, now); // a window update may be due
        }
    }

    private void HandleReply(ReadOnlyMemory<byte> record, Instant now)
    {
        var reader = new XdrReader(record);
        if (!RpcMessage.ReadStart(ref reader, out uint xid, out RpcMessageType type) || type != RpcMessageType.Reply)
        {
            Counters.BadReplies++;
            return;
        }

        RpcReplyHeader header = RpcReplyHeader.DecodeBody(xid, ref reader);
        if (!reader.IsValid)
        {
            Counters.BadReplies++;
            return;
        }

        if (!_outstanding.Remove(xid, out RpcCall? call))
        {
            Counters.UnmatchedReplies++;
            return;
        }

        _reconnectBackoff = _config.ReconnectDelay; // the server answers: the next reconnect need not wait long

        call.Reply = header;
        call.Results = reader.Rest.ToArray();
        call.RepliedAt = now;
        call.TimeoutAt = Instant.MaxValue;
        call.NeedsTransmit = false;
        if (call.Destructor is null)
        {
            Complete(call, now);
            return;
        }

        // The call will not be transmitted again: give up the creator's reference. If nothing in the stack holds the
        // pages any more, Destroy runs right here and the call completes now.
        call.State = RpcCallState.Replied;
        call.Destructor.Release();
        if (call.Released)
        {
            Complete(call, now);
            return;
        }

        if (_config.Policy == PageSendPolicy.DestructorTimeout)
        {
            call.OrphanAt = now + _config.ReleaseTimeout;
        }

        _releasing.Add(call);
    }

    private void CheckTimers(Instant now)
    {
        bool reconnect = false;
        _scratch.Clear();
        foreach (RpcCall c in _outstanding.Values)
        {
            if (c.TimeoutAt <= now)
            {
                _scratch.Add(c);
            }
        }

        foreach (RpcCall c in _scratch)
        {
            c.MinorTimeouts++;
            // The timer runs on whether or not the resend can go out now (no connection, no send space): a call
            // that cannot be retransmitted still reaches its major timeout.
            c.TimeoutAt = now + NextTimeout(c);
            if (c.MinorTimeouts <= _config.Retransmissions)
            {
                c.NeedsTransmit = true; // minor timeout: resend on this connection
                continue;
            }

            Counters.MajorTimeouts++;
            c.MinorTimeouts = 0;
            long acked = _socket?.Counters.BytesAcked ?? -1;
            if (_config.KeepProgressingConnections && !_config.Soft && _socket is not null && acked > c.AckedMark)
            {
                // The server is acknowledging data, only slowly: a large record is still crossing a lossy path.
                // Reconnecting would throw that progress away and start the record over, so keep the connection.
                c.AckedMark = acked;
                continue;
            }

            if (_config.Soft)
            {
                _outstanding.Remove(c.Xid);
                FailWhenReleased(c, $"timed out after {c.Transmissions} transmissions", now);
                continue;
            }

            reconnect = true;
        }

        _scratch.Clear();
        if (reconnect)
        {
            DropConnection(abort: true, now);
            CheckConnection(now);
        }
    }

    private void Transmit(Instant now)
    {
        IStreamSocket? s = _socket;
        if (s is null || s.State != TcpState.Established)
        {
            return;
        }

        bool any = false;
        foreach (RpcCall c in _outstanding.Values)
        {
            if (c.NeedsTransmit)
            {
                if (!TryWriteRecord(s, c, now))
                {
                    goto flush;
                }

                any = true;
            }
        }

        while (_backlog.Count > 0 && _outstanding.Count < _config.Slots)
        {
            RpcCall c = _backlog.Peek();
            if (!TryWriteRecord(s, c, now))
            {
                break;
            }

            _backlog.Dequeue();
            _outstanding.Add(c.Xid, c);
            any = true;
        }

    flush:
        if (any && _socket is not null)
        {
            _transport.Flush(s, now);
        }
    }

    /// <summary>Writes the whole record or nothing (a record is never split across waits for send space, so the
    /// stream stays parseable).</summary>
    private bool TryWriteRecord(IStreamSocket s, RpcCall call, Instant now)
    {
        if (s.SendSpace < call.RecordLength)
        {
            return false;
        }

        bool retransmission = call.Transmissions > 0;
        if (s.Send(call.Prefix) != call.Prefix.Length)
        {
            DropConnection(abort: true, now); // the page pool ran dry mid-record: the stream is unusable
            return false;
        }

        foreach (XdrPage p in call.Pages)
        {
            bool copy = _config.Policy == PageSendPolicy.Copy || (_config.Policy == PageSendPolicy.CopyOnRetransmit && retransmission);
            bool queued;
            if (copy)
            {
                queued = s.Send(p.Page.Span.Slice(p.Offset, p.Length)) == p.Length;
                call.BytesCopied += p.Length;
                Counters.PayloadBytesCopied += p.Length;
            }
            else
            {
                FragDestructor? d = null;
                if (_config.Policy is PageSendPolicy.Destructor or PageSendPolicy.DestructorTimeout)
                {
                    d = call.Destructor ??= new FragDestructor(_onReleased, call, $"rpc xid {call.Xid:x8}");
                }

                queued = s.SendPages(p.Page, p.Offset, p.Length, d);
            }

            if (!queued)
            {
                DropConnection(abort: true, now);
                return false;
            }
        }

        if (call.Tail.Length > 0 && s.Send(call.Tail) != call.Tail.Length)
        {
            DropConnection(abort: true, now);
            return false;
        }

        s.EndRecord();
        call.Transmissions++;
        Counters.Transmissions++;
        if (retransmission)
        {
            Counters.Retransmits++;
        }

        call.State = RpcCallState.Sent;
        call.NeedsTransmit = false;
        call.Connection = _generation;
        call.TimeoutAt = now + NextTimeout(call);
        if (call.MinorTimeouts == 0)
        {
            call.AckedMark = s.Counters.BytesAcked;
        }

        return true;
    }

    /// <summary>Linux's linear backoff over TCP: <c>timeo</c>, then <c>timeo</c> longer after each minor timeout, up
    /// to <c>timeo × (retrans + 1)</c>.</summary>
    private Duration NextTimeout(RpcCall call)
    {
        long step = _config.Timeout.TotalMicroseconds;
        return Duration.FromMicroseconds(Math.Min(step * (call.MinorTimeouts + 1), step * (_config.Retransmissions + 1)));
    }

    private void CheckReleases(Instant now)
    {
        for (int i = _releasing.Count - 1; i >= 0; i--)
        {
            RpcCall c = _releasing[i];
            if (!c.Released && now >= c.OrphanAt && !c.Orphaned)
            {
                bool complete = true;
                long copied = _socket?.OrphanFrags(c.Destructor, out complete) ?? 0;
                c.BytesCopied += copied;
                Counters.PayloadBytesCopied += copied;
                if (!complete)
                {
                    c.OrphanAt = now + Duration.FromMilliseconds(1); // pool dry: the rest shortly
                    continue;
                }

                c.Orphaned = true;
                c.OrphanAt = Instant.MaxValue;
                Counters.Orphaned++;
            }

            if (c.Released)
            {
                _releasing.RemoveAt(i);
                if (c.PendingError is string error)
                {
                    c.CompletedAt = now;
                    Fail(c, error);
                }
                else
                {
                    Complete(c, now);
                }
            }
        }
    }

    private void Complete(RpcCall call, Instant now)
    {
        call.State = RpcCallState.Completed;
        call.CompletedAt = now;
        _finished.Add(call);
    }

    private void OnReleased(object? data) => ((RpcCall)data!).Released = true;

    /// <summary>Fails a call; under the destructor policies only once the stack has let go of its pages (the caller
    /// learns of the failure when it may reuse them), and under <see cref="PageSendPolicy.DestructorTimeout"/> after
    /// copying them out at the release timeout.</summary>
    private void FailWhenReleased(RpcCall call, string error, Instant now)
    {
        if (call.Destructor is null)
        {
            Fail(call, error);
            return;
        }

        if (call.Destructor.CreatorHolds)
        {
            call.Destructor.Release();
        }

        if (call.Released)
        {
            Fail(call, error);
            return;
        }

        call.PendingError = error;
        call.State = RpcCallState.Replied;
        call.OrphanAt = _config.Policy == PageSendPolicy.DestructorTimeout ? now + _config.ReleaseTimeout : Instant.MaxValue;
        _releasing.Add(call);
    }

    private void Fail(RpcCall call, string error)
    {
        call.State = RpcCallState.Failed;
        call.Error = error;
        Counters.Failures++;
        if (call.Destructor is { CreatorHolds: true })
        {
            call.Destructor.Release();
        }

        _finished.Add(call);
    }
}
