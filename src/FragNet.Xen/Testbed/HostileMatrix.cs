using System.Diagnostics.CodeAnalysis;
using FragNet.Stack;
using FragNet.Xen.Abi;
using FragNet.Xen.Netif;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Testbed;

/// <summary>
/// Every hostile-guest case of the issue, each on a fresh <see cref="XenPair"/>: the guest writes bad requests
/// straight into the shared rings (or rewrites grants, storms the event channel, stops posting buffers), and the
/// matrix records what netback did, whether that is what Linux netback does, whether the backend still works, and
/// whether anything leaked.
/// </summary>
public static class HostileMatrix
{
    private const int Scratch = XenPair.ScratchFrame;

    private static readonly (string Name, string Expected, Func<XenPair, (bool Ok, string Observed)> Run)[] Cases =
    [
        ("ungranted-gref", "error response, counted drop", p => DropCase(p, NetbackDropReason.GrantFailed, () => Produce(p, Req(1000, 60)))),
        ("gref-beyond-table", "error response, counted drop", p => DropCase(p, NetbackDropReason.GrantFailed, () => Produce(p, Req(0xFFFF_FFF0, 60)))),
        ("runt-frame", "error response, counted drop", p => DropCase(p, NetbackDropReason.Runt, () => Produce(p, Req(Grant(p, Scratch), 10)))),
        ("zero-size", "error response, counted drop", p => DropCase(p, NetbackDropReason.Runt, () => Produce(p, Req(Grant(p, Scratch), 0)))),
        ("bad-gso-extra", "error response, counted drop", p => DropCase(p, NetbackDropReason.BadExtraInfo, () =>
            ProduceSlots(p, w => Req(Grant(p, Scratch), 1000, flags: NetTxFlags.ExtraInfo).Write(w), w => NetifExtraInfo.ForGso(0, NetifGsoType.TcpV4).Write(w)))),
        ("nineteen-slots", "error responses, counted drop", p => DropCase(p, NetbackDropReason.TooManySlots, () => Produce(p, Packet(p, 19)))),
        ("eighteen-slots", "accepted", p => Accepted(p, () => Produce(p, Packet(p, 18)))),
        ("cross-page-slot", "vif disconnected (fatal)", p => FatalCase(p, NetbackDropReason.FatalCrossPage, () => Produce(p, Req(Grant(p, Scratch), 200, offset: 4000)))),
        ("sizes-exceed-total", "vif disconnected (fatal)", p => FatalCase(p, NetbackDropReason.FatalSizeMismatch, () =>
            Produce(p, Req(Grant(p, Scratch), 100, id: 1, flags: NetTxFlags.MoreData), Req(Grant(p, Scratch + 1), 500, id: 2)))),
        ("twenty-one-slots", "vif disconnected (fatal)", p => FatalCase(p, NetbackDropReason.FatalSlotCount, () => Produce(p, Packet(p, 21)))),
        ("more-data-never-produced", "vif disconnected (fatal)", p => FatalCase(p, NetbackDropReason.FatalSlotCount, () =>
            Produce(p, Req(Grant(p, Scratch), 100, flags: NetTxFlags.MoreData)))),
        ("ring-overflow", "vif disconnected (fatal)", p => FatalCase(p, NetbackDropReason.FatalRingOverflow, () =>
        {
            SharedRing shared = p.Front.TxRing!.Shared;
            shared.RequestProducer += 300;
            p.Xen.EventChannels.Notify(p.Front.Event!);
        })),
        ("double-fetch", "backend acts on its copy", DoubleFetch),
        ("end-access-while-mapped", "end access refused until released", EndAccessWhileMapped),
        ("read-only-rx-buffer", "receive dropped, error response", ReadOnlyRxBuffer),
        ("stops-posting-rx", "bounded queue, counted drops", StopsPosting),
        ("event-storm", "absorbed", p =>
        {
            for (int i = 0; i < 100_000; i++)
            {
                p.Xen.EventChannels.Notify(p.Front.Event!);
            }

            Settle(p);
            return (p.Back.IsConnected && p.Back.TxPackets == 0, $"{p.Xen.EventChannels.Notifications} notifications, vif connected: {p.Back.IsConnected}");
        }),
    ];

    /// <summary>The case names, in order.</summary>
    public static IReadOnlyList<string> CaseNames { get; } = [.. Cases.Select(c => c.Name)];

    /// <summary>Runs one case.</summary>
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "A throwing backend is the failure this matrix reports.")]
    public static (HostileCaseResult Result, XenLeakReport Leaks) Run(string name)
    {
        var c = Array.Find(Cases, x => x.Name == name);
        if (c.Name is null)
        {
            throw new ArgumentException($"no hostile case '{name}'", nameof(name));
        }

        var pair = new XenPair(new NetbackConfig { Mode = NetbackMode.MapDestructor, RxQueueLimit = 8 });
        bool ok;
        string observed;
        bool alive;
        try
        {
            (ok, observed) = c.Run(pair);
            alive = BackendAlive(pair);
        }
        catch (Exception e)
        {
            ok = false;
            alive = false;
            observed = $"threw {e.GetType().Name}: {e.Message}";
        }

        int refused = EndScratchGrants(pair);
        pair.Dispose();
        bool clean = pair.Leaks.IsClean && refused == 0;
        if (refused > 0)
        {
            observed += $"; {refused} of the guest's grants could not be ended (still mapped)";
        }

        if (!clean)
        {
            observed += $"; leaked {pair.Leaks}";
        }

        return (new HostileCaseResult(name, c.Expected, observed, ok && clean && alive, alive), pair.Leaks);
    }

    /// <summary>Runs every case.</summary>
    public static IReadOnlyList<(HostileCaseResult Result, XenLeakReport Leaks)> RunAll() => [.. CaseNames.Select(Run)];

    private static (bool, string) DropCase(XenPair p, NetbackDropReason reason, Action act)
    {
        act();
        Settle(p);
        long drops = p.Back.Drops(reason);
        return (drops == 1 && p.Back.IsConnected, $"{reason} drops {drops}, vif connected: {p.Back.IsConnected}");
    }

    private static (bool, string) FatalCase(XenPair p, NetbackDropReason reason, Action act)
    {
        act();
        Settle(p);
        long n = p.Back.Drops(reason);
        return (n == 1 && !p.Back.IsConnected, $"{reason} {n}, vif {(p.Back.IsConnected ? "connected" : "disconnected: " + p.Back.DisconnectReason)}");
    }

    private static (bool, string) Accepted(XenPair p, Action act)
    {
        long before = p.Back.TxPackets;
        act();
        Settle(p);
        long taken = p.Back.TxPackets - before;
        return (taken == 1 && p.Back.IsConnected, $"{taken} packet taken, vif connected: {p.Back.IsConnected}");
    }

    private static (bool, string) DoubleFetch(XenPair p)
    {
        uint good = Grant(p, Scratch);
        p.Guest.Frame(Scratch).Span[..14].Fill(0xFF); // a broadcast Ethernet header: the stack takes and drops it
        p.Back.AfterRequestCopied = ring =>
        {
            // The guest rewrites the slot right after the backend fetched it: a bad reference, a crossing offset.
            Span<byte> slot = ring.Shared.Entry(ring.RequestConsumer - 1);
            Req(0xDEAD, 4000, offset: 4000).Write(slot);
        };
        Produce(p, Req(good, 60));
        Settle(p);
        p.Back.AfterRequestCopied = null;
        bool ok = p.Back.TxPackets == 1 && p.Back.Drops(NetbackDropReason.GrantFailed) == 0 && p.Back.IsConnected;
        return (ok, $"packets {p.Back.TxPackets}, grant failures {p.Back.Drops(NetbackDropReason.GrantFailed)}, vif connected: {p.Back.IsConnected}");
    }

    private static (bool, string) EndAccessWhileMapped(XenPair p)
    {
        Stack.Tcp.TcpListener listener = p.BackendStack.TcpListen(7002);
        Stack.Tcp.TcpSocket client = p.GuestStack.TcpConnect(new Ipv4Endpoint(XenPair.BackendAddress, 7002), p.Sim.Now);
        Stack.Tcp.TcpSocket? server = null;
        p.RunUntil(() => (server ??= listener.Accept()) is not null && client.State == Stack.Tcp.TcpState.Established, Duration.FromSeconds(5));
        Settle(p);
        client.Send(new byte[1000]);
        p.GuestStack.Flush(client, p.Sim.Now);
        Settle(p);
        uint? held = null;
        for (uint g = 8; g < (uint)p.Guest.Grants.Capacity; g++)
        {
            if (p.Guest.Grants.Pins(g) > 0 && g != p.Xen.Store.ReadUInt("device/vif/0/tx-ring-ref") && g != p.Xen.Store.ReadUInt("device/vif/0/rx-ring-ref"))
            {
                held = g;
            }
        }

        bool refused = held is uint h && !p.Guest.Grants.EndAccess(h);
        server?.Receive(new byte[2000]);
        Settle(p);
        bool released = held is uint r && p.Guest.Grants.Pins(r) == 0;
        client.Abort();
        server?.Abort();
        Settle(p);
        return (refused && released, $"end access while mapped refused: {refused}; pin gone after the read: {released}");
    }

    private static (bool, string) ReadOnlyRxBuffer(XenPair p)
    {
        // A receive buffer granted read-only: the backend's grant copy into it must fail.
        WarmUp(p, out Stack.Udp.UdpSocket guestSocket, out Stack.Udp.UdpSocket backendSocket);
        p.Front.Paused = true;
        uint ro = Grant(p, Scratch);
        FrontRing rx = p.Front.RxRing!;
        for (int i = 0; i < 4; i++)
        {
            rx.TryGetRequestSlot(out Span<byte> slot);
            new NetifRxRequest(900, ro).Write(slot);
        }

        rx.PushRequests(out _);
        for (int i = 0; i < 68; i++)
        {
            // The buffers netfront posted earlier are used first; then the read-only ones.
            p.BackendStack.UdpSend(backendSocket, new Ipv4Endpoint(XenPair.GuestAddress, 7), new byte[100], p.Sim.Now);
            Settle(p);
        }

        long drops = p.Back.Drops(NetbackDropReason.RxGrantFailed);
        p.Front.Paused = false;
        Settle(p);
        p.GuestStack.UdpClose(guestSocket);
        p.BackendStack.UdpClose(backendSocket);
        return (drops == 4 && p.Back.IsConnected, $"{drops} receive grant failures, vif connected: {p.Back.IsConnected}");
    }

    private static (bool, string) StopsPosting(XenPair p)
    {
        WarmUp(p, out Stack.Udp.UdpSocket guestSocket, out Stack.Udp.UdpSocket backendSocket);
        p.Front.Paused = true;
        for (int i = 0; i < 200; i++)
        {
            p.BackendStack.UdpSend(backendSocket, new Ipv4Endpoint(XenPair.GuestAddress, 7), new byte[100], p.Sim.Now);
            Settle(p);
        }

        long drops = p.Back.Drops(NetbackDropReason.RxQueueFull);
        p.Front.Paused = false;
        Settle(p);
        p.GuestStack.UdpClose(guestSocket);
        p.BackendStack.UdpClose(backendSocket);
        return (drops > 0 && p.Back.IsConnected, $"{drops} frames dropped at a full queue of {p.Back.Config.RxQueueLimit}");
    }

    /// <summary>After a case: a vif still connected must carry a datagram both ways; a disconnected one must have
    /// closed cleanly while the backend's stack still runs.</summary>
    private static bool BackendAlive(XenPair p)
    {
        if (!p.Back.IsConnected)
        {
            Settle(p);
            return p.Back.TxInFlight == 0 && p.Xen.ActiveMappings == 0;
        }

        WarmUp(p, out Stack.Udp.UdpSocket g, out Stack.Udp.UdpSocket b);
        p.BackendStack.UdpSend(b, new Ipv4Endpoint(XenPair.GuestAddress, 7), new byte[64], p.Sim.Now);
        Settle(p);
        bool ok = g.Count > 0 && b.Count > 0;
        p.GuestStack.UdpClose(g);
        p.BackendStack.UdpClose(b);
        return ok;
    }

    private static void WarmUp(XenPair p, out Stack.Udp.UdpSocket guestSocket, out Stack.Udp.UdpSocket backendSocket)
    {
        guestSocket = p.GuestStack.UdpBind(7);
        backendSocket = p.BackendStack.UdpBind(7);
        p.GuestStack.UdpSend(guestSocket, new Ipv4Endpoint(XenPair.BackendAddress, 7), new byte[10], p.Sim.Now); // ARP both ways
        Settle(p);
    }

    private static void Settle(XenPair p) => p.RunFor(Duration.FromMilliseconds(10));

    private static uint Grant(XenPair p, int frame)
    {
        uint g = p.Guest.Grants.GrantAccess(p.Dom0.Id, frame, readOnly: true);
        ScratchGrants.GetOrCreateValue(p).Add(g);
        return g;
    }

    /// <summary>The hostile guest's own grants, ended after the case: every end must succeed, which shows the backend
    /// unmapped everything it mapped.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<XenPair, List<uint>> ScratchGrants = new();

    private static int EndScratchGrants(XenPair p)
    {
        int refused = 0;
        if (ScratchGrants.TryGetValue(p, out List<uint>? grants))
        {
            foreach (uint g in grants)
            {
                refused += p.Guest.Grants.EndAccess(g) ? 0 : 1;
            }
        }

        return refused;
    }

    private static NetifTxRequest Req(uint gref, ushort size, ushort id = 900, ushort offset = 0, NetTxFlags flags = 0) => new(gref, offset, flags, id, size);

    private static NetifTxRequest[] Packet(XenPair p, int slots)
    {
        var r = new NetifTxRequest[slots];
        for (int i = 0; i < slots; i++)
        {
            r[i] = Req(Grant(p, Scratch + i), (ushort)(i == 0 ? 100 * slots : 100), id: (ushort)(1000 + i), flags: i < slots - 1 ? NetTxFlags.MoreData : 0);
        }

        return r;
    }

    private static void Produce(XenPair p, params NetifTxRequest[] requests) =>
        ProduceSlots(p, [.. requests.Select(r => (SpanWriter)(slot => r.Write(slot)))]);

    private static void ProduceSlots(XenPair p, params SpanWriter[] writers)
    {
        FrontRing ring = p.Front.TxRing!;
        foreach (SpanWriter w in writers)
        {
            ring.TryGetRequestSlot(out Span<byte> slot);
            w(slot);
        }

        ring.PushRequests(out _);
        p.Xen.EventChannels.Notify(p.Front.Event!);
    }

    private delegate void SpanWriter(Span<byte> slot);
}
