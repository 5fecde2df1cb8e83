using FragNet.Xen.Netif;

namespace FragNet.Xen.Tests;

/// <summary>
/// Adaptive netback's choice, on scripted costs: a class's first probe measures every candidate in short blocks and
/// settles on the cheapest; later probes run a block of one other candidate and a block of the choice, and a cheaper
/// one takes over only after two wins in a row; packets between probes are not timed; an interrupt-sized outlier does
/// not move a choice; a clear loser is probed rarely; and each size class decides alone.
/// </summary>
public sealed class AdaptiveModeSelectorTests
{
    /// <summary>Every candidate within <see cref="AdaptiveModeSelector.ClearLoss"/> of the best, so none skips its
    /// turns.</summary>
    private static readonly Dictionary<NetbackMode, long> Close = new()
    {
        [NetbackMode.Copy] = 560,
        [NetbackMode.MapForeign] = 500,
        [NetbackMode.MapDestructor] = 540,
        [NetbackMode.CopyHeaderMapRest] = 600,
    };

    private static readonly Dictionary<NetbackMode, long> MapsWin = new()
    {
        [NetbackMode.Copy] = 900,
        [NetbackMode.MapForeign] = 500,
        [NetbackMode.MapDestructor] = 600,
        [NetbackMode.CopyHeaderMapRest] = 700,
    };

    [Fact]
    public void The_first_probe_runs_every_candidate_in_short_blocks_and_settles_on_the_cheapest()
    {
        var s = new AdaptiveModeSelector();
        var first = new List<(NetbackMode Mode, bool Timed)>();
        for (int i = 0; i < 4 * AdaptiveModeSelector.FirstBlock; i++)
        {
            NetbackMode m = s.Choose(1500, out bool timed);
            first.Add((m, timed));
            if (timed)
            {
                s.Record(1500, m, MapsWin[m]);
            }
        }

        // One block per candidate, the last first; the second half of each block timed.
        NetbackMode[] order = [NetbackMode.CopyHeaderMapRest, NetbackMode.MapDestructor, NetbackMode.MapForeign, NetbackMode.Copy];
        var expected = order.SelectMany(m => Enumerable.Range(0, AdaptiveModeSelector.FirstBlock)
            .Select(i => (m, i >= AdaptiveModeSelector.FirstBlock - AdaptiveModeSelector.FirstWindow)));
        Assert.Equal(expected, first);

        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        Assert.Equal((1024, 2047), (c.MinSize, c.MaxSize));
        Assert.Equal(NetbackMode.MapForeign, c.Chosen);
        Assert.Equal(4 * AdaptiveModeSelector.FirstBlock, c.Packets);
        Assert.All(c.PacketsByMode.Values, n => Assert.Equal(AdaptiveModeSelector.FirstBlock, n));
        Assert.Equal(MapsWin.ToDictionary(kv => kv.Key, kv => (double)kv.Value), c.NsPerPacket);
        Assert.Equal(NetbackMode.MapForeign, s.Choose(1500, out bool next));
        Assert.False(next);
    }

    [Fact]
    public void A_pairwise_probe_runs_a_block_of_the_challenger_then_a_block_of_the_chosen_mode()
    {
        var s = new AdaptiveModeSelector();
        Run(s, 1500, 4 * AdaptiveModeSelector.FirstBlock, m => MapsWin[m]);
        var seen = new List<(NetbackMode Mode, bool Timed)>();
        for (int i = 0; i < AdaptiveModeSelector.FirstInterval + (2 * AdaptiveModeSelector.Block); i++)
        {
            NetbackMode m = s.Choose(1500, out bool timed);
            seen.Add((m, timed));
            if (timed)
            {
                s.Record(1500, m, MapsWin[m]);
            }
        }

        // FirstInterval - 1 packets in the chosen mode, untimed; then the challenger's block and the chosen mode's.
        Assert.All(seen.Take(AdaptiveModeSelector.FirstInterval - 1), x => Assert.Equal((NetbackMode.MapForeign, false), x));
        var probe = seen.Skip(AdaptiveModeSelector.FirstInterval - 1).Take(2 * AdaptiveModeSelector.Block).ToList();
        NetbackMode challenger = probe[0].Mode;
        Assert.NotEqual(NetbackMode.MapForeign, challenger);
        var expected = new[] { challenger, NetbackMode.MapForeign }.SelectMany(m => Enumerable.Range(0, AdaptiveModeSelector.Block)
            .Select(i => (m, i >= AdaptiveModeSelector.WarmIn)));
        Assert.Equal(expected, probe);
    }

    [Fact]
    public void Nothing_is_chosen_until_every_candidate_of_the_first_probe_has_a_full_window()
    {
        var s = new AdaptiveModeSelector();
        int probe = AdaptiveModeSelector.FirstBlock * AdaptiveModeSelector.Candidates.Count;
        Run(s, 1500, probe, m => MapsWin[m], record: m => m != NetbackMode.MapDestructor);
        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        Assert.Null(c.Chosen);
        Assert.Equal([NetbackMode.Copy, NetbackMode.MapForeign, NetbackMode.CopyHeaderMapRest], c.NsPerPacket.Keys.Order());

        // Until then the class copies (a copied packet needs no release to finish), timing nothing.
        Assert.Equal(NetbackMode.Copy, s.Choose(1500, out bool timed));
        Assert.False(timed);
    }

    [Fact]
    public void Between_probes_no_packet_is_timed_and_turns_thin_out_to_one_per_MaxInterval_packets()
    {
        var s = new AdaptiveModeSelector();
        Run(s, 9000, 600_000, m => Close[m]);

        // Settled: the longest untimed stretch is one interval (MaxInterval - 1 packets in the chosen mode) and the
        // warm-in of the next probe's first block.
        int longest = 0;
        int run = 0;
        for (int i = 0; i < 600_000; i++)
        {
            NetbackMode m = s.Choose(9000, out bool timed);
            if (timed)
            {
                s.Record(9000, m, Close[m]);
                run = 0;
            }
            else
            {
                longest = Math.Max(longest, ++run);
            }
        }

        Assert.Equal(AdaptiveModeSelector.MaxInterval - 1 + AdaptiveModeSelector.WarmIn, longest);
        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        Assert.Equal(0, c.Switches);

        // The first probe, then turns after 1024, 2048, … 262,144 packets (523,264 in all, with 9 probes of 512), then
        // one per 262,144 packets: 12 probes in 1,200,000 packets.
        Assert.Equal(12, c.Probes);
    }

    [Fact]
    public void A_switch_brings_the_turns_back_to_one_per_ProbeEvery_packets()
    {
        var s = new AdaptiveModeSelector();
        var costs = new Dictionary<NetbackMode, long>(Close);
        Run(s, 9000, 2_000_000, m => costs[m]); // turns once per MaxInterval by now
        costs[NetbackMode.MapDestructor] = 400; // cheaper than map-foreign's 500 from now on

        // Until the switch (map-destructor's turn comes within three intervals), then the gap to the next probe.
        int packets = 0;
        while (Assert.Single(s.Report(1_000_000_000)).Switches == 0)
        {
            Assert.True(++packets < 3 * (AdaptiveModeSelector.MaxInterval + (2 * AdaptiveModeSelector.Block)), "no switch");
            NetbackMode m = s.Choose(9000, out bool timed);
            if (timed)
            {
                s.Record(9000, m, costs[m]);
            }
        }

        Assert.Equal(NetbackMode.MapDestructor, Chosen(s));
        AdaptiveSizeClass before = Assert.Single(s.Report(1_000_000_000));

        // Until the switch, map-destructor only ran in probes: its first block and whole blocks after. The packets
        // counted down before the switch went in map-foreign, the mode of their countdown.
        Assert.Equal(0, (before.PacketsByMode[NetbackMode.MapDestructor] - AdaptiveModeSelector.FirstBlock) % AdaptiveModeSelector.Block);
        int untimed = 0;
        while (true)
        {
            NetbackMode m = s.Choose(9000, out bool timed);
            if (timed)
            {
                s.Record(9000, m, costs[m]);
                break;
            }

            untimed++;
        }

        Assert.InRange(untimed, AdaptiveModeSelector.WarmIn, AdaptiveModeSelector.ProbeEvery + AdaptiveModeSelector.WarmIn);

        // Every packet is counted, those counted down between probes too, through the confirmation and the switch,
        // and in the mode it went in: since the switch, map-destructor took all but the challenger's warm-in.
        AdaptiveSizeClass after = Assert.Single(s.Report(1_000_000_000));
        Assert.Equal(2_000_000 + packets + untimed + 1, after.Packets);
        Assert.Equal(after.Packets, after.PacketsByMode.Values.Sum());
        long mapDestructorBefore = before.PacketsByMode[NetbackMode.MapDestructor];
        Assert.Equal(untimed + 1 - AdaptiveModeSelector.WarmIn - 1, after.PacketsByMode[NetbackMode.MapDestructor] - mapDestructorBefore);
    }

    [Fact]
    public void When_costs_move_by_more_than_Drift_the_turns_start_over_and_no_candidate_skips()
    {
        // Young code: copy-header-map-rest looks 4.5 times dearer than copy, a clear loser that skips its turns.
        var costs = new Dictionary<NetbackMode, long>
        {
            [NetbackMode.Copy] = 2000,
            [NetbackMode.MapForeign] = 2400,
            [NetbackMode.MapDestructor] = 2800,
            [NetbackMode.CopyHeaderMapRest] = 9000,
        };
        var s = new AdaptiveModeSelector();
        Run(s, 64, 10_000_000, m => costs[m]); // turns once per MaxInterval by now, and a dozen turns skipped or more
        Assert.Equal(NetbackMode.Copy, Chosen(s));

        // Everything gets cheaper (a neighbour left the core), and copy-header-map-rest the cheapest. The next probe
        // finds its modes four times cheaper: the turns start over at once — the countdown too — and
        // copy-header-map-rest, which was skipping its turns, is probed within a few thousand packets, not after
        // another half million.
        costs[NetbackMode.Copy] = 500;
        costs[NetbackMode.MapForeign] = 600;
        costs[NetbackMode.MapDestructor] = 700;
        costs[NetbackMode.CopyHeaderMapRest] = 300;
        Run(s, 64, AdaptiveModeSelector.MaxInterval + 20_000, m => costs[m]);
        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        Assert.Equal(NetbackMode.CopyHeaderMapRest, c.Chosen);
        Assert.InRange(c.Restarts, 1, 4); // at most once for each mode found to have moved
    }

    [Fact]
    public void Noise_within_Drift_does_not_start_the_turns_over()
    {
        var s = new AdaptiveModeSelector();
        var random = new Random(7);
        Run(s, 1500, 2_000_000, m => (long)(MapsWin[m] * (0.7 + (0.6 * random.NextDouble()))));
        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        Assert.Equal(NetbackMode.MapForeign, c.Chosen);
        Assert.Equal(0, c.Restarts);
    }

    [Fact]
    public void A_mode_that_becomes_cheaper_takes_over_after_winning_two_probes_running()
    {
        var s = new AdaptiveModeSelector();
        var costs = new Dictionary<NetbackMode, long>(MapsWin);
        Run(s, 1500, 1000, m => costs[m]);
        Assert.Equal(NetbackMode.MapForeign, Chosen(s));

        costs[NetbackMode.Copy] = 300; // say the guest's data stopped being dirty in another CPU's cache
        Run(s, 1500, 300_000, m => costs[m]);
        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        Assert.Equal(NetbackMode.Copy, c.Chosen);
        Assert.Equal(1, c.Switches);
    }

    [Fact]
    public void A_single_winning_probe_is_not_enough()
    {
        var s = new AdaptiveModeSelector();
        Run(s, 1500, 1000, m => MapsWin[m]);

        // Copy looks cheap for exactly one probe's worth of timed packets, then is dear again.
        int cheapLeft = AdaptiveModeSelector.Window;
        Run(s, 1500, 300_000, m => m == NetbackMode.Copy && cheapLeft-- > 0 ? 100 : MapsWin[m]);
        Assert.True(cheapLeft < 0, "copy was never probed");
        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        Assert.Equal(NetbackMode.MapForeign, c.Chosen);
        Assert.Equal(0, c.Switches);
    }

    [Fact]
    public void A_win_is_put_to_the_test_again_at_once()
    {
        var s = new AdaptiveModeSelector();
        Run(s, 1500, 4 * AdaptiveModeSelector.FirstBlock, m => MapsWin[m]);

        // Copy is cheap for its first window only: the probe it wins is followed at once by the same pair, which it
        // loses. The first pairwise probe comes after FirstInterval - 1 packets and pairs copy (the first other
        // candidate) with map-foreign.
        int cheapLeft = AdaptiveModeSelector.Window;
        var seen = new List<NetbackMode>();
        for (int i = 0; i < AdaptiveModeSelector.FirstInterval - 1 + (4 * AdaptiveModeSelector.Block); i++)
        {
            NetbackMode m = s.Choose(1500, out bool timed);
            seen.Add(m);
            if (timed)
            {
                s.Record(1500, m, m == NetbackMode.Copy && cheapLeft-- > 0 ? 100 : MapsWin[m]);
            }
        }

        int b = AdaptiveModeSelector.Block;
        NetbackMode[] blocks = [.. Enumerable.Range(0, 4).Select(k => seen[AdaptiveModeSelector.FirstInterval - 1 + (k * b)])];
        Assert.Equal([NetbackMode.Copy, NetbackMode.MapForeign, NetbackMode.Copy, NetbackMode.MapForeign], blocks);
        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        Assert.Equal((NetbackMode.MapForeign, 0L), (c.Chosen!.Value, c.Switches));
    }

    [Fact]
    public void A_sample_that_arrives_after_its_window_is_full_is_ignored()
    {
        // A mapped packet's sample arrives when the stack releases it, which may be after its probe was decided.
        var s = new AdaptiveModeSelector();
        Run(s, 1500, 4 * AdaptiveModeSelector.FirstBlock, m => MapsWin[m]);
        for (int i = 0; i < 3 * AdaptiveModeSelector.Window; i++)
        {
            s.Record(1500, NetbackMode.MapDestructor, 1);
        }

        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        Assert.Equal(NetbackMode.MapForeign, c.Chosen);
        Assert.Equal(600, c.NsPerPacket[NetbackMode.MapDestructor]);
    }

    [Fact]
    public void A_mode_cheaper_by_less_than_the_margin_does_not_take_over()
    {
        var s = new AdaptiveModeSelector();
        var costs = new Dictionary<NetbackMode, long>(MapsWin);
        Run(s, 1500, 1000, m => costs[m]);
        costs[NetbackMode.MapDestructor] = 495; // 1 % cheaper than map-foreign's 500
        Run(s, 1500, 300_000, m => costs[m]);
        Assert.Equal(NetbackMode.MapForeign, Chosen(s));
    }

    [Fact]
    public void A_packet_hit_by_an_interrupt_does_not_move_the_choice()
    {
        var s = new AdaptiveModeSelector();
        int n = 0;

        // Every 17th timed packet costs 50 µs (an interrupt, a page fault): trimmed from its window's mean.
        Run(s, 1500, 300_000, m => ++n % 17 == 0 ? 50_000 : MapsWin[m]);
        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        Assert.Equal(NetbackMode.MapForeign, c.Chosen);
        Assert.Equal(0, c.Switches);
    }

    [Fact]
    public void Each_size_class_decides_alone()
    {
        var s = new AdaptiveModeSelector();
        Run(s, 64, 5000, m => m == NetbackMode.Copy ? 100 : 400);
        Run(s, 65535, 5000, m => m == NetbackMode.MapDestructor ? 2000 : 9000);
        Run(s, 100, 5000, m => m == NetbackMode.Copy ? 100 : 400);
        IReadOnlyList<AdaptiveSizeClass> classes = s.Report(1_000_000_000);
        Assert.Equal([(64, 127, NetbackMode.Copy), (32768, 65535, NetbackMode.MapDestructor)],
            classes.Select(c => (c.MinSize, c.MaxSize, c.Chosen!.Value)));
        Assert.Equal(10_000, classes[0].Packets);
    }

    [Fact]
    public void A_clear_loser_is_probed_less_often_than_a_close_one()
    {
        var s = new AdaptiveModeSelector();
        var timed = new Dictionary<NetbackMode, int>();
        Run(s, 1500, 2000, m => MapsWin[m]);
        Run(s, 1500, 10_000_000, m =>
        {
            timed[m] = timed.GetValueOrDefault(m) + 1;
            return MapsWin[m];
        });

        // Map-destructor (600 against 500) is within ClearLoss of the choice; copy (900) is not.
        Assert.True(timed[NetbackMode.MapDestructor] > 2 * timed[NetbackMode.Copy],
            $"map-destructor timed {timed[NetbackMode.MapDestructor]} times, copy {timed[NetbackMode.Copy]}");
    }

    [Fact]
    public void A_mode_ten_times_dearer_is_looked_at_so_rarely_and_so_briefly_that_it_wastes_about_a_hundredth_of_a_percent()
    {
        // The per-grant model: a map (an mmap and a munmap) costs ten times a copy.
        var s = new AdaptiveModeSelector();
        long work = 0;
        long wasted = 0;
        long timedCount = 0;
        for (int i = 0; i < 10_000_000; i++)
        {
            if (i == 100_000)
            {
                // Far worse in the first probe already (by EarlyClearLoss): no mapping mode was probed since.
                AdaptiveSizeClass young = Assert.Single(s.Report(1_000_000_000));
                Assert.All(young.PacketsByMode.Where(kv => kv.Key != NetbackMode.Copy), kv => Assert.Equal(AdaptiveModeSelector.FirstBlock, kv.Value));
            }

            NetbackMode m = s.Choose(1500, out bool timed);
            long cost = m == NetbackMode.Copy ? 500 : 5000;
            work += i >= 1_000_000 ? cost : 0;
            wasted += i >= 1_000_000 ? cost - 500 : 0;
            if (timed)
            {
                timedCount++;
                s.Record(1500, m, cost);
            }
        }

        Assert.Equal(NetbackMode.Copy, Chosen(s));
        Assert.InRange(wasted / (double)work, 1e-6, 0.0002); // never zero: a loser is still looked at now and then

        // The turns a loser skips time nothing either, and when its turn comes it gets a quick look (the first probe's
        // short blocks): every timed packet belongs to a probe, and every probe after the first is a short one.
        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        Assert.Equal((4 + ((c.Probes - 1) * 2)) * AdaptiveModeSelector.FirstWindow, timedCount);
    }

    [Fact]
    public void A_far_loser_gets_quick_looks_and_one_that_came_close_is_probed_in_full_at_once()
    {
        // Map-foreign five times dearer than copy (far: beyond EarlyClearLoss), until it is suddenly the cheapest.
        var s = new AdaptiveModeSelector();
        long mapForeign = 2500;
        long Cost(NetbackMode m) => m switch
        {
            NetbackMode.Copy => 500,
            NetbackMode.MapForeign => mapForeign,
            _ => 700,
        };
        Run(s, 1500, 3_000_000, Cost);
        Assert.Equal(NetbackMode.Copy, Chosen(s));

        mapForeign = 300;
        var runs = new List<int>(); // lengths of the runs of consecutive map-foreign packets
        var starts = new List<int>(); // and where each began
        NetbackMode previous = NetbackMode.Copy;
        for (int i = 0; i < 20_000_000 && Chosen(s) != NetbackMode.MapForeign; i++)
        {
            NetbackMode m = s.Choose(1500, out bool timed);
            if (m == NetbackMode.MapForeign)
            {
                if (previous != m)
                {
                    runs.Add(0);
                    starts.Add(i);
                }

                runs[^1]++;
            }

            previous = m;
            if (timed)
            {
                s.Record(1500, m, Cost(m));
            }
        }

        // A quick look (a short block) found it close; the pair was probed in full at once (a first win) and again
        // (the second): then it took over.
        Assert.Equal(NetbackMode.MapForeign, Chosen(s));
        Assert.Equal([AdaptiveModeSelector.FirstBlock, AdaptiveModeSelector.Block, AdaptiveModeSelector.Block], runs.TakeLast(3));

        // At once: after the quick look only copy's short block ran, and after the first full probe copy's full block.
        Assert.Equal(AdaptiveModeSelector.FirstBlock + AdaptiveModeSelector.FirstBlock, starts[^2] - starts[^3]);
        Assert.Equal(2 * AdaptiveModeSelector.Block, starts[^1] - starts[^2]);

        // Before that, every look at it since the first probe was a quick one.
        AdaptiveSizeClass c = Assert.Single(s.Report(1_000_000_000));
        long looks = c.PacketsByMode[NetbackMode.MapForeign] - (2 * AdaptiveModeSelector.Block);
        Assert.Equal(0, looks % AdaptiveModeSelector.FirstBlock);
        Assert.True(looks / AdaptiveModeSelector.FirstBlock >= 3, $"{looks} packets in quick looks");
    }

    [Fact]
    public void While_young_a_class_is_probed_at_least_once_per_YoungInterval_and_after_its_youth_the_turns_thin_out()
    {
        // One packet per microsecond; a youth of two seconds. Map-foreign is three times dearer than copy: a clear
        // loser once grown up, not a far one.
        var clock = new ScriptedClock { Ticks = 5_000_000 }; // the class is born five seconds into the clock
        var s = new AdaptiveModeSelector(clock, Duration.FromSeconds(2));
        Assert.Equal(2_000_000, s.Youth);
        long Cost(NetbackMode m) => m == NetbackMode.Copy ? 500 : m == NetbackMode.MapForeign ? 1500 : 600;
        (int Longest, long MapForeignTimed) Phase(int packets)
        {
            int longest = 0;
            int run = 0;
            long mapForeignTimed = 0;
            for (int i = 0; i < packets; i++)
            {
                clock.Ticks++;
                NetbackMode m = s.Choose(1500, out bool timed);
                run = timed ? 0 : run + 1;
                longest = Math.Max(longest, run);
                if (timed)
                {
                    mapForeignTimed += m == NetbackMode.MapForeign ? 1 : 0;
                    s.Record(1500, m, Cost(m));
                }
            }

            return (longest, mapForeignTimed);
        }

        (int youngLongest, long youngMapForeign) = Phase(1_900_000);
        Assert.Equal(NetbackMode.Copy, Chosen(s));
        Assert.Equal(AdaptiveModeSelector.YoungInterval - 1 + AdaptiveModeSelector.WarmIn, youngLongest);
        Assert.True(youngMapForeign >= 30 * AdaptiveModeSelector.Window, $"map-foreign timed {youngMapForeign} times while young");

        // Grown up (the first probe after two seconds): the turns double up to MaxInterval, and map-foreign, a clear
        // loser now, skips its turns (and no probe runs in their place: a stretch without one can span several).
        Phase(1_000_000);
        (int grownLongest, long grownMapForeign) = Phase(4_000_000);
        Assert.True(grownLongest >= AdaptiveModeSelector.MaxInterval - 1 + AdaptiveModeSelector.WarmIn, $"{grownLongest} packets untimed");
        Assert.True(grownMapForeign <= 2 * AdaptiveModeSelector.Window, $"map-foreign timed {grownMapForeign} times once grown up");
    }

    [Fact]
    public void A_challenger_timed_while_its_code_was_cold_is_judged_again_on_compiled_code_while_the_class_is_young()
    {
        // Map-foreign looks three times dearer than copy for its first 0.3 s (its code is being compiled), then is
        // the cheapest. One packet per microsecond.
        static AdaptiveModeSelector Run600k(AdaptiveModeSelector s, ScriptedClock clock)
        {
            for (int i = 0; i < 600_000; i++)
            {
                clock.Ticks++;
                NetbackMode m = s.Choose(1500, out bool timed);
                if (timed)
                {
                    long mapForeign = clock.Ticks < 300_000 ? 1500 : 400;
                    s.Record(1500, m, m == NetbackMode.Copy ? 500 : m == NetbackMode.MapForeign ? mapForeign : 600);
                }
            }

            return s;
        }

        var youngClock = new ScriptedClock();
        AdaptiveModeSelector young = Run600k(new AdaptiveModeSelector(youngClock, Duration.FromMilliseconds(1500)), youngClock);
        Assert.Equal(NetbackMode.MapForeign, Chosen(young));

        // Without a youth the turns have thinned out by then, and map-foreign's next turn has not come yet.
        AdaptiveModeSelector grown = Run600k(new AdaptiveModeSelector(), new ScriptedClock());
        Assert.Equal(NetbackMode.Copy, Chosen(grown));
    }

    [Fact]
    public void A_youth_needs_a_clock_and_cannot_be_negative()
    {
        Assert.Throws<ArgumentNullException>(() => new AdaptiveModeSelector(null!, Duration.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdaptiveModeSelector(new ScriptedClock(), Duration.FromMicroseconds(-1)));
        Assert.Equal(0, new AdaptiveModeSelector(new ScriptedClock(), Duration.Zero).Youth);
        Assert.Equal(0, new AdaptiveModeSelector().Youth);
    }

    [Fact]
    public void A_sample_for_a_mode_it_does_not_choose_between_is_refused()
    {
        var s = new AdaptiveModeSelector();
        s.Choose(1500, out _);
        Assert.Throws<ArgumentException>(() => s.Record(1500, NetbackMode.Adaptive, 10));
        Assert.Throws<ArgumentException>(() => s.Record(64, NetbackMode.Copy, 10)); // no packet of that class yet
    }

    private static NetbackMode? Chosen(AdaptiveModeSelector s) => Assert.Single(s.Report(1_000_000_000)).Chosen;

    /// <summary>Packets of <paramref name="size"/>: each timed one is recorded at <paramref name="cost"/> of its mode
    /// (unless <paramref name="record"/> says the stack still holds it).</summary>
    private static void Run(AdaptiveModeSelector s, int size, int packets, Func<NetbackMode, long> cost, Func<NetbackMode, bool>? record = null)
    {
        for (int i = 0; i < packets; i++)
        {
            NetbackMode m = s.Choose(size, out bool timed);
            if (timed && (record?.Invoke(m) ?? true))
            {
                s.Record(size, m, cost(m));
            }
        }
    }

    /// <summary>A clock the test moves by hand, in microseconds.</summary>
    private sealed class ScriptedClock : IWorkClock
    {
        public long Ticks { get; set; }

        public long TicksPerSecond => 1_000_000;
    }
}
