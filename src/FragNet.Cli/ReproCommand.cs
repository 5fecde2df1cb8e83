using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FragNet.Nfs.Repro;
using FragNet.SunRpc.Client;

namespace FragNet.Cli;

/// <summary><c>fragnet repro …</c>: the talk's experiments, deterministic.</summary>
internal static class ReproCommand
{
    internal static readonly (string Name, PageSendPolicy Policy)[] Policies =
    [
        ("unsafe", PageSendPolicy.Unsafe),
        ("copy", PageSendPolicy.Copy),
        ("copy-on-retransmit", PageSendPolicy.CopyOnRetransmit),
        ("destructor", PageSendPolicy.Destructor),
        ("destructor-timeout", PageSendPolicy.DestructorTimeout),
    ];

    public static Command Create()
    {
        var repro = new Command("repro", "Reproduce the talk's experiments on the simulated network, in virtual time.");
        repro.Subcommands.Add(CreateNfsWrite());
        return repro;
    }

    internal static string NameOf(PageSendPolicy policy) => Array.Find(Policies, p => p.Policy == policy).Name;

    /// <summary>The policy named <paramref name="name"/> (as the CLI spells them), or false.</summary>
    internal static bool TryParsePolicy(string? name, out PageSendPolicy policy)
    {
        int i = Array.FindIndex(Policies, p => p.Name == name);
        policy = i >= 0 ? Policies[i].Policy : default;
        return i >= 0;
    }

    private static Command CreateNfsWrite()
    {
        string names = string.Join(", ", Policies.Select(p => p.Name));
        var policy = new Option<string>("--policy") { Description = $"Send policy for WRITE pages: {names}, or all.", DefaultValueFactory = _ => "all" };
        var size = new Option<int>("--size") { Description = "Bytes per application write (SIZE).", DefaultValueFactory = _ => 65536 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds of (0xAA at 0, 0x55 at SIZE), one new file each.", DefaultValueFactory = _ => 8 };
        var delayOneIn = new Option<int>("--delay-one-in") { Description = "A server→client frame stalls that direction with probability 1/N (netoutage); 0 for none.", DefaultValueFactory = _ => 8 };
        var delay = new Option<double>("--delay") { Description = "Seconds each stall lasts.", DefaultValueFactory = _ => 60 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the faults, xids and sequence numbers.", DefaultValueFactory = _ => 1 };
        var pcapDir = new Option<DirectoryInfo?>("--pcap-dir") { Description = "Write one pcap per policy here (DIR/unsafe.pcap, …)." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        policy.Validators.Add(r =>
        {
            string v = r.GetValueOrDefault<string>() ?? string.Empty;
            if (v != "all" && Array.FindIndex(Policies, p => p.Name == v) < 0)
            {
                r.AddError($"--policy must be one of {names}, or all (got '{v}').");
            }
        });
        size.Validators.Add(r =>
        {
            if (!r.TryGetValue(out int v))
            {
                return; // the parser reports the unparsable value itself
            }

            if (v is <= 0 or > 16 << 20)
            {
                r.AddError("--size must be between 1 and 16777216 bytes.");
            }
        });
        rounds.Validators.Add(r =>
        {
            if (!r.TryGetValue(out int v))
            {
                return; // the parser reports the unparsable value itself
            }

            if (v is <= 0 or > 10_000)
            {
                r.AddError("--rounds must be between 1 and 10000.");
            }
        });
        delayOneIn.Validators.Add(r =>
        {
            if (r.TryGetValue(out int v) && v < 0)
            {
                r.AddError("--delay-one-in must be 0 (no faults) or more.");
            }
        });
        delay.Validators.Add(r =>
        {
            if (!r.TryGetValue(out double v))
            {
                return; // the parser reports the unparsable value itself
            }

            if (v is < 0 or > 86_400 || double.IsNaN(v))
            {
                r.AddError("--delay must be between 0 and 86400 seconds.");
            }
        });

        var command = new Command("nfs-write", "The talk's NFS write experiment: zero-copy WRITEs, a 60 s netoutage, a rewritten buffer — compared across send policies.")
        {
            policy, size, rounds, delayOneIn, delay, seed, pcapDir, json,
        };
        command.SetAction(parse =>
        {
            string chosen = parse.GetValue(policy)!;
            var run = chosen == "all" ? Policies : Policies.Where(p => p.Name == chosen).ToArray();
            DirectoryInfo? dir = parse.GetValue(pcapDir);
            try
            {
                dir?.Create();
                if (dir is not null)
                {
                    string probe = Path.Combine(dir.FullName, ".fragnet-write-test");
                    File.WriteAllBytes(probe, []);
                    File.Delete(probe);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"fragnet: --pcap-dir {dir!.FullName}: {e.Message}");
                return ExitCodes.Usage;
            }

            var baseOptions = new NfsWriteOptions
            {
                Size = parse.GetValue(size),
                Rounds = parse.GetValue(rounds),
                DelayOneIn = parse.GetValue(delayOneIn),
                Delay = Duration.FromSeconds(parse.GetValue(delay)),
                Seed = parse.GetValue(seed),
            };
            var rows = new List<PolicyRow>();
            foreach ((string name, PageSendPolicy p) in run)
            {
                string? pcapPath = dir is null ? null : Path.Combine(dir.FullName, name + ".pcap");
                using FileStream? capture = pcapPath is null ? null : File.Create(pcapPath);
                var progress = new Progress(name, baseOptions.Rounds * 2);
                long start = Stopwatch.GetTimestamp();
                NfsWriteReport report = NfsWriteExperiment.Run(baseOptions with { Policy = p, Capture = capture }, (done, _) => progress.Report(done));
                double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
                progress.Done();
                rows.Add(new PolicyRow(name, report, wall, pcapPath));
            }

            string filter = rows[0].Report.TcpdumpFilter;
            bool ok = rows.All(r => r.Report.Error is null && r.Report.Leaks == 0
                && (r.Report.Policy == PageSendPolicy.Unsafe || (r.Report.WireCorruptions == 0 && r.Report.DiskCorruptions == 0)));
            if (parse.GetValue(json))
            {
                CliJson.Write(new
                {
                    seed = baseOptions.Seed,
                    size = baseOptions.Size,
                    rounds = baseOptions.Rounds,
                    delayOneIn = baseOptions.DelayOneIn,
                    delaySeconds = baseOptions.Delay.TotalSeconds,
                    tcpdumpFilter = filter,
                    policies = rows.Select(r => new
                    {
                        policy = r.Name,
                        writes = r.Report.Writes,
                        rpcRetransmits = r.Report.RpcRetransmits,
                        tcpRetransmits = r.Report.TcpRetransmits,
                        wireCorruptions = r.Report.WireCorruptions,
                        diskCorruptions = r.Report.DiskCorruptions,
                        bytesCopied = r.Report.BytesCopied,
                        p50Ms = Math.Round(r.Report.P50Ms, 3),
                        p99Ms = Math.Round(r.Report.P99Ms, 3),
                        pcap = r.Pcap,
                        releaseWaitMs = Math.Round(r.Report.ReleaseWaitMs, 3),
                        wireWrites = r.Report.WireWrites,
                        filterMatches = r.Report.FilterMatches,
                        unparsedBytes = r.Report.UnparsedBytes,
                        corruptedFrames = r.Report.CorruptedFrames,
                        stalls = r.Report.Stalls,
                        frames = r.Report.Frames,
                        virtualSeconds = Math.Round(r.Report.VirtualSeconds, 6),
                        wallSeconds = Math.Round(r.Wall, 3),
                        leaks = r.Report.Leaks,
                        error = r.Report.Error,
                    }),
                    passed = ok,
                });
            }
            else
            {
                PrintTable(baseOptions, rows, filter, ok);
            }

            return ok ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static void PrintTable(NfsWriteOptions o, List<PolicyRow> rows, string filter, bool ok)
    {
        TextWriter w = Console.Out;
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"NFS write experiment: {o.Rounds} rounds of {o.Size:N0} bytes (0xAA at 0, then 0x55 at {o.Size:N0}), 1 in {o.DelayOneIn} server->client frames stalls for {o.Delay.TotalSeconds:0.###} s, seed {o.Seed}"));
        w.WriteLine();
        w.WriteLine($"{"policy",-19} {"writes",6} {"rpc-rtx",7} {"tcp-rtx",7} {"wire-corrupt",12} {"disk-corrupt",12} {"copied",12} {"p50 ms",10} {"p99 ms",10} {"release ms",10} {"virtual s",10} {"wall s",7}");
        foreach (PolicyRow r in rows)
        {
            NfsWriteReport x = r.Report;
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name,-19} {x.Writes,6} {x.RpcRetransmits,7} {x.TcpRetransmits,7} {x.WireCorruptions,12} {x.DiskCorruptions,12:N0} {x.BytesCopied,12:N0} {x.P50Ms,10:0.###} {x.P99Ms,10:0.###} {x.ReleaseWaitMs,10:0.###} {x.VirtualSeconds,10:0.###} {r.Wall,7:0.00}"));
            if (x.Error is not null)
            {
                w.WriteLine($"  error: {x.Error}");
            }

            if (x.Leaks != 0)
            {
                w.WriteLine($"  LEAK: {x.Leaks} pages, buffers or destructors not returned");
            }

            if (r.Pcap is not null)
            {
                w.WriteLine($"  pcap {r.Pcap}: {x.Frames:N0} frames, {x.FilterMatches} match the filter");
            }
        }

        w.WriteLine();
        w.WriteLine("tcpdump expression for a corrupted WRITE (the talk's 'host $SERVER and ip[184:4] == 0x55555555' for FragNet's frames):");
        w.WriteLine($"  {filter}");
        w.WriteLine(ok ? "PASS: only the unsafe policy corrupts" : "FAIL: a safe policy corrupted data, a run failed or something leaked");
    }

    private sealed record PolicyRow(string Name, NfsWriteReport Report, double Wall, string? Pcap);
}
