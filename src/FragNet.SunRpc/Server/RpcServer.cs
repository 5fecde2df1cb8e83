using System.Diagnostics.CodeAnalysis;
using FragNet.Stack;
using FragNet.Stack.Streams;
using FragNet.Stack.Tcp;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Server;

/// <summary>
/// An ONC RPC server on one TCP port of a stream transport (a FragNet interface, or the kernel's TCP at the host edge) (Linux's <c>svc_serv</c> with one TCP transport), sans-IO:
/// the caller drives it with <see cref="Poll"/> whenever the interface processed something.
/// </summary>
/// <remarks>
/// <para>Per connection: received bytes go through a <see cref="RecordAssembler"/> (a record over
/// <see cref="RpcServerConfig.MaxRecord"/> aborts the connection); each call is checked in RFC 5531 order — RPC
/// version (RPC_MISMATCH), credential (AUTH_ERROR), program (PROG_UNAVAIL), version (PROG_MISMATCH) — then looked up
/// in the <see cref="ReplyCache"/> if its procedure is not idempotent, then dispatched. The program decides
/// PROC_UNAVAIL and GARBAGE_ARGS. Replies that do not fit the socket's send space wait, in order, per connection.</para>
/// </remarks>
public sealed class RpcServer : IDisposable
{
    private readonly IStreamTransport _transport;
    private readonly RpcServerConfig _config;
    private readonly IStreamListener _listener;
    private readonly Dictionary<uint, IRpcProgram> _programs = [];
    private readonly List<Connection> _connections = [];

    public RpcServer(IStreamTransport transport, ushort port, RpcServerConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        _transport = transport;
        _config = config ?? new RpcServerConfig();
        Port = port;
        _listener = transport.Listen(port, _config.Backlog, _config.Tcp);
        Cache = _config.ReplyCacheEntries > 0 ? new ReplyCache(_config.ReplyCacheEntries) : null;
    }

    public ushort Port { get; }

    public RpcServerCounters Counters { get; } = new();

    /// <summary>The duplicate request cache, or null if turned off.</summary>
    public ReplyCache? Cache { get; }

    /// <summary>Open connections.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Serves <paramref name="program"/> (one object per program number).</summary>
    public void Register(IRpcProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        _programs[program.Program] = program;
    }

    /// <summary>Accepts connections, reads and answers calls, sends waiting replies, and forgets closed connections.</summary>
    public void Poll(Instant now)
    {
        while (_listener.Accept() is IStreamSocket accepted)
        {
            Counters.Connections++;
            _connections.Add(new Connection(accepted, new RecordAssembler(_config.MaxRecord)));
        }

        for (int i = _connections.Count - 1; i >= 0; i--)
        {
            Connection c = _connections[i];
            ReadCalls(c, now);
            SendPending(c);
            if (c.Socket.IsReceiveFinished && c.Pending.Count == 0 && c.Socket.State == TcpState.CloseWait)
            {
                c.Socket.Close(); // the client is done: close our side after our replies
            }

            _transport.Flush(c.Socket, now);
            if (c.Socket.State == TcpState.Closed)
            {
                c.Records.Dispose();
                c.Socket.Dispose();
                _connections.RemoveAt(i);
            }
        }
    }

    /// <summary>Aborts every connection (the RSTs go out now) and stops listening.</summary>
    public void Close(Instant now)
    {
        foreach (Connection c in _connections)
        {
            c.Socket.Abort();
            _transport.Flush(c.Socket, now);
            c.Records.Dispose();
        }

        _connections.Clear();
        _transport.CloseListener(_listener, now);
    }

    /// <summary>Aborts every connection (the RSTs go out at the interface's next poll).</summary>
    public void Dispose()
    {
        foreach (Connection c in _connections)
        {
            c.Socket.Abort();
            c.Records.Dispose();
        }

        _connections.Clear();
    }

    private void ReadCalls(Connection c, Instant now)
    {
        IStreamSocket s = c.Socket;
        while (s.ReceiveQueued > 0 && s.State != TcpState.Closed && c.PendingBytes <= _config.MaxPendingReplyBytes)
        {
            int taken = 0;
            foreach (ReadOnlySpan<byte> piece in s.PeekReceived())
            {
                ReadOnlySpan<byte> rest = piece;
                while (!rest.IsEmpty)
                {
                    RecordStatus status = c.Records.Push(rest, out int consumed);
                    rest = rest[consumed..];
                    taken += consumed;
                    if (status == RecordStatus.Complete)
                    {
                        Counters.Calls++;
                        byte[]? reply = Handle(c, c.Records.Record, now);
                        if (reply is not null)
                        {
                            c.Pending.Enqueue(reply);
                            c.PendingBytes += reply.Length;
                        }
                    }
                    else if (status == RecordStatus.TooLarge)
                    {
                        Counters.OversizedRecords++;
                        s.Abort();
                        return;
                    }
                }
            }

            s.ConsumeReceived(taken);
            SendPending(c);
        }
    }

    private static void SendPending(Connection c)
    {
        IStreamSocket s = c.Socket;
        while (c.Pending.Count > 0 && s.State is TcpState.Established or TcpState.CloseWait)
        {
            byte[] reply = c.Pending.Peek();
            int n = s.Send(reply.AsSpan(c.PendingOffset));
            c.PendingOffset += n;
            if (c.PendingOffset < reply.Length)
            {
                return; // no more send space: the rest goes at a later poll
            }

            c.Pending.Dequeue();
            c.PendingBytes -= reply.Length;
            c.PendingOffset = 0;
            s.EndRecord();
        }
    }

    /// <summary>Decodes and answers one call record; null when no reply is possible.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A program bug must cost one call (SYSTEM_ERR), not the server; it is counted.")]
    private byte[]? Handle(Connection c, ReadOnlyMemory<byte> record, Instant now)
    {
        var reader = new XdrReader(record);
        if (!RpcMessage.ReadStart(ref reader, out uint xid, out RpcMessageType type) || type != RpcMessageType.Call)
        {
            Counters.BadRecords++;
            return null;
        }

        // RFC 5531 §9 order, as Linux's svc_process_common: the RPC version first (RPC_MISMATCH whatever follows),
        // then the credential and verifier (AUTH_ERROR when they do not decode), then the rest.
        var peek = reader;
        uint rpcVersion = peek.ReadUInt32();
        if (peek.IsValid && rpcVersion != RpcConstants.RpcVersion)
        {
            Counters.RpcMismatch++;
            return Encode(RpcReplyHeader.RpcMismatch(xid), null);
        }

        RpcCallHeader header = RpcCallHeader.DecodeBody(xid, ref reader, out _);
        if (!reader.IsValid)
        {
            if (reader.Position >= 24)
            {
                Counters.AuthErrors++; // program, version and procedure were read: the credential or verifier failed
                return Encode(RpcReplyHeader.AuthError(xid, AuthStat.BadCredential), null);
            }

            Counters.GarbageArgs++;
            return Encode(RpcReplyHeader.Accepted(xid, RpcAcceptStat.GarbageArgs), null);
        }

        AuthStat auth = CheckCredential(header);
        if (auth != AuthStat.Ok)
        {
            Counters.AuthErrors++;
            return Encode(RpcReplyHeader.AuthError(xid, auth), null);
        }

        if (!_programs.TryGetValue(header.Program, out IRpcProgram? program))
        {
            Counters.ProgramUnavailable++;
            return Encode(RpcReplyHeader.Accepted(xid, RpcAcceptStat.ProgramUnavailable), null);
        }

        if (header.Version < program.LowVersion || header.Version > program.HighVersion)
        {
            Counters.ProgramMismatch++;
            return Encode(RpcReplyHeader.ProgramMismatch(xid, program.LowVersion, program.HighVersion), null);
        }

        ReadOnlyMemory<byte> arguments = reader.Rest;
        bool cached = Cache is not null && !program.IsIdempotent(header.Version, header.Procedure);
        ReplyCacheKey key = default;
        if (cached)
        {
            key = ReplyCache.KeyOf(xid, c.Socket.Remote, header.Program, header.Version, header.Procedure, arguments.Span);
            if (Cache!.Lookup(key, now) is byte[] replay)
            {
                Counters.Replayed++;
                return replay;
            }
        }

        using var results = new XdrBuf();
        RpcAcceptStat stat;
        try
        {
            stat = program.Dispatch(new RpcCallContext(header, c.Socket.Remote, now), ref reader, results);
        }
        catch (Exception)
        {
            stat = RpcAcceptStat.SystemError;
        }

        switch (stat)
        {
            case RpcAcceptStat.GarbageArgs: Counters.GarbageArgs++; break;
            case RpcAcceptStat.ProcedureUnavailable: Counters.ProcedureUnavailable++; break;
            case RpcAcceptStat.SystemError: Counters.SystemErrors++; break;
        }

        byte[] reply = Encode(RpcReplyHeader.Accepted(xid, stat), stat == RpcAcceptStat.Success ? results : null);
        if (cached)
        {
            Cache!.Store(key, reply, now);
        }

        return reply;
    }

    /// <summary>AUTH_NONE and AUTH_SYS are accepted (a malformed AUTH_SYS body is a bad credential); any other flavor
    /// is too weak for this server (RFC 5531 §9 <c>AUTH_TOOWEAK</c>). Verifiers must be AUTH_NONE.</summary>
    private static AuthStat CheckCredential(in RpcCallHeader header)
    {
        switch (header.Credential.Flavor)
        {
            case AuthFlavor.None:
                break;
            case AuthFlavor.Sys:
                if (header.Credential.AsSys() is null)
                {
                    return AuthStat.BadCredential;
                }

                break;
            default:
                return AuthStat.TooWeak;
        }

        return header.Verifier.Flavor == AuthFlavor.None ? AuthStat.Ok : AuthStat.BadVerifier;
    }

    private static byte[] Encode(in RpcReplyHeader header, XdrBuf? results)
    {
        using var w = new XdrWriter(64);
        int mark = w.ReserveUInt32();
        header.Encode(w);
        int length = w.Length + (results?.Length ?? 0);
        byte[] record = new byte[length];
        w.PatchUInt32(mark, (uint)(length - RecordMarking.HeaderLength) | RecordMarking.LastFragment);
        w.WrittenSpan.CopyTo(record);
        results?.CopyTo(record.AsSpan(w.Length));
        return record;
    }

    private sealed class Connection(IStreamSocket socket, RecordAssembler records)
    {
        public IStreamSocket Socket { get; } = socket;

        public RecordAssembler Records { get; } = records;

        public Queue<byte[]> Pending { get; } = new();

        public int PendingOffset { get; set; }

        public long PendingBytes { get; set; }
    }
}
