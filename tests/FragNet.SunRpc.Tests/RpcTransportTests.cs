using FragNet.Buffers;
using FragNet.Devices;
using FragNet.SunRpc.Client;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Server;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Tests;

/// <summary>The client and server transports over FragNet TCP, in virtual time: calls and replies, the RPC reply
/// errors, retransmission on timeouts with duplicate request cache replays, reconnects, the record limit, and when a
/// call that lent pages may complete under each send policy.</summary>
public sealed class RpcTransportTests
{
    private static readonly Duration Limit = Duration.FromSeconds(600);

    private static RpcCall Call(RpcNetwork net, uint procedure, ReadOnlySpan<byte> payload, uint program = EchoProgram.Number, uint version = 1)
    {
        using var args = new XdrBuf();
        args.WriteOpaque(payload);
        return net.Client.Call(program, version, procedure, args, net.Sim.Now);
    }

    private static byte[] EchoedBytes(RpcCall call)
    {
        XdrReader r = call.ResultsReader();
        byte[] bytes = r.ReadOpaque(1 << 20).ToArray();
        r.ExpectEnd();
        Assert.True(r.IsValid, r.Error.ToString());
        return bytes;
    }

    /// <summary>Server→client frames carrying data (PSH) from the RPC port: the replies.</summary>
    private static PacketFilter Replies => PacketFilter.Compile($"tcp src port {RpcNetwork.Port} and tcp[13] & 8 != 0");

    /// <summary>Every server→client frame but the SYN-ACK: a stall there holds the server's ACKs and replies.</summary>
    private static PacketFilter AfterHandshake => PacketFilter.Compile($"tcp src port {RpcNetwork.Port} and tcp[13] & 2 == 0");

    [Fact]
    public void A_call_is_answered_with_its_results()
    {
        using var net = new RpcNetwork();
        var echo = new EchoProgram();
        net.Server.Register(echo);
        RpcCall call = Call(net, 1, "hello, rpc"u8);

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Completed, Limit));
        Assert.True(call.Succeeded);
        Assert.Equal("hello, rpc"u8.ToArray(), EchoedBytes(call));
        Assert.Equal(1, call.Transmissions);
        Assert.Equal(0, net.Client.Counters.Retransmits);
        Assert.Equal(1, echo.Executions);
    }

    [Fact]
    public void Many_calls_share_the_slot_table_and_all_complete()
    {
        using var net = new RpcNetwork(new RpcClientConfig { Slots = 2 });
        net.Server.Register(new EchoProgram());
        var calls = Enumerable.Range(0, 20).Select(i => Call(net, 1, new byte[i * 100])).ToList();
        int most = 0;

        Assert.True(net.RunUntil(() =>
        {
            most = Math.Max(most, net.Client.InFlight);
            return calls.All(c => c.State == RpcCallState.Completed);
        }, Limit));
        Assert.Equal(2, most); // the slot table was used, and never exceeded
        Assert.All(calls, c => Assert.True(c.Succeeded));
        Assert.Equal(20, calls.Select(c => c.Xid).Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * 100), calls.Select(c => EchoedBytes(c).Length));
    }

    [Fact]
    public void A_call_larger_than_the_send_buffer_is_refused_when_it_is_made()
    {
        using var net = new RpcNetwork(new RpcClientConfig { Tcp = new Stack.Tcp.TcpConfig { SendBuffer = 64 * 1024, NoDelay = true } });
        Assert.Throws<ArgumentException>(() => Call(net, 1, new byte[100 * 1024]));
        Assert.Equal(0, net.Client.Pending);
    }

    [Fact]
    public void A_throwing_completion_callback_does_not_lose_the_other_calls_completions()
    {
        using var net = new RpcNetwork();
        net.Server.Register(new EchoProgram());
        RpcCall first = Call(net, 1, "a"u8);
        RpcCall second = Call(net, 1, "b"u8);
        int seen = 0;
        first.Completed = _ => throw new InvalidOperationException("application bug");
        second.Completed = _ => seen++;

        Assert.Throws<InvalidOperationException>(() => net.RunUntil(() => first.State == RpcCallState.Completed && second.State == RpcCallState.Completed && seen == 1, Limit));
        Assert.True(net.RunUntil(() => seen == 1, Limit)); // delivered at the next poll
    }

    [Theory]
    [InlineData(0x2000_0002u, 1u, 1u, RpcAcceptStat.ProgramUnavailable)]
    [InlineData(EchoProgram.Number, 9u, 1u, RpcAcceptStat.ProgramMismatch)]
    [InlineData(EchoProgram.Number, 1u, 7u, RpcAcceptStat.ProcedureUnavailable)]
    public void A_call_the_server_cannot_serve_gets_the_matching_accept_status(uint program, uint version, uint procedure, RpcAcceptStat expected)
    {
        using var net = new RpcNetwork();
        net.Server.Register(new EchoProgram());
        RpcCall call = Call(net, procedure, "x"u8, program, version);

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Completed, Limit));
        Assert.Equal(RpcReplyStat.Accepted, call.Reply.Status);
        Assert.Equal(expected, call.Reply.AcceptStat);
        if (expected == RpcAcceptStat.ProgramMismatch)
        {
            Assert.Equal((1u, 2u), (call.Reply.MismatchLow, call.Reply.MismatchHigh));
        }

        Assert.False(call.Succeeded);
    }

    [Fact]
    public void Arguments_that_do_not_decode_get_GARBAGE_ARGS()
    {
        using var net = new RpcNetwork();
        net.Server.Register(new EchoProgram());
        using var args = new XdrBuf();
        args.WriteUInt32(100); // an opaque of 100 bytes, and then nothing
        RpcCall call = net.Client.Call(EchoProgram.Number, 1, 1, args, net.Sim.Now);

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Completed, Limit));
        Assert.Equal(RpcAcceptStat.GarbageArgs, call.Reply.AcceptStat);
        Assert.Equal(1, net.Server.Counters.GarbageArgs);
    }

    [Fact]
    public void A_credential_flavor_the_server_does_not_take_is_denied_with_AUTH_TOOWEAK()
    {
        using var net = new RpcNetwork(new RpcClientConfig { Credential = new OpaqueAuth(AuthFlavor.Dh, new byte[8]) });
        net.Server.Register(new EchoProgram());
        RpcCall call = Call(net, 1, "x"u8);

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Completed, Limit));
        Assert.Equal(RpcReplyStat.Denied, call.Reply.Status);
        Assert.Equal(RpcRejectStat.AuthError, call.Reply.RejectStat);
        Assert.Equal(AuthStat.TooWeak, call.Reply.AuthStat);
    }

    [Fact]
    public void A_reply_stalled_past_timeo_is_retransmitted_and_the_cache_replays_instead_of_executing_twice()
    {
        using var net = new RpcNetwork(new RpcClientConfig { Timeout = Duration.FromSeconds(2), Retransmissions = 5 });
        var echo = new EchoProgram();
        net.Server.Register(echo);
        StallOnce(net, Duration.FromSeconds(10), Replies);
        RpcCall call = Call(net, 2, "append me"u8);

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Completed, Limit));
        Assert.True(call.Succeeded);
        Assert.True(call.Transmissions >= 3, $"{call.Transmissions} transmissions"); // at 0 s, 2 s and 6 s (linear backoff)
        Assert.True(call.RepliedAt >= Instant.FromSeconds(10));
        Assert.Single(echo.Log);
        Assert.Equal(1, echo.Executions);
        net.RunFor(Duration.FromSeconds(5));
        // The retransmissions waited behind unacknowledged data in the client's TCP until the stall ended; then the
        // server answered them from the cache, and the client ignored those late answers.
        Assert.Equal(call.Transmissions - 1, net.Server.Counters.Replayed);
        Assert.Equal(call.Transmissions - 1, net.Client.Counters.UnmatchedReplies);
        Assert.Single(echo.Log);
    }

    [Fact]
    public void A_soft_client_fails_a_call_after_retrans_minor_timeouts()
    {
        using var net = new RpcNetwork(new RpcClientConfig { Timeout = Duration.FromSeconds(1), Retransmissions = 2, Soft = true });
        net.Server.Register(new EchoProgram());
        StallOnce(net, Duration.FromSeconds(100), Replies);
        RpcCall call = Call(net, 1, "x"u8);

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Failed, Limit));
        Assert.Equal(3, call.Transmissions);
        Assert.Equal(1, net.Client.Counters.MajorTimeouts);
        Assert.Contains("timed out", call.Error, StringComparison.Ordinal);
        Assert.True(call.CompletedAt == Instant.MaxValue);
    }

    [Fact]
    public void A_soft_failure_under_the_destructor_policy_is_reported_only_when_the_stack_let_go_of_the_pages()
    {
        using var app = new UserBuffer(16, "app");
        using var net = new RpcNetwork(new RpcClientConfig { Policy = PageSendPolicy.Destructor, Timeout = Duration.FromSeconds(1), Retransmissions = 2, Soft = true });
        net.Server.Register(new EchoProgram());
        StallOnce(net, Duration.FromSeconds(30), AfterHandshake);
        using var args = new XdrBuf();
        args.WriteOpaquePages([.. Enumerable.Range(0, 16).Select(i => new XdrPage(app[i], 0, Page.Size))]);
        RpcCall call = net.Client.Call(EchoProgram.Number, 1, 1, args, net.Sim.Now);
        int refsAtFailure = -1;
        call.Completed = _ => refsAtFailure = Enumerable.Range(0, 16).Max(i => app[i].RefCount);

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Failed, Limit));
        Assert.Equal(1, refsAtFailure); // the caller may reuse its buffer now, and only now
        Assert.Equal(1, call.Destructor!.DestroyCount);
        Assert.True(call.CompletedAt >= Instant.FromSeconds(30)); // after the stall let TCP get its data acknowledged
    }

    [Fact]
    public void A_hard_client_reconnects_from_the_same_port_after_a_major_timeout_and_the_cache_still_recognises_the_call()
    {
        using var net = new RpcNetwork(new RpcClientConfig { Timeout = Duration.FromSeconds(1), Retransmissions = 1 });
        var echo = new EchoProgram();
        net.Server.Register(echo);
        StallOnce(net, Duration.FromSeconds(20), Replies);
        RpcCall call = Call(net, 2, "once"u8);
        Assert.True(net.RunUntil(() => net.Client.Socket is not null, Limit));
        ushort port = net.Client.LocalPort;

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Completed, Limit));
        Assert.True(call.Succeeded);
        Assert.True(net.Client.Counters.MajorTimeouts >= 1);
        Assert.True(net.Client.Counters.Reconnects >= 1);
        Assert.Equal(port, net.Client.LocalPort);
        Assert.Equal(port, net.Client.Socket!.Local.Port);
        Assert.Single(echo.Log);
        Assert.Equal(1, echo.Executions);
    }

    [Fact]
    public void A_record_over_the_server_maximum_closes_the_connection_without_executing()
    {
        using var net = new RpcNetwork(
            new RpcClientConfig { Timeout = Duration.FromSeconds(1), Retransmissions = 0, Soft = true },
            new RpcServerConfig { MaxRecord = 1024 });
        var echo = new EchoProgram();
        net.Server.Register(echo);
        RpcCall call = Call(net, 1, new byte[4000]);

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Failed, Limit));
        Assert.True(net.Server.Counters.OversizedRecords >= 1);
        Assert.Equal(0, echo.Executions);
    }

    [Fact]
    public void An_unsafe_call_completes_on_the_reply_while_the_stack_still_holds_its_pages()
    {
        using var app = new UserBuffer(1, "app");
        using var net = new RpcNetwork(new RpcClientConfig { Policy = PageSendPolicy.Unsafe, Timeout = Duration.FromSeconds(2), Retransmissions = 5 });
        net.Server.Register(new EchoProgram());
        // A stall longer than timeo: retransmissions queue behind unacknowledged data and are still there at the reply.
        StallOnce(net, Duration.FromSeconds(10), AfterHandshake);
        app.Span[..2048].Fill(0xAA);
        RpcCall call = CallWithPages(net, app, 2048);
        int refsAtCompletion = -1;
        call.Completed = _ => refsAtCompletion = app[0].RefCount;

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Completed, Limit));
        Assert.True(refsAtCompletion > 1, $"the page had {refsAtCompletion} references when the call completed");
        Assert.Equal(0, call.BytesCopied);
        net.RunFor(Duration.FromSeconds(30));
        Assert.Equal(1, app[0].RefCount); // eventually the stack lets go
    }

    [Theory]
    [InlineData(PageSendPolicy.Destructor)]
    [InlineData(PageSendPolicy.DestructorTimeout)]
    public void A_destructor_call_completes_only_when_the_stack_has_let_go_of_its_pages(PageSendPolicy policy)
    {
        using var app = new UserBuffer(1, "app");
        using var net = new RpcNetwork(new RpcClientConfig { Policy = policy, Timeout = Duration.FromSeconds(2), Retransmissions = 5, ReleaseTimeout = Duration.FromSeconds(1000) });
        net.Server.Register(new EchoProgram());
        StallOnce(net, Duration.FromSeconds(10), AfterHandshake);
        app.Span[..2048].Fill(0xAA);
        RpcCall call = CallWithPages(net, app, 2048);
        int refsAtCompletion = -1;
        call.Completed = _ => refsAtCompletion = app[0].RefCount;

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Completed, Limit));
        Assert.Equal(1, refsAtCompletion);
        Assert.Equal(1, call.Destructor!.DestroyCount);
        Assert.True(call.CompletedAt >= call.RepliedAt);
        Assert.Equal(0, call.BytesCopied);
        Assert.True(call.Transmissions >= 2);
    }

    [Fact]
    public void A_destructor_timeout_call_copies_its_pages_out_and_completes_when_the_stack_holds_them_too_long()
    {
        using var app = new UserBuffer(1, "app");
        using var net = new RpcNetwork(new RpcClientConfig { Policy = PageSendPolicy.DestructorTimeout, Timeout = Duration.FromSeconds(2), Retransmissions = 5, ReleaseTimeout = Duration.FromMicroseconds(50) }); // shorter than a round trip: the queued retransmissions still hold the pages
        net.Server.Register(new EchoProgram());
        StallOnce(net, Duration.FromSeconds(10), AfterHandshake);
        app.Span[..2048].Fill(0xAA);
        RpcCall call = CallWithPages(net, app, 2048);
        int refsAtCompletion = -1;
        call.Completed = _ => refsAtCompletion = app[0].RefCount;

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Completed, Limit));
        Assert.Equal(1, refsAtCompletion);
        Assert.Equal(1, call.Destructor!.DestroyCount);
        Assert.True(call.Orphaned);
        Assert.Equal(1, net.Client.Counters.Orphaned);
        Assert.True(call.BytesCopied > 0);
    }

    [Theory]
    [InlineData(PageSendPolicy.Copy)]
    [InlineData(PageSendPolicy.CopyOnRetransmit)]
    public void Copy_policies_count_the_payload_bytes_they_copy(PageSendPolicy policy)
    {
        using var app = new UserBuffer(1, "app");
        using var net = new RpcNetwork(new RpcClientConfig { Policy = policy, Timeout = Duration.FromSeconds(2), Retransmissions = 5 });
        net.Server.Register(new EchoProgram());
        StallOnce(net, Duration.FromSeconds(5), Replies);
        app.Span[..2048].Fill(0x11);
        RpcCall call = CallWithPages(net, app, 2048);

        Assert.True(net.RunUntil(() => call.State == RpcCallState.Completed, Limit));
        int copiedTransmissions = policy == PageSendPolicy.Copy ? call.Transmissions : call.Transmissions - 1;
        Assert.Equal(2048L * copiedTransmissions, call.BytesCopied);
        Assert.Equal(Enumerable.Repeat((byte)0x11, 2048), EchoedBytes(call));
    }

    [Fact]
    public void A_portmap_client_registers_finds_and_lists_a_program_over_the_network()
    {
        using var net = new RpcNetwork();
        net.Server.Register(new Portmap.PortmapProgram());
        var portmap = new Portmap.PortmapClient(net.Client);
        RpcCall set = portmap.Set(new Portmap.PortmapMapping(100003, 3, Portmap.PortmapConstants.ProtocolTcp, 2049), net.Sim.Now);
        Assert.True(net.RunUntil(() => set.State == RpcCallState.Completed, Limit));
        RpcCall get = portmap.GetPort(100003, 3, Portmap.PortmapConstants.ProtocolTcp, net.Sim.Now);
        RpcCall missing = portmap.GetPort(100005, 3, Portmap.PortmapConstants.ProtocolTcp, net.Sim.Now);
        RpcCall dump = portmap.Dump(net.Sim.Now);

        Assert.True(net.RunUntil(() => dump.State == RpcCallState.Completed && get.State == RpcCallState.Completed && missing.State == RpcCallState.Completed, Limit));
        Assert.True(Portmap.PortmapClient.TryGetBool(set, out bool registered) && registered);
        Assert.True(Portmap.PortmapClient.TryGetPort(get, out uint port));
        Assert.Equal(2049u, port);
        Assert.True(Portmap.PortmapClient.TryGetPort(missing, out uint none));
        Assert.Equal(0u, none);
        Assert.True(Portmap.PortmapClient.TryGetMappings(dump, out IReadOnlyList<Portmap.PortmapMapping> all));
        Assert.Equal([new Portmap.PortmapMapping(100003, 3, Portmap.PortmapConstants.ProtocolTcp, 2049)], all);
    }

    /// <summary>Stalls the server→client direction once, at the first frame <paramref name="filter"/> matches.</summary>
    private static void StallOnce(RpcNetwork net, Duration duration, PacketFilter filter) =>
        net.Link.B.Faults = new FaultInjector(1).Add(FaultRule.StallOneIn(1, duration, filter).AtMost(1));

    private static RpcCall CallWithPages(RpcNetwork net, UserBuffer app, int length)
    {
        using var args = new XdrBuf();
        args.WriteOpaquePages([new XdrPage(app[0], 0, length)]);
        return net.Client.Call(EchoProgram.Number, 1, 1, args, net.Sim.Now);
    }
}
