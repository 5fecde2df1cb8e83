using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Serialization;
using FragNet.Xen.CrossProcess;
using FragNet.Xen.Host;
using FragNet.Xen.Netif;
using FragNet.Xen.Testbed;

namespace FragNet.Cli;

/// <summary><c>fragnet bench netback</c>: guest → netback → sink throughput per mode and packet size, in process or
/// across processes (the guest in a child process, its memory a memfd, its notifications eventfds).</summary>
internal static class NetbackBenchCommand
{
    public static Command Create()
    {
        string names = NetbackOptions.All;
        var crossProcess = new Option<bool>("--cross-process") { Description = "Run the guest in its own process (memfd guest memory, eventfd event channels)." };
        Option<string> mapping = NetbackOptions.MappingOption();
        var sizes = new Option<string>("--sizes") { Description = "Packet sizes in bytes, comma-separated (14..65536; 65536 means 65535, the largest a netif request holds).", DefaultValueFactory = _ => "64,1500,65536" };
        var modes = new Option<string>("--modes") { Description = $"Netback modes, comma-separated: {names}.", DefaultValueFactory = _ => names };
        Option<double> seconds = NetbackOptions.SecondsOption("Measured wall time per mode and size; the modes take turns in 44 ms slices, after a warm-up.");
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var mix = new Option<bool>("--mix") { Description = "Also run, for each size above 64, a guest whose packets alternate between 64 bytes and that size." };
        sizes.Validators.Add(r =>
        {
            foreach (string part in (r.GetValueOrDefault<string>() ?? string.Empty).Split(','))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v is < 14 or > 65536)
                {
                    r.AddError($"--sizes: '{part}' is not a packet size between 14 and 65536.");
                }
            }
        });
        modes.Validators.Add(r =>
        {
            foreach (string part in (r.GetValueOrDefault<string>() ?? string.Empty).Split(','))
            {
                if (NetbackOptions.Parse(part) is null)
                {
                    r.AddError($"--modes: '{part}' is not one of {names}.");
                }
            }
        });

        var command = new Command("netback", "Guest → netback → stack sink throughput for each netback mode and packet size (one guest per size, the modes taking turns).")
        {
            crossProcess, mapping, sizes, modes, seconds, mix, json,
        };
        command.SetAction(parse =>
        {
            // 65,536 is the conventional name for the largest packet; a netif size field holds at most 65,535.
            int[] sizeList = [.. parse.GetValue(sizes)!.Split(',').Select(p => Math.Min(65535, int.Parse(p, CultureInfo.InvariantCulture)))];
            Workload[] workloads = [.. sizeList.Select(s => new Workload(s, false)),
                .. parse.GetValue(mix) ? sizeList.Where(s => s > GuestTransmitter.SmallPacket).Select(s => new Workload(s, true)) : []];
            NetbackMode[] modeList = [.. parse.GetValue(modes)!.Split(',').Select(n => NetbackOptions.Parse(n)!.Value)];
            double budget = parse.GetValue(seconds);
            bool cross = parse.GetValue(crossProcess);
            MappingModel model = NetbackOptions.ParseMapping(parse.GetValue(mapping)!);
            var progress = new Progress("netback", workloads.Length * modeList.Length);
            Measured run = cross ? MeasureCrossProcess(workloads, modeList, budget, model, progress) : MeasureInProcess(workloads, modeList, budget, progress);
            progress.Done();
            List<Row> results = run.Rows;
            VersusRow.Fill(results);
            int? crossover = sizeList.Order().Cast<int?>().FirstOrDefault(s =>
                results.FirstOrDefault(r => r.Mode == "map-destructor" && r.Size == s && !r.Mix)?.Gbps >= results.FirstOrDefault(r => r.Mode == "copy" && r.Size == s && !r.Mix)?.Gbps);
            string deployment = cross ? $"cross-process ({NetbackOptions.Name(model)})" : "in-process";
            if (parse.GetValue(json))
            {
                CliJson.Write(new { deployment, results, crossoverSize = crossover, leakedGrants = run.LeakedGrants, failures = run.Failures });
            }
            else
            {
                Console.Out.WriteLine($"{"mode",-22} {"size",8} {"Gbit/s",8} {"Mpps",8} {"ns/pkt",9} {"copied MB",10} {"maps",10} {"copies",10}{(cross ? $" {"mmaps",10}" : string.Empty)}");
                foreach (Row r in results)
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Mode,-22} {(r.Mix ? $"64+{r.Size}" : r.Size.ToString(CultureInfo.InvariantCulture)),8} {r.Gbps,8:0.00} {r.Mpps,8:0.000} {r.CpuNsPerPacket,9:0} {r.BytesCopied / 1e6,10:0.0} {r.GrantMaps,10} {r.GrantCopies,10}{(cross ? $" {r.Mmaps,10}" : string.Empty)}"));
                }

                foreach (Row r in results.Where(r => r.Adaptive is not null))
                {
                    AdaptiveRow a = r.Adaptive!;
                    string costs = string.Join(", ", a.NsPerPacket.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:0}")));
                    string share = string.Join(", ", a.MeasuredShare.Where(kv => kv.Value > 0).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value:0.0%}")));
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"adaptive at {r.Size} B{(r.Mix ? " (mixed with 64 B)" : string.Empty)}: chose {a.Chosen ?? "nothing yet"} (netback's ns per packet, last measured: {costs}; {a.Probes} probes, {a.Switches} switches, {a.Restarts} restarts){(r.AdaptiveSmall is { } small ? $"; at 64 B: {small.Chosen ?? "nothing yet"}" : string.Empty)}"));
                    Console.Out.WriteLine($"  packets while measured: {share}");
                    if (r.VsBest is { } v)
                    {
                        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"  against {v.Mode}, the best fixed mode: {v.Ratio:0.000} of its throughput (median of {v.Rounds} rounds; 95 % interval {v.Low:0.000}–{v.High:0.000})"));
                    }
                }

                Console.Out.WriteLine(crossover is int c
                    ? $"map-destructor matches or beats copy from {c} bytes (of the sizes measured)"
                    : "map-destructor did not beat copy at any size measured");
                foreach (string f in run.Failures)
                {
                    Console.Out.WriteLine($"FAILED: {f}");
                }

                Console.Out.WriteLine($"{deployment} deployment; leaked grants {run.LeakedGrants}");
            }

            return run.LeakedGrants == 0 && run.Failures.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    /// <summary>One session per size; its modes take turns in slices (<see cref="CrossProcessOptions.InterleavedModes"/>),
    /// so the machine's noise falls on all of them alike.</summary>
    private static Measured MeasureCrossProcess(Workload[] workloads, NetbackMode[] modes, double seconds, MappingModel model, Progress progress)
    {
        var m = new Measured();
        FrontendCommand frontend = FrontendCommand.ThisProcess();
        foreach ((int size, bool mixed) in workloads)
        {
            CrossProcessReport r = CrossProcessSession.Run(new CrossProcessOptions
            {
                Frontend = frontend,
                Mode = modes[0],
                InterleavedModes = modes,
                Mapping = model,
                PacketSize = size,
                Workload = mixed ? GuestWorkload.Mix : GuestWorkload.Bench,
                Warmup = TimeSpan.FromSeconds(1),
                Duration = TimeSpan.FromSeconds(seconds),
            });
            m.LeakedGrants += r.Leaks.GrantsMapped + r.Leaks.GrantsPinned + r.Leaks.GrantsInUse;
            if (r.FrontendExitCode != 0 || !r.VifStayedConnected || !r.Leaks.IsClean || !r.MemoryReleased)
            {
                m.Failures.Add($"{(mixed ? "64 B + " : string.Empty)}{size} B: guest exit {r.FrontendExitCode}, vif {(r.VifStayedConnected ? "connected" : r.DisconnectReason)}, leaks {r.Leaks}; {r.FrontendOutput.Trim()}");
            }

            foreach (CrossProcessMeasurement x in r.Interleaved)
            {
                bool adaptive = x.Mode == NetbackMode.Adaptive;
                m.Rows.Add(new Row(NetbackOptions.Name(x.Mode), size, mixed, x.Gbps, x.Mpps, x.CpuNsPerPacket, x.BytesCopied, x.GrantMaps, x.GrantCopies, x.Mmaps,
                    adaptive ? AdaptiveRow.For(size, r.Adaptive, r.AdaptiveAtMeasurementStart) : null,
                    adaptive && mixed ? AdaptiveRow.For(GuestTransmitter.SmallPacket, r.Adaptive, r.AdaptiveAtMeasurementStart) : null)
                {
                    SliceGbps = x.SliceGbps,
                });
                progress.Report(m.Rows.Count);
            }
        }

        return m;
    }

    /// <summary>In process, like across processes: one guest and netback per size, the modes taking turns in slices
    /// of 40 ms (after 4 ms not counted), rotating the order each round; half a second of warm-up the same way.</summary>
    private static Measured MeasureInProcess(Workload[] workloads, NetbackMode[] modes, double seconds, Progress progress)
    {
        var m = new Measured();
        int n = modes.Length;
        foreach ((int size, bool mixed) in workloads)
        {
            var bench = new NetbackBench(modes[0], size, StopwatchWorkClock.Instance, mixed ? GuestWorkload.Mix : GuestWorkload.Bench);
            var sums = new Slices[n];
            for (int i = 0; i < n; i++)
            {
                sums[i] = new Slices();
            }

            IReadOnlyList<AdaptiveSizeClass> warmedUp = [];
            int warmUp = 12 * n; // the first 12 rounds (half a second) warm every mode up
            for (int slice = 0, rounds = (int)Math.Ceiling(seconds / 0.04); slice < (rounds * n) + warmUp; slice++)
            {
                if (slice == warmUp)
                {
                    warmedUp = bench.AdaptiveClasses;
                }

                int current = ModeRotation.ModeAt(slice, n);
                bench.Mode = modes[current];
                RunFor(bench, 0.004, timeCpu: false);
                bool warm = slice >= warmUp;
                var before = new Counters(bench);
                Timed t = RunFor(bench, 0.04, timeCpu: warm);
                if (warm)
                {
                    sums[current].Add(before, new Counters(bench), t);
                }
            }

            for (int i = 0; i < n; i++)
            {
                Slices x = sums[i];
                double gbps = x.Seconds > 0 ? x.Bytes * 8.0 / x.Seconds / 1e9 : 0;
                bool adaptive = modes[i] == NetbackMode.Adaptive;
                m.Rows.Add(new Row(NetbackOptions.Name(modes[i]), size, mixed, gbps, x.Seconds > 0 ? x.Packets / x.Seconds / 1e6 : 0, x.Packets > 0 ? x.CpuNs / x.Packets : 0,
                    x.Copied, x.Maps, x.Copies, null, adaptive ? AdaptiveRow.For(size, bench.AdaptiveClasses, warmedUp) : null,
                    adaptive && mixed ? AdaptiveRow.For(GuestTransmitter.SmallPacket, bench.AdaptiveClasses, warmedUp) : null)
                {
                    SliceGbps = x.SliceGbps,
                });
                progress.Report(m.Rows.Count);
            }

            bench.Dispose();
            m.LeakedGrants += bench.Leaks.GrantsMapped + bench.Leaks.GrantsPinned;
            if (!bench.Leaks.IsClean)
            {
                m.Failures.Add($"{size} B: leaks {bench.Leaks}");
            }
        }

        return m;
    }

    /// <summary>Runs <paramref name="bench"/> for <paramref name="seconds"/> of wall time; returns the packets, the
    /// wall time and (if <paramref name="timeCpu"/>) the process's CPU time it took.</summary>
    private static Timed RunFor(NetbackBench bench, double seconds, bool timeCpu)
    {
        long start = Stopwatch.GetTimestamp();
        TimeSpan cpu = timeCpu ? Process.GetCurrentProcess().TotalProcessorTime : default;
        long packets = 0;
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds)
        {
            packets += bench.Run(64);
        }

        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new Timed(packets, elapsed, timeCpu ? (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalNanoseconds : 0);
    }

    /// <summary>What one <see cref="RunFor"/> took.</summary>
    private readonly record struct Timed(long Packets, double Seconds, double CpuNs);

    /// <summary>The bench's counters at one moment.</summary>
    private readonly record struct Counters(long Bytes, long Copied, long Maps, long Copies)
    {
        public Counters(NetbackBench b)
            : this(b.Bytes, b.BytesCopied, b.GrantMaps, b.GrantCopies)
        {
        }
    }

    /// <summary>One mode's measured slices, summed.</summary>
    private sealed class Slices
    {
        public long Packets { get; private set; }

        public double Seconds { get; private set; }

        public double CpuNs { get; private set; }

        public long Bytes { get; private set; }

        public long Copied { get; private set; }

        public long Maps { get; private set; }

        public long Copies { get; private set; }

        public List<double> SliceGbps { get; } = [];

        /// <summary>Adds one slice: the counters before and after it, and what running it took.</summary>
        public void Add(Counters a, Counters b, Timed t)
        {
            SliceGbps.Add(t.Seconds > 0 ? (b.Bytes - a.Bytes) * 8.0 / t.Seconds / 1e9 : 0);
            Packets += t.Packets;
            Seconds += t.Seconds;
            CpuNs += t.CpuNs;
            Bytes += b.Bytes - a.Bytes;
            Copied += b.Copied - a.Copied;
            Maps += b.Maps - a.Maps;
            Copies += b.Copies - a.Copies;
        }
    }

    private sealed class Measured
    {
        public List<Row> Rows { get; } = [];

        public List<string> Failures { get; } = [];

        public long LeakedGrants { get; set; }
    }

    /// <summary>What the guest sends: packets of <paramref name="Size"/> bytes, or (<paramref name="Mix"/>) 64-byte
    /// packets and packets of that size in turn.</summary>
    private readonly record struct Workload(int Size, bool Mix);

    /// <summary>One mode under one workload. <paramref name="AdaptiveSmall"/>: in a mix, what adaptive learned for the
    /// 64-byte packets.</summary>
    private sealed record Row(string Mode, int Size, bool Mix, double Gbps, double Mpps, double CpuNsPerPacket, long BytesCopied, long GrantMaps, long GrantCopies, long? Mmaps,
        AdaptiveRow? Adaptive, AdaptiveRow? AdaptiveSmall)
    {
        /// <summary>Adaptive's throughput against the best fixed mode of the same workload, round by round.</summary>
        public VersusRow? VsBest { get; set; }

        /// <summary>Each measured slice's Gbit/s, in order (for <see cref="VsBest"/>; not printed).</summary>
        [JsonIgnore]
        public IReadOnlyList<double> SliceGbps { get; init; } = [];
    }

    /// <summary>Adaptive against <paramref name="Mode"/>, the fixed mode with the most Gbit/s of the same workload:
    /// the median of the rounds' throughput ratios and its 95 % interval (<see cref="SliceComparison"/>).</summary>
    private sealed record VersusRow(string Mode, double Ratio, double Low, double High, int Rounds)
    {
        /// <summary>Fills in <see cref="Row.VsBest"/> for every adaptive row that has fixed modes beside it.</summary>
        public static void Fill(List<Row> rows)
        {
            foreach (Row a in rows.Where(r => r.Mode == NetbackOptions.Name(NetbackMode.Adaptive)))
            {
                Row? best = rows.Where(r => r.Size == a.Size && r.Mix == a.Mix && r != a).MaxBy(r => r.Gbps);
                if (best is not null && SliceComparison.Of(a.SliceGbps, best.SliceGbps) is { } c)
                {
                    a.VsBest = new VersusRow(best.Mode, Math.Round(c.Ratio, 4), Math.Round(c.Low, 4), Math.Round(c.High, 4), c.Rounds);
                }
            }
        }
    }

    /// <summary>What adaptive learned for the size class of the measured packets; <paramref name="MeasuredShare"/>: the
    /// share of the class's packets it sent in each mode while it was measured (after the warm-up).</summary>
    private sealed record AdaptiveRow(string? Chosen, IReadOnlyDictionary<string, double> NsPerPacket, long Probes, long Switches, long Restarts,
        IReadOnlyDictionary<string, double> MeasuredShare)
    {
        public static AdaptiveRow? For(int size, IReadOnlyList<AdaptiveSizeClass> classes, IReadOnlyList<AdaptiveSizeClass> atStart)
        {
            if (Find(size, classes) is not { } c)
            {
                return null;
            }

            AdaptiveSizeClass? before = Find(size, atStart);
            var measured = c.PacketsByMode.ToDictionary(kv => kv.Key, kv => kv.Value - (before?.PacketsByMode.GetValueOrDefault(kv.Key) ?? 0));
            double total = measured.Values.Sum();
            return new AdaptiveRow(
                c.Chosen is { } mode ? NetbackOptions.Name(mode) : null,
                c.NsPerPacket.ToDictionary(kv => NetbackOptions.Name(kv.Key), kv => Math.Round(kv.Value, 1)),
                c.Probes,
                c.Switches,
                c.Restarts,
                measured.ToDictionary(kv => NetbackOptions.Name(kv.Key), kv => total > 0 ? Math.Round(kv.Value / total, 5) : 0));
        }

        private static AdaptiveSizeClass? Find(int size, IReadOnlyList<AdaptiveSizeClass> classes) =>
            classes.FirstOrDefault(c => c.MinSize <= size && size <= c.MaxSize);
    }
}
