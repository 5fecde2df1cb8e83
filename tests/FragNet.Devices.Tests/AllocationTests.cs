using FragNet.Buffers;
using FragNet.Testing;

namespace FragNet.Devices.Tests;

/// <summary>The hot paths allocate nothing in steady state: measured with the current thread's allocation counter
/// around batches of a warm loop (<see cref="SteadyStateAllocation"/>).</summary>
public sealed class AllocationTests
{
    [Fact]
    public void The_rule_fails_a_loop_that_allocates_and_forgives_the_runtime_s_one_off_noise()
    {
        object? kept = null;
        Assert.ThrowsAny<Exception>(() => SteadyStateAllocation.AssertNone(() => kept = new byte[1])); // every batch
        Assert.ThrowsAny<Exception>(() => SteadyStateAllocation.AssertSteady([0, 0, 0, 64 * 1024])); // too big for noise
        Assert.ThrowsAny<Exception>(() => SteadyStateAllocation.AssertSteady([0, 0, 24, 24, 24, 24])); // too often
        SteadyStateAllocation.AssertSteady([8144, 0, 0, 0, 0, 0]); // what CI saw once: a GC or a recompile
        SteadyStateAllocation.AssertSteady([0, 0, 0, 24, 24, 24]);
        SteadyStateAllocation.AssertNone(() => kept = null);
        Assert.Null(kept);
    }

    [Fact]
    public void Evaluating_a_filter_allocates_nothing()
    {
        PacketFilter[] filters = PacketFilterParityTests.Table.Select(PacketFilter.Compile).ToArray();
        byte[][] frames = EdgeCaseCapture.All.Select(f => f.Bytes).ToArray();
        int matches = 0;
        SteadyStateAllocation.AssertNone(() =>
        {
            for (int round = 0; round < 20; round++)
            {
                foreach (PacketFilter f in filters)
                {
                    foreach (byte[] frame in frames)
                    {
                        matches += f.Matches(frame) ? 1 : 0;
                    }
                }
            }
        });
        Assert.True(matches > 0);
    }

    [Fact]
    public void Writing_pcap_records_from_spans_and_skbuffs_allocates_nothing()
    {
        using var pool = new PagePool(8, "alloc-test");
        var cache = new SkbCache(pool, "alloc-test");
        using var lender = new UserBuffer(1, "alloc-lender");
        SkBuff skb = cache.Alloc(128);
        skb.Put(54).Fill(0x11);
        skb.AppendFrag(lender[0], 0, 1448);
        byte[] frame = Frames.Fill(1514, 0x22);
        using var writer = new PcapWriter(Stream.Null, leaveOpen: true);
        Instant t = Instant.FromSeconds(1);
        SteadyStateAllocation.AssertNone(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                writer.WritePacket(t, frame);
                writer.WritePacket(t, skb);
                writer.WritePacket(t, frame.AsSpan(0, 96), frame.Length);
            }
        });
        skb.Consume();
        Assert.Equal(8 * 3000, writer.PacketCount); // two warm-up batches and six measured
    }

    [Fact]
    public void Reading_pcap_records_allocates_nothing_once_the_buffer_has_grown()
    {
        var file = new MemoryStream();
        using (var w = new PcapWriter(file, leaveOpen: true))
        {
            for (int i = 0; i < 3000; i++)
            {
                w.WritePacket(Instant.FromMicroseconds(i), Frames.Fill(60 + (i % 1400), (byte)i));
            }
        }

        byte[] bytes = file.ToArray();
        var stream = new MemoryStream(bytes);
        using var reader = new PcapReader(stream, leaveOpen: true);
        long total = 0;
        // Sizes cycle through 60..1459 bytes every 1400 records: reading 1500 grows the buffer to the largest one.
        for (int i = 0; i < 1500 && reader.TryReadPacket(out PcapRecord r); i++)
        {
            total += r.CapturedLength;
        }

        SteadyStateAllocation.AssertNone(() =>
        {
            for (int i = 0; i < 250 && reader.TryReadPacket(out PcapRecord r); i++)
            {
                total += r.CapturedLength;
            }
        }, batches: 6, warmups: 0);

        Assert.Equal(3000, reader.PacketCount);
        Assert.True(total > 0);
    }

    private sealed class Relay : ISimulatorEvent
    {
        public long Runs;

        public void Run(Simulator simulator, long tag)
        {
            Runs++;
            if (tag > 0)
            {
                simulator.ScheduleAfter(Duration.FromMicroseconds(1 + (tag % 7)), this, tag - 1);
            }
        }
    }

    [Fact]
    public void Scheduling_and_running_events_allocates_nothing_in_steady_state()
    {
        var sim = new Simulator(1);
        var relay = new Relay();
        SteadyStateAllocation.AssertNone(() =>
        {
            for (int chain = 0; chain < 64; chain++)
            {
                sim.ScheduleAfter(Duration.FromMicroseconds(chain), relay, 200);
            }

            SimulatorEventId cancelled = sim.ScheduleAfter(Duration.FromSeconds(1), relay, 0);
            sim.Cancel(cancelled);
            sim.RunUntilIdle(1_000_000);
        });
        Assert.Equal(8 * 64 * 201, relay.Runs); // two warm-up batches and six measured
    }

    [Fact]
    public void Deciding_faults_allocates_nothing()
    {
        FaultInjector f = new FaultInjector(1)
            .Add(FaultRule.DelayEveryNth(5, Duration.FromSeconds(60), PacketFilter.Compile("tcp src port 2049")))
            .Add(FaultRule.Loss(0.1))
            .Add(FaultRule.Corrupt(0.1))
            .Add(FaultRule.Reorder(0.1, Duration.FromMilliseconds(1)))
            .Add(FaultRule.Duplicate(0.1));
        byte[][] frames = EdgeCaseCapture.All.Select(x => x.Bytes).ToArray();
        SteadyStateAllocation.AssertNone(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                f.Decide(frames[i % frames.Length], Instant.FromMicroseconds(i));
            }
        });
    }
}
