using FragNet.Buffers;

namespace FragNet.Devices.Tests;

/// <summary>The fault injector on a path outside the simulator (a real TAP's receive path): what it holds, for how
/// long, in what order it lets frames go, and that nothing it touches leaks.</summary>
public sealed class FaultGateTests : IDisposable
{
    private readonly PagePool _pool = new(64, "gate");
    private readonly SkbCache _cache;
    private readonly List<(byte Tag, Instant At)> _passed = [];

    public FaultGateTests() => _cache = new SkbCache(_pool, "gate");

    [Fact]
    public void Without_rules_every_frame_passes_at_once()
    {
        using var gate = NewGate(new FaultInjector(1));
        gate.Offer(Frame(1), At(0));
        gate.Offer(Frame(2), At(5));
        Assert.Equal([(1, At(0)), (2, At(5))], _passed);
        Assert.Equal(Instant.MaxValue, gate.PollAt());
    }

    [Fact]
    public void A_stall_holds_the_frame_that_started_it_and_everything_after_it_until_it_ends_then_releases_them_in_order()
    {
        using var gate = NewGate(new FaultInjector(1).Add(FaultRule.StallOneIn(1, Duration.FromSeconds(3)).AtMost(1)));
        gate.Offer(Frame(1), At(0));      // starts a 3 s stall
        gate.Offer(Frame(2), At(1000));   // queued behind it
        Assert.Empty(_passed);
        Assert.Equal(At(3000), gate.PollAt());
        gate.Poll(At(2999));
        Assert.Empty(_passed);
        gate.Poll(At(3000));
        Assert.Equal([(1, At(3000)), (2, At(3000))], _passed);
        gate.Offer(Frame(3), At(4000));   // the rule has fired its once
        Assert.Equal((3, At(4000)), _passed[^1]);
    }

    [Fact]
    public void Drops_are_freed_with_the_fault_reason_and_duplicates_are_copies()
    {
        using (var gate = NewGate(new FaultInjector(1).Add(FaultRule.DropEveryNth(2))))
        {
            gate.Offer(Frame(1), At(0));
            gate.Offer(Frame(2), At(1));
            Assert.Equal([(1, At(0))], _passed);
            Assert.Equal(1, _cache.Drops(DropReason.FaultInjected));
        }

        _passed.Clear();
        using var dup = NewGate(new FaultInjector(1).Add(FaultRule.Duplicate(1.0)));
        dup.Offer(Frame(7), At(0));
        Assert.Equal([(7, At(0)), (7, At(0))], _passed);
    }

    [Fact]
    public void Corruption_flips_exactly_one_bit()
    {
        byte[] seen = [];
        using var gate = new FaultGate(new FaultInjector(3).Add(FaultRule.Corrupt(1.0)), (f, _) =>
        {
            seen = f.LinearData.ToArray();
            f.Consume();
        });
        gate.Offer(Frame(0, 64), At(0));
        Assert.Equal(1, seen.Sum(b => System.Numerics.BitOperations.PopCount(b)));
    }

    [Fact]
    public void A_reordered_frame_follows_the_next_one_or_leaves_at_its_hold_limit()
    {
        using var gate = NewGate(new FaultInjector(1).Add(FaultRule.Reorder(1.0, Duration.FromMilliseconds(10)).AtMost(3)));
        gate.Offer(Frame(1), At(0));
        gate.Offer(Frame(2), At(1));
        Assert.Equal([2, 1], _passed.Select(p => p.Tag));
        gate.Offer(Frame(3), At(2)); // held again, and nothing follows to overtake it
        Assert.Equal(At(12), gate.PollAt());
        gate.Poll(At(12));
        Assert.Equal((3, At(12)), _passed[^1]);
    }

    [Fact]
    public void Frames_still_held_at_dispose_are_freed()
    {
        var gate = NewGate(new FaultInjector(1).Add(FaultRule.StallOneIn(1, Duration.FromSeconds(60))));
        gate.Offer(Frame(1), At(0));
        gate.Offer(Frame(2), At(1));
        Assert.Equal(2, gate.Held);
        gate.Dispose();
        Assert.Empty(_passed);
    }

    public void Dispose()
    {
        Assert.True(_cache.Live == 0, _cache.LeakReport());
        Assert.True(_pool.Outstanding == 0, _pool.LeakReport());
        _pool.Dispose();
    }

    private static Instant At(long ms) => Instant.FromMilliseconds(ms);

    private FaultGate NewGate(FaultInjector faults) => new(faults, (f, now) =>
    {
        _passed.Add((f.LinearData[0], now));
        f.Consume();
    });

    private SkBuff Frame(byte tag, int length = 60)
    {
        SkBuff skb = _cache.Alloc(length);
        Span<byte> bytes = skb.Put(length);
        bytes.Clear();
        bytes[0] = tag;
        return skb;
    }
}
