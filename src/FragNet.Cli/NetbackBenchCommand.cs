using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
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
        Option<double> seconds = NetbackOptions.SecondsOption();
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
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

        var command = new Command("netback", "Guest → netback → stack sink throughput for each netback mode and packet size.")
        {
            crossProcess, mapping, sizes, modes, seconds, json,
        };
        command.SetAction(parse =>
        {
            // 65,536 is the conventional name for the largest packet; a netif size field holds at most 65,535.
            int[] sizeList = [.. parse.GetValue(sizes)!.Split(',').Select(p => Math.Min(65535, int.Parse(p, CultureInfo.InvariantCulture)))];
            NetbackMode[] modeList = [.. parse.GetValue(modes)!.Split(',').Select(n => NetbackOptions.Parse(n)!.Value)];
            double budget = parse.GetValue(seconds);
            bool cross = parse.GetValue(crossProcess);
            MappingModel model = NetbackOptions.ParseMapping(parse.GetValue(mapping)!);
            var progress = new Progress("netback", sizeList.Length * modeList.Length);
            Measured run = cross ? MeasureCrossProcess(sizeList, modeList, budget, model, progress) : MeasureInProcess(sizeList, modeList, budget, progress);
            progress.Done();
            List<Row> results = run.Rows;
            int? crossover = sizeList.Order().Cast<int?>().FirstOrDefault(s =>
                results.FirstOrDefault(r => r.Mode == "map-destructor" && r.Size == s)?.Gbps >= results.FirstOrDefault(r => r.Mode == "copy" && r.Size == s)?.Gbps);
            string deployment = cross ? $"cross-process ({NetbackOptions.Name(model)})" : "in-process";
            if (parse.GetValue(json))
            {
                CliJson.Write(new { deployment, results, crossoverSize = crossover, leakedGrants = run.LeakedGrants, failures = run.Failures });
            }
            else
            {
                Console.Out.WriteLine($"{"mode",-22} {"size",6} {"Gbit/s",8} {"Mpps",8} {"ns/pkt",9} {"copied MB",10} {"maps",10} {"copies",10}{(cross ? $" {"mmaps",10}" : string.Empty)}");
                foreach (Row r in results)
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Mode,-22} {r.Size,6} {r.Gbps,8:0.00} {r.Mpps,8:0.000} {r.CpuNsPerPacket,9:0} {r.BytesCopied / 1e6,10:0.0} {r.GrantMaps,10} {r.GrantCopies,10}{(cross ? $" {r.Mmaps,10}" : string.Empty)}"));
                }

                foreach (Row r in results.Where(r => r.AdaptiveThreshold is not null))
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"adaptive at {r.Size} B: measured threshold {(r.AdaptiveThreshold == int.MaxValue ? "never map" : $"{r.AdaptiveThreshold} B")} (map {r.MapNsPerPage:0} ns/page, copy {r.CopyFixedNs:0} ns + {r.CopyNsPerByte:0.000} ns/B)"));
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

    private static Measured MeasureCrossProcess(int[] sizes, NetbackMode[] modes, double seconds, MappingModel model, Progress progress)
    {
        var m = new Measured();
        FrontendCommand frontend = FrontendCommand.ThisProcess();
        foreach (int size in sizes)
        {
            foreach (NetbackMode mode in modes)
            {
                CrossProcessReport r = CrossProcessSession.Run(new CrossProcessOptions
                {
                    Frontend = frontend,
                    Mode = mode,
                    Mapping = model,
                    PacketSize = size,
                    Warmup = TimeSpan.FromSeconds(0.5),
                    Duration = TimeSpan.FromSeconds(seconds),
                });
                m.LeakedGrants += r.Leaks.GrantsMapped + r.Leaks.GrantsPinned + r.Leaks.GrantsInUse;
                if (r.FrontendExitCode != 0 || !r.VifStayedConnected || !r.Leaks.IsClean || !r.MemoryReleased)
                {
                    m.Failures.Add($"{NetbackOptions.Name(mode)} at {size} B: guest exit {r.FrontendExitCode}, vif {(r.VifStayedConnected ? "connected" : r.DisconnectReason)}, leaks {r.Leaks}; {r.FrontendOutput.Trim()}");
                }

                AdaptiveCalibration? cal = r.Calibration;
                m.Rows.Add(new Row(NetbackOptions.Name(mode), size, r.Gbps, r.Mpps, r.CpuNsPerPacket, r.BytesCopied, r.GrantMaps, r.GrantCopies, r.Mmaps,
                    cal?.Threshold, cal?.MapNsPerPage, cal?.CopyFixedNs, cal?.CopyNsPerByte));
                progress.Report(m.Rows.Count);
            }
        }

        return m;
    }

    private static Measured MeasureInProcess(int[] sizes, NetbackMode[] modes, double seconds, Progress progress)
    {
        var m = new Measured();
        AdaptiveCalibration calibration = CalibrateInProcess();
        long ignored = 0;
        foreach (int size in sizes)
        {
            foreach (NetbackMode mode in modes)
            {
                Measure(NetbackOptions.Name(mode), mode, size, Math.Min(seconds, 0.2), calibration, ref ignored); // warm every path up first
            }
        }

        foreach (int size in sizes)
        {
            foreach (NetbackMode mode in modes)
            {
                long leaked = 0;
                m.Rows.Add(Measure(NetbackOptions.Name(mode), mode, size, seconds, calibration, ref leaked));
                m.LeakedGrants += leaked;
                progress.Report(m.Rows.Count);
            }
        }

        return m;
    }

    /// <summary>The adaptive threshold for the in-process deployment, measured on a pair's ring grant.</summary>
    private static AdaptiveCalibration CalibrateInProcess()
    {
        using var pair = new XenPair();
        uint txRef = pair.Xen.Store.ReadUInt(pair.Front.DevicePath + "/tx-ring-ref") ?? throw new InvalidOperationException("no tx-ring-ref");
        return AdaptiveCalibration.Measure(pair.Xen, pair.Dom0, pair.Guest, txRef, pair.BackendCache);
    }

    private static Row Measure(string name, NetbackMode mode, int size, double seconds, AdaptiveCalibration calibration, ref long leakedGrants)
    {
        var bench = new NetbackBench(mode, size, calibration.Threshold);
        bench.Run(1000); // warm up
        long copiedBefore = bench.BytesCopied;
        long mapsBefore = bench.GrantMaps;
        long copiesBefore = bench.GrantCopies;
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        long packets = 0;
        long batch = 2000;
        while (Stopwatch.GetElapsedTime(start).TotalSeconds < seconds)
        {
            packets += bench.Run(batch);
        }

        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        double cpuNs = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds * 1e6;
        bool adaptive = mode == NetbackMode.Adaptive;
        var row = new Row(name, size, packets * (double)size * 8 / elapsed / 1e9, packets / elapsed / 1e6, cpuNs / packets,
            bench.BytesCopied - copiedBefore, bench.GrantMaps - mapsBefore, bench.GrantCopies - copiesBefore, null,
            adaptive ? calibration.Threshold : null, adaptive ? calibration.MapNsPerPage : null, adaptive ? calibration.CopyFixedNs : null, adaptive ? calibration.CopyNsPerByte : null);
        bench.Dispose();
        leakedGrants += bench.Leaks.GrantsMapped + bench.Leaks.GrantsPinned;
        return row;
    }

    private sealed class Measured
    {
        public List<Row> Rows { get; } = [];

        public List<string> Failures { get; } = [];

        public long LeakedGrants { get; set; }
    }

    private sealed record Row(string Mode, int Size, double Gbps, double Mpps, double CpuNsPerPacket, long BytesCopied, long GrantMaps, long GrantCopies, long? Mmaps,
        int? AdaptiveThreshold, double? MapNsPerPage, double? CopyFixedNs, double? CopyNsPerByte);
}
