using FragNet.Buffers;
using FragNet.Testing;
using FragNet.Xen.CrossProcess;
using FragNet.Xen.Netif;
using FragNet.Xen.Testbed;

namespace FragNet.Xen.Tests;

/// <summary>
/// Adaptive netback on a guest's traffic, with a work clock that reads netback's own work so far — each byte
/// grant-copied and each page mapped and unmapped at a set price — so the costs it measures are exactly what it did: it copies
/// small packets and maps large ones when copying is priced by the byte, it maps nothing when a map is dear, every
/// packet is still answered once, and nothing leaks.
/// </summary>
public sealed class NetbackAdaptiveTests
{
    [Theory]
    [InlineData(64, 1, 2000, new[] { NetbackMode.Copy, NetbackMode.CopyHeaderMapRest }, 64.0, 2000.0)]
    [InlineData(8192, 1, 2000, new[] { NetbackMode.MapForeign, NetbackMode.MapDestructor }, 8192.0, 4000.0)]
    [InlineData(65535, 1, 200_000, new[] { NetbackMode.Copy }, 65535.0, 3_200_000.0)]
    public void Adaptive_settles_on_the_mode_that_did_the_least_work(int size, long perByte, long perMap, NetbackMode[] expected, double copyCost, double mapForeignCost)
    {
        NetbackBench? bench = null;
        // A map's price is paid half when mapping, half when unmapping at the release, so both parts must be timed.
        var clock = new WorkMeter(() => (bench!.BytesCopied * perByte) + ((bench.GrantMaps + bench.GrantUnmaps) * perMap / 2));
        bench = new NetbackBench(NetbackMode.Adaptive, size, clock);
        const int Packets = 3000;
        Assert.Equal(Packets, bench.Run(Packets));

        AdaptiveSizeClass c = Assert.Single(bench.AdaptiveClasses);
        Assert.Contains(c.Chosen!.Value, expected);
        Assert.Equal(copyCost, c.NsPerPacket[NetbackMode.Copy]);
        Assert.Equal(mapForeignCost, c.NsPerPacket[NetbackMode.MapForeign]);
        Assert.Equal(Packets, c.Packets);
        Assert.Equal(Packets * ((size + 4095) / 4096), bench.Responses); // one response per slot, each once
        bench.Dispose();
        Assert.True(bench.Leaks.IsClean, bench.Leaks.ToString());
    }

    [Fact]
    public void On_a_mix_of_small_and_large_packets_each_size_class_gets_its_own_mode()
    {
        NetbackBench? bench = null;
        var clock = new WorkMeter(() => (bench!.BytesCopied * 1) + ((bench.GrantMaps + bench.GrantUnmaps) * 1000));
        bench = new NetbackBench(NetbackMode.Adaptive, 9000, clock, GuestWorkload.Mix);
        const int Packets = 6000;
        Assert.Equal(Packets, bench.Run(Packets));
        Assert.Equal((Packets / 2 * 64L) + (Packets / 2 * 9000L), bench.Bytes); // 64 B and 9000 B in turn
        Assert.Equal((Packets / 2) * (1 + 3), bench.Responses); // one slot, then three

        // Copying 64 bytes costs 64; mapping a page 2000. Copying 9000 bytes costs 9000, mapping its three pages 6000.
        IReadOnlyList<AdaptiveSizeClass> classes = bench.AdaptiveClasses;
        Assert.Equal([(64, 127), (8192, 16383)], classes.Select(c => (c.MinSize, c.MaxSize)));
        Assert.Contains(classes[0].Chosen!.Value, new[] { NetbackMode.Copy, NetbackMode.CopyHeaderMapRest });
        Assert.Contains(classes[1].Chosen!.Value, new[] { NetbackMode.MapForeign, NetbackMode.MapDestructor });
        Assert.Equal(Packets, classes.Sum(c => c.Packets));
        bench.Dispose();
        Assert.True(bench.Leaks.IsClean, bench.Leaks.ToString());
    }

    [Fact]
    public void Adaptive_allocates_nothing_per_packet_once_its_size_class_exists()
    {
        NetbackBench? bench = null;
        var clock = new WorkMeter(() => (bench!.BytesCopied * 1) + ((bench.GrantMaps + bench.GrantUnmaps) * 1000));
        bench = new NetbackBench(NetbackMode.Adaptive, 1500, clock);
        // The warm-up makes the size class, the pending packets and the destructors; after it, nothing per packet
        // while adaptive keeps probing every mode in turn.
        SteadyStateAllocation.AssertNone(() => bench.Run(50_000));
        bench.Dispose();
        Assert.True(bench.Leaks.IsClean, bench.Leaks.ToString());
    }

    [Fact]
    public void A_size_class_is_young_for_the_configured_youth_of_the_work_clock()
    {
        // The work clock reads one tick per byte handed over (TicksPerSecond 1e9: a youth of 5 µs is 5,000 ticks, a few
        // packets of 1500 B; one of 1 s is 666,666 packets).
        foreach ((long youthUs, bool young) in new[] { (5L, false), (0L, false), (1_000_000L, true) })
        {
            NetbackBench? bench = null;
            var clock = new WorkMeter(() => bench!.Bytes);
            bench = new NetbackBench(NetbackMode.Adaptive, 1500, clock, adaptiveYouth: Duration.FromMicroseconds(youthUs));
            Assert.Equal(20_000, bench.Run(20_000));
            Assert.Equal(young, Assert.Single(bench.AdaptiveClasses).Young);
            bench.Dispose();
            Assert.True(bench.Leaks.IsClean, bench.Leaks.ToString());
        }
    }

    [Fact]
    public void Without_a_work_clock_adaptive_copies_below_its_threshold_and_maps_above()
    {
        var small = new NetbackBench(NetbackMode.Adaptive, 1500);
        var large = new NetbackBench(NetbackMode.Adaptive, 9000);
        long ringMaps = small.GrantMaps;
        Assert.Equal(200, small.Run(200));
        Assert.Equal(200, large.Run(200));
        Assert.Equal(ringMaps, small.GrantMaps);
        Assert.Equal(200 * 1500, small.BytesCopied);
        Assert.Equal(ringMaps + (200 * 3), large.GrantMaps); // copy-header-map-rest: three pages, the header copied
        Assert.Equal(200 * 128, large.BytesCopied);
        Assert.Empty(small.AdaptiveClasses);
        small.Dispose();
        large.Dispose();
        Assert.True(small.Leaks.IsClean, small.Leaks.ToString());
        Assert.True(large.Leaks.IsClean, large.Leaks.ToString());
    }

    [Fact]
    public void Packets_of_every_size_arrive_intact_while_adaptive_probes_every_mode_on_noisy_costs()
    {
        // A clock that advances by a seeded random amount on every read: the costs adaptive sees are noise. Each size
        // class's probes run every mode, with mapped packets held by the stack and released out of order.
        var rng = new Random(20261126);
        long ticks = 0;
        var clock = new WorkMeter(() => ticks += rng.Next(1, 1000));
        var pair = new XenPair(new NetbackConfig { Mode = NetbackMode.Adaptive, HoldLimit = null, WorkClock = clock });
        pair.Front.Paused = true; // the transmitter is the guest now
        var held = new List<SkBuff>();
        long good = 0;
        long bad = 0;
        pair.Back.Receiver = (skb, at) =>
        {
            bool ok = PacketPattern.Check(skb, out _, out _);
            good += ok ? 1 : 0;
            bad += ok ? 0 : 1;
            held.Add(skb);
        };
        var guest = new GuestTransmitter(pair.Guest, pair.Dom0.Id, pair.Front.TxRing!, XenPair.ScratchFrame,
            pair.Guest.FrameCount - XenPair.ScratchFrame, GuestWorkload.Verify, size: 0, seed: 7);
        var now = Instant.FromSeconds(1);
        while (guest.PacketsAnswered < 12_000)
        {
            guest.Produce(12_000 - guest.PacketsSent);
            now += Duration.FromMicroseconds(1);
            pair.Back.Poll(now);

            // The stack frees what it holds in a shuffled order, keeping a few back for the next round.
            rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(held));
            int keep = Math.Min(held.Count, rng.Next(0, 8));
            foreach (SkBuff skb in held.Skip(keep))
            {
                skb.Consume();
            }

            held.RemoveRange(keep, held.Count - keep);
            pair.Back.Poll(now);
            guest.Reclaim();
            Assert.True(pair.Back.IsConnected, pair.Back.DisconnectReason);
        }

        Assert.Equal((12_000L, 0L), (good, bad));
        Assert.Equal(0, guest.ErrorResponses);
        IReadOnlyList<AdaptiveSizeClass> classes = pair.Back.AdaptiveClasses();
        Assert.True(classes.Count >= 10, $"{classes.Count} size classes");
        Assert.All(classes.Where(c => c.Packets >= 4 * AdaptiveModeSelector.FirstBlock), c => Assert.Equal(4, c.NsPerPacket.Count));
        Assert.True(pair.Xen.Maps > 0 && pair.Back.TxBytesCopied > 0, "both copying and mapping modes ran");
        foreach (SkBuff skb in held)
        {
            skb.Consume();
        }

        pair.Back.Poll(now);
        guest.Reclaim();
        Assert.Equal(guest.PacketsSent, guest.PacketsAnswered);
        guest.EndGrants();
        pair.Front.Paused = false;
        pair.Dispose();
        Assert.True(pair.Leaks.IsClean, pair.Leaks.ToString());
    }

    /// <summary>A work clock whose reading is the work done so far.</summary>
    private sealed class WorkMeter(Func<long> work) : IWorkClock
    {
        public long Ticks => work();

        public long TicksPerSecond => 1_000_000_000;
    }
}
