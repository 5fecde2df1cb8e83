using FragNet.Buffers;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>
/// Two interfaces on one virtual Ethernet segment, in virtual time. Each transmitted frame is copied into a fresh
/// buffer for the receiver (a NIC's receive DMA) and the sender's buffer is held until the frame's delivery (its TX
/// completion). Frames longer than MTU + 14 fail the test. Disposing is the leak check.
/// </summary>
public sealed class TwoHosts : IDisposable
{
    private readonly List<(Instant At, long Seq, WireDevice To, byte[] Bytes, SkBuff Held)> _wire = [];
    private long _seq;

    static TwoHosts() => RefTracking.Mode = LeakMode.Throw;

    public TwoHosts(NetDeviceFeatures features = NetDeviceFeatures.ScatterGather)
    {
        Pool = new PagePool(8192, "hosts");
        Cache = new SkbCache(Pool, "hosts");
        DevA = new WireDevice(this, "a0", EthernetAddress.Parse("02:00:00:00:00:0a"), features);
        DevB = new WireDevice(this, "b0", EthernetAddress.Parse("02:00:00:00:00:0b"), features);
        A = new NetInterface(Cache, DevA, Ipv4Cidr.Parse("10.1.0.1/24"), seed: 1);
        B = new NetInterface(Cache, DevB, Ipv4Cidr.Parse("10.1.0.2/24"), seed: 2);
        DevA.Peer = DevB;
        DevB.Peer = DevA;
        DevA.Host = A;
        DevB.Host = B;
    }

    public PagePool Pool { get; }

    public SkbCache Cache { get; }

    public WireDevice DevA { get; }

    public WireDevice DevB { get; }

    public NetInterface A { get; }

    public NetInterface B { get; }

    public Instant Now { get; private set; }

    public Duration Delay { get; set; } = Duration.FromMicroseconds(100);

    /// <summary>Drop rule on frames (bytes, from A?).</summary>
    public Func<byte[], bool, bool>? DropRule { get; set; }

    public bool RunUntil(Func<bool> done, Duration limit)
    {
        Instant end = Now + limit;
        while (!done())
        {
            Instant next = Instant.Min(A.PollAt(), B.PollAt());
            foreach (var f in _wire)
            {
                next = Instant.Min(next, f.At);
            }

            if (next > end)
            {
                Now = end;
                return done();
            }

            Now = Instant.Max(Now, next);
            _wire.Sort((x, y) => x.At != y.At ? x.At.CompareTo(y.At) : x.Seq.CompareTo(y.Seq));
            while (_wire.Count > 0 && _wire[0].At <= Now)
            {
                var f = _wire[0];
                _wire.RemoveAt(0);
                f.Held.Consume();
                SkBuff rx = Cache.Alloc(f.Bytes.Length);
                f.Bytes.CopyTo(rx.Put(f.Bytes.Length));
                f.To.Host!.Receive(rx, Now);
            }

            A.Poll(Now);
            B.Poll(Now);
        }

        return true;
    }

    internal void Carry(WireDevice from, SkBuff frame)
    {
        byte[] bytes = new byte[frame.Len];
        frame.CopyBits(0, bytes);
        Assert.True(bytes.Length <= from.Mtu + EthernetField.HeaderLength || (from.Features & NetDeviceFeatures.Tso) != 0, $"frame of {bytes.Length} bytes on a {from.Mtu}-byte MTU");
        from.Frames.Add(bytes);
        if (DropRule?.Invoke(bytes, from == DevA) ?? false)
        {
            frame.Drop(DropReason.FaultInjected);
            return;
        }

        _wire.Add((Now + Delay, _seq++, from.Peer!, bytes, frame));
    }

    public void Dispose()
    {
        foreach (var f in _wire)
        {
            f.Held.Consume();
        }

        _wire.Clear();
        int live = Cache.Live;
        A.Dispose();
        B.Dispose();
        Assert.True(Cache.Live == 0, $"live before interface dispose {live}, after {Cache.Live}; arp dropped {A.Arp.Dropped}/{B.Arp.Dropped}");
        LeakCheck.AtTeardown([Pool], [Cache]);
        Pool.Dispose();
    }

    public sealed class WireDevice(TwoHosts hosts, string name, EthernetAddress address, NetDeviceFeatures features) : INetDevice
    {
        public string Name { get; } = name;

        public EthernetAddress Address { get; } = address;

        public int Mtu => 1500;

        public NetDeviceFeatures Features { get; } = features;

        public WireDevice? Peer { get; set; }

        public NetInterface? Host { get; set; }

        public List<byte[]> Frames { get; } = [];

        public void Transmit(SkBuff frame, Instant now) => hosts.Carry(this, frame);
    }
}
