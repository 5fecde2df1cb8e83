using FragNet.Buffers;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>
/// Two TCP sockets joined by a virtual wire, in virtual time. Every segment is emitted to bytes (checksums and all),
/// may be dropped by a rule, and is parsed again on the other side into a fresh buffer, as a NIC would receive it.
/// A "NIC" can hold each transmitted payload buffer until delivery, so the sender's pages stay referenced in flight.
/// Disposing is the leak check: sockets freed, every page back, no buffer live.
/// </summary>
public sealed class TcpLink : IDisposable
{
    public static readonly Ipv4Endpoint ClientEnd = new(Ipv4Address.Parse("10.0.0.1"), 40000);
    public static readonly Ipv4Endpoint ServerEnd = new(Ipv4Address.Parse("10.0.0.2"), 5001);

    private readonly List<InFlight> _wire = [];
    private long _sequence;

    static TcpLink() => RefTracking.Mode = LeakMode.Throw;

    public TcpLink(TcpConfig? client = null, TcpConfig? server = null, int poolPages = 4096)
    {
        Pool = new PagePool(poolPages, "tcp-test");
        Cache = new SkbCache(Pool, "tcp-test");
        // The wire has a 1500-byte MTU and no segmentation offload: MSS-sized segments unless a test asks otherwise.
        Client = new TcpSocket(Cache, client ?? new TcpConfig { GsoMaxSize = 0 });
        Server = new TcpSocket(Cache, server ?? new TcpConfig { GsoMaxSize = 0 });
    }

    public PagePool Pool { get; }

    public SkbCache Cache { get; }

    public TcpSocket Client { get; }

    public TcpSocket Server { get; }

    public Instant Now { get; private set; }

    public Duration OneWayDelay { get; set; } = Duration.FromMilliseconds(5);

    /// <summary>Return true to drop a segment; arguments: from the client?, the segment, its index in that direction.</summary>
    public Func<bool, TcpRepr, long, bool>? DropRule { get; set; }

    /// <summary>Extra delay for a segment (reordering); same arguments as <see cref="DropRule"/>.</summary>
    public Func<bool, TcpRepr, long, Duration>? DelayRule { get; set; }

    /// <summary>Return true to deliver a segment twice; same arguments as <see cref="DropRule"/>.</summary>
    public Func<bool, TcpRepr, long, bool>? DuplicateRule { get; set; }

    /// <summary>Keep each sender's payload buffer alive until the segment is delivered (a NIC's TX ring).</summary>
    public bool HoldPayloadInFlight { get; set; }

    /// <summary>Every segment that went on the wire, in order: (from client?, segment, dropped?).</summary>
    public List<(bool FromClient, TcpRepr Segment, bool Dropped)> Log { get; } = [];

    private long _fromClient;
    private long _fromServer;

    /// <summary>Client connects; the server answers the first SYN as a listener's child would.</summary>
    public void Open()
    {
        Client.Connect(ClientEnd, ServerEnd, new TcpSeqNumber(1000), Now);
        Pump();
    }

    /// <summary>Runs the link until <paramref name="done"/> holds or <paramref name="limit"/> of virtual time passes.</summary>
    public bool RunUntil(Func<bool> done, Duration limit)
    {
        Instant end = Now + limit;
        Pump();
        while (!done())
        {
            Pump(); // the predicate may have queued data (Send) or read some (a window update)
            Instant next = NextEvent();
            if (next > end || next == Instant.MaxValue)
            {
                Now = end;
                return done();
            }

            Now = Instant.Max(Now, next);
            Deliver();
            if (Client.PollAt() <= Now)
            {
                Client.Poll(Now);
            }

            if (Server.PollAt() <= Now)
            {
                Server.Poll(Now);
            }

            Pump();
        }

        return true;
    }

    /// <summary>Runs for <paramref name="time"/> of virtual time.</summary>
    public void RunFor(Duration time) => RunUntil(() => false, time);

    /// <summary>Transfers <paramref name="data"/> client → server with the copy path, reading as it arrives.</summary>
    public byte[] Transfer(byte[] data, Duration limit)
    {
        var received = new List<byte>(data.Length);
        int sent = 0;
        var buffer = new byte[65536];
        RunUntil(() =>
        {
            if (sent < data.Length)
            {
                sent += Client.Send(data.AsSpan(sent));
            }

            int n;
            while ((n = Server.Receive(buffer)) > 0)
            {
                received.AddRange(buffer.AsSpan(0, n));
            }

            return received.Count == data.Length;
        }, limit);
        return [.. received];
    }

    /// <summary>Delivers a crafted segment to a socket now, as if it came off the wire.</summary>
    public void Inject(TcpSocket to, TcpRepr seg, byte[]? payload = null)
    {
        SkBuff? skb = null;
        if (payload is { Length: > 0 })
        {
            skb = Cache.Alloc(payload.Length);
            payload.CopyTo(skb.Put(payload.Length));
        }

        to.Process(Now, seg with { PayloadLength = payload?.Length ?? 0 }, skb);
    }

    /// <summary>The segments a socket sends now (and nothing else is delivered): for segment-level checks.</summary>
    public List<TcpRepr> Drain(TcpSocket from)
    {
        var list = new List<TcpRepr>();
        while (from.TryDispatch(Now, out TcpRepr seg, out SkBuff? payload))
        {
            payload?.Consume();
            list.Add(seg);
        }

        return list;
    }

    public void Advance(Duration d) => Now += d;

    private void Pump()
    {
        bool any = true;
        while (any)
        {
            any = false;
            any |= DispatchFrom(Client, fromClient: true);
            any |= DispatchFrom(Server, fromClient: false);
        }
    }

    private bool DispatchFrom(TcpSocket socket, bool fromClient)
    {
        bool any = false;
        while (socket.TryDispatch(Now, out TcpRepr seg, out SkBuff? payload))
        {
            any = true;
            long index = fromClient ? _fromClient++ : _fromServer++;
            bool drop = DropRule?.Invoke(fromClient, seg, index) ?? false;
            Log.Add((fromClient, seg, drop));
            (Ipv4Endpoint src, Ipv4Endpoint dst) = fromClient ? (ClientEnd, ServerEnd) : (ServerEnd, ClientEnd);
            byte[] wire = new byte[seg.HeaderLength + seg.PayloadLength];
            if (payload is not null)
            {
                payload.CopyBits(0, wire.AsSpan(seg.HeaderLength));
            }

            seg.EmitHeader(wire, payload is null ? (ushort)0 : payload.Checksum(0, payload.Len), src.Address, dst.Address);
            if (drop)
            {
                payload?.Consume();
                continue;
            }

            Duration extra = DelayRule?.Invoke(fromClient, seg, index) ?? Duration.Zero;
            _wire.Add(new InFlight(Now + OneWayDelay + extra, _sequence++, !fromClient, wire, HoldPayloadInFlight ? payload : null));
            if (DuplicateRule?.Invoke(fromClient, seg, index) ?? false)
            {
                _wire.Add(new InFlight(Now + OneWayDelay + extra + Duration.FromMicroseconds(1), _sequence++, !fromClient, wire, null));
            }

            if (!HoldPayloadInFlight)
            {
                payload?.Consume();
            }
        }

        return any;
    }

    private Instant NextEvent()
    {
        Instant next = Instant.Min(Client.PollAt(), Server.PollAt());
        foreach (InFlight f in _wire)
        {
            next = Instant.Min(next, f.At);
        }

        return next;
    }

    private void Deliver()
    {
        _wire.Sort((a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Sequence.CompareTo(b.Sequence));
        while (_wire.Count > 0 && _wire[0].At <= Now)
        {
            InFlight f = _wire[0];
            _wire.RemoveAt(0);
            f.Held?.Consume(); // TX completion: the NIC lets go of the sender's buffer
            (Ipv4Endpoint src, Ipv4Endpoint dst) = f.ToClient ? (ServerEnd, ClientEnd) : (ClientEnd, ServerEnd);
            Assert.True(TcpPacket.TryCreate(f.Bytes, out TcpPacket packet, out _));
            Assert.True(TcpRepr.TryParse(packet, src.Address, dst.Address, out TcpRepr seg, out DropReason reason), reason.ToString());
            TcpSocket to = f.ToClient ? Client : Server;
            if (!f.ToClient && Server.State == TcpState.Closed && seg.Flags == TcpFlags.Syn && Server.Counters.SegmentsReceived == 0)
            {
                Server.AcceptSyn(ServerEnd, ClientEnd, seg, new TcpSeqNumber(5000), Now);
                Pump();
                continue;
            }

            SkBuff? skb = null;
            if (seg.PayloadLength > 0)
            {
                skb = Cache.Alloc(seg.PayloadLength);
                packet.Payload.CopyTo(skb.Put(seg.PayloadLength));
            }

            to.Process(Now, seg, skb);
            Pump(); // a stack answers each segment as it is processed (one ACK per out-of-order segment)
        }
    }

    public void Dispose()
    {
        foreach (InFlight f in _wire)
        {
            f.Held?.Consume();
        }

        _wire.Clear();
        Client.Dispose();
        Server.Dispose();
        LeakCheck.AtTeardown([Pool], [Cache]);
        Pool.Dispose();
    }

    private sealed record InFlight(Instant At, long Sequence, bool ToClient, byte[] Bytes, SkBuff? Held);
}
