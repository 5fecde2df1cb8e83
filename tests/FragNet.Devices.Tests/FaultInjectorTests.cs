namespace FragNet.Devices.Tests;

public sealed class FaultInjectorTests
{
    private static readonly byte[] FromServer = Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.1", "10.77.0.2",
        Frames.Tcp(2049, 700, 0x18, Frames.Fill(100, 0x55))), Frames.MacClient, Frames.MacServer);

    private static readonly byte[] FromClient = Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1",
        Frames.Tcp(700, 2049, 0x18, Frames.Fill(100, 0xAA))));

    private static readonly byte[] Arp = Frames.Ethernet(Frames.EtherTypeArp,
        Frames.Arp(1, Frames.MacClient, "10.77.0.2", new byte[6], "10.77.0.1"), Frames.MacBroadcast);

    private static Instant At(int i) => Instant.FromMicroseconds(i * 100L);

    private static List<FaultDecision> Run(FaultInjector injector, Func<int, byte[]> frame, int count) =>
        Enumerable.Range(0, count).Select(i => injector.Decide(frame(i), At(i))).ToList();

    private static FaultInjector Everything(ulong seed) => new FaultInjector(seed)
        .Add(FaultRule.DelayEveryNth(7, Duration.FromSeconds(60), PacketFilter.Compile("tcp src port 2049")))
        .Add(FaultRule.Loss(0.05))
        .Add(FaultRule.Corrupt(0.05, fromOffset: 14))
        .Add(FaultRule.Duplicate(0.05))
        .Add(FaultRule.Reorder(0.05, Duration.FromMilliseconds(10)))
        .Add(FaultRule.StallOneIn(500, Duration.FromMilliseconds(1)));

    private static byte[] Mixed(int i) => (i % 3) switch { 0 => FromServer, 1 => FromClient, _ => Arp };

    [Fact]
    public void A_stall_holds_the_frame_and_everything_behind_it_until_it_ends_without_consulting_the_rules()
    {
        var f = new FaultInjector(1)
            .Add(FaultRule.StallOneIn(1, Duration.FromMilliseconds(1)).AtMost(1))
            .Add(FaultRule.Loss(1.0));
        FaultDecision first = f.Decide(FromServer, At(0));
        Assert.Equal(FaultAction.Stall, first.Action);
        Assert.Equal(Duration.FromMilliseconds(1), first.Delay);
        for (int i = 1; i < 10; i++)
        {
            FaultDecision held = f.Decide(FromServer, At(i)); // 100 µs apart: all inside the stall
            Assert.Equal(FaultAction.Stall, held.Action);
            Assert.Equal(-1, held.RuleIndex);
            Assert.Equal(At(10) - At(i), held.Delay); // all released together, in order, when the stall ends
        }

        Assert.True(f.IsStalled(At(9)));
        Assert.False(f.IsStalled(At(10)));
        Assert.Equal(FaultAction.Drop, f.Decide(FromServer, At(10)).Action); // after it, the rules apply again
        Assert.Equal(1, f.Stalls);
        Assert.Equal(9, f.StalledFrames);
        Assert.Equal(10, f.Count(FaultAction.Stall));
        Assert.Equal(1, f.Fired(0)); // AtMost(1): the stall rule fired once
    }

    [Fact]
    public void Frames_beyond_the_stall_queue_limit_are_dropped_and_counted()
    {
        var f = new FaultInjector(1) { StallQueueLimit = 3 }.Add(FaultRule.StallOneIn(1, Duration.FromSeconds(60)));
        Assert.Equal(FaultAction.Stall, f.Decide(FromServer, At(0)).Action);
        var rest = Enumerable.Range(1, 5).Select(i => f.Decide(FromServer, At(i)).Action).ToList();
        Assert.Equal([FaultAction.Stall, FaultAction.Stall, FaultAction.Stall, FaultAction.Drop, FaultAction.Drop], rest);
        Assert.Equal(2, f.StallQueueDrops);
    }

    [Fact]
    public void Without_rules_every_frame_is_delivered()
    {
        var f = new FaultInjector(1);
        Assert.All(Run(f, Mixed, 100), d => Assert.Equal(new FaultDecision { Action = FaultAction.Deliver, RuleIndex = -1 }, d));
        Assert.Equal(100, f.Count(FaultAction.Deliver));
        Assert.Equal(100, f.Frames);
    }

    [Fact]
    public void The_same_seed_and_frames_give_the_same_decisions()
    {
        List<FaultDecision> a = Run(Everything(1234), Mixed, 20_000);
        List<FaultDecision> b = Run(Everything(1234), Mixed, 20_000);
        List<FaultDecision> c = Run(Everything(1235), Mixed, 20_000);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        foreach (FaultAction action in Enum.GetValues<FaultAction>())
        {
            Assert.Contains(a, d => d.Action == action);
        }
    }

    [Fact]
    public void Netoutage_delays_exactly_every_nth_matching_frame_and_nothing_else()
    {
        var f = new FaultInjector(9).Add(FaultRule.DelayEveryNth(5, Duration.FromSeconds(60), PacketFilter.Compile("tcp src port 2049")));
        List<FaultDecision> decisions = Run(f, Mixed, 300);
        int matching = 0;
        for (int i = 0; i < decisions.Count; i++)
        {
            if (Mixed(i) != FromServer)
            {
                Assert.Equal(FaultAction.Deliver, decisions[i].Action);
                continue;
            }

            matching++;
            FaultDecision expected = matching % 5 == 0
                ? new FaultDecision { Action = FaultAction.Delay, Delay = Duration.FromSeconds(60), RuleIndex = 0 }
                : new FaultDecision { Action = FaultAction.Deliver, RuleIndex = -1 };
            Assert.Equal(expected, decisions[i]);
        }

        Assert.Equal(100, matching);
        Assert.Equal(20, f.Count(FaultAction.Delay));
        Assert.Equal(100, f.Matched(0));
        Assert.Equal(20, f.Fired(0));
    }

    [Theory]
    [InlineData(FaultAction.Drop, 0.1)]
    [InlineData(FaultAction.Duplicate, 0.02)]
    [InlineData(FaultAction.Corrupt, 0.3)]
    [InlineData(FaultAction.Delay, 0.5)]
    public void Probabilistic_rules_fire_at_their_rate(FaultAction action, double p)
    {
        FaultRule rule = action switch
        {
            FaultAction.Drop => FaultRule.Loss(p),
            FaultAction.Duplicate => FaultRule.Duplicate(p),
            FaultAction.Corrupt => FaultRule.Corrupt(p),
            _ => FaultRule.DelayRandomly(p, Duration.FromMilliseconds(1)),
        };
        const int n = 100_000;
        foreach (ulong seed in (ulong[])[1, 2, 3])
        {
            var f = new FaultInjector(seed).Add(rule);
            Run(f, _ => FromClient, n);
            double sigma = Math.Sqrt(n * p * (1 - p));
            Assert.InRange(f.Count(action), (n * p) - (5 * sigma), (n * p) + (5 * sigma));
            Assert.Equal(n, f.Count(action) + f.Count(FaultAction.Deliver));
        }
    }

    [Fact]
    public void Reordering_holds_one_frame_until_the_next_one_passes()
    {
        var f = new FaultInjector(3).Add(FaultRule.Reorder(1.0, Duration.FromMilliseconds(10)));
        FaultDecision first = f.Decide(FromClient, At(0));
        Assert.Equal(FaultAction.Reorder, first.Action);
        Assert.Equal(Duration.FromMilliseconds(10), first.Delay);
        Assert.True(f.IsHolding);

        FaultDecision second = f.Decide(FromClient, At(1)); // cannot hold two: passes, and releases the first after it
        Assert.Equal(FaultAction.Deliver, second.Action);
        Assert.True(second.ReleaseHeld);
        Assert.False(f.IsHolding);

        Assert.Equal(FaultAction.Reorder, f.Decide(FromClient, At(2)).Action);
        FaultDecision late = f.Decide(FromClient, At(2) + Duration.FromMilliseconds(10)); // the hold limit passed
        Assert.False(late.ReleaseHeld);
        Assert.Equal(FaultAction.Reorder, late.Action);
    }

    [Fact]
    public void A_dropped_or_delayed_frame_does_not_release_the_held_one()
    {
        var f = new FaultInjector(3)
            .Add(FaultRule.DropEveryNth(2, PacketFilter.Compile("arp")))
            .Add(FaultRule.DelayEveryNth(1, Duration.FromSeconds(1), PacketFilter.Compile("tcp src port 2049")))
            .Add(FaultRule.Reorder(1.0, Duration.FromSeconds(5), PacketFilter.Compile("tcp dst port 2049")));
        Assert.Equal(FaultAction.Reorder, f.Decide(FromClient, At(0)).Action);
        FaultDecision passes = f.Decide(Arp, At(1)); // the first ARP is not dropped: it passes and releases
        Assert.Equal((FaultAction.Deliver, true), (passes.Action, passes.ReleaseHeld));
        Assert.Equal(FaultAction.Reorder, f.Decide(FromClient, At(2)).Action);
        Assert.Equal(new FaultDecision { Action = FaultAction.Drop, RuleIndex = 0 }, f.Decide(Arp, At(3)));
        Assert.Equal(FaultAction.Delay, f.Decide(FromServer, At(4)).Action);
        Assert.True(f.IsHolding);
    }

    [Fact]
    public void Corruption_flips_one_bit_past_the_protected_header_chosen_by_the_seed()
    {
        var f = new FaultInjector(11).Add(FaultRule.Corrupt(1.0, fromOffset: 14));
        var seen = new HashSet<int>();
        for (int i = 0; i < 2000; i++)
        {
            FaultDecision d = f.Decide(FromClient, At(i));
            Assert.Equal(FaultAction.Corrupt, d.Action);
            Assert.InRange(d.CorruptOffset, 14, FromClient.Length - 1);
            Assert.Equal(1, System.Numerics.BitOperations.PopCount(d.CorruptMask));
            byte[] copy = (byte[])FromClient.Clone();
            d.ApplyCorruption(copy);
            int differing = copy.Zip(FromClient, (x, y) => System.Numerics.BitOperations.PopCount((uint)(x ^ y))).Sum();
            Assert.Equal(1, differing);
            seen.Add(d.CorruptOffset);
        }

        Assert.True(seen.Count > 100, "corruption should spread over the frame");
        Assert.Equal(FaultAction.Deliver, f.Decide(new byte[14], At(0)).Action); // nothing past the header to corrupt
    }

    [Fact]
    public void A_filtered_rule_never_touches_frames_its_filter_rejects()
    {
        var f = new FaultInjector(5).Add(FaultRule.Loss(1.0, PacketFilter.Compile("arp")));
        List<FaultDecision> decisions = Run(f, Mixed, 300);
        for (int i = 0; i < decisions.Count; i++)
        {
            Assert.Equal(Mixed(i) == Arp ? FaultAction.Drop : FaultAction.Deliver, decisions[i].Action);
        }

        Assert.Equal(100, f.Matched(0));
    }

    [Fact]
    public void Adding_a_rule_does_not_move_which_frames_another_rule_fires_on()
    {
        static List<int> DelayedFrames(FaultInjector f) =>
            Run(f, Mixed, 3000).Select((d, i) => (d, i)).Where(x => x.d.RuleIndex == f.Rules.Count - 1).Select(x => x.i).ToList();

        FaultRule delays = FaultRule.DelayRandomly(0.1, Duration.FromSeconds(1), PacketFilter.Compile("tcp"));
        FaultInjector alone = new FaultInjector(77).Add(FaultRule.Loss(0)).Add(delays); // same index, same stream
        FaultInjector withLoss = new FaultInjector(77).Add(FaultRule.Loss(0.3)).Add(delays);
        List<int> a = DelayedFrames(alone);
        var b = new HashSet<int>(DelayedFrames(withLoss));
        Assert.Equal(alone.Fired(1), withLoss.Fired(1)); // the rule fires on the same frames, winning or not
        Assert.True(b.IsSubsetOf(a), "a delay decision appeared that the rule alone did not make");
        Assert.True(b.Count < a.Count, "the loss rule, consulted first, should have won some of those frames");
    }

    [Fact]
    public void The_counters_add_up_to_the_frames_decided()
    {
        FaultInjector f = Everything(8);
        Run(f, Mixed, 10_000);
        Assert.Equal(10_000, Enum.GetValues<FaultAction>().Sum(a => f.Count(a)));
        Assert.Equal(6, f.Rules.Count);
        Assert.Contains("every 7th frame", f.Rules[0].ToString(), StringComparison.Ordinal);
        Assert.Contains("tcp src port 2049", f.Rules[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_rule_parameters_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultRule.Loss(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultRule.Loss(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultRule.DelayEveryNth(0, Duration.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultRule.DelayRandomly(0.5, Duration.FromMicroseconds(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => FaultRule.Corrupt(0.5, fromOffset: -1));
    }
}
