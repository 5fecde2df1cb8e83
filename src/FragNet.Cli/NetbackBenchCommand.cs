using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FragNet.Xen.Netif;
using FragNet.Xen.Testbed;

namespace FragNet.Cli;

/// <summary><c>fragnet bench netback</c>: guest → netback → sink throughput per mode and packet size.</summary>
internal static class NetbackBenchCommand
{
    private static readonly (string Name, NetbackMode Mode)[] Modes =
    [
        ("copy", NetbackMode.Copy),
        ("map-foreign", NetbackMode.MapForeign),
        ("map-destructor", NetbackMode.MapDestructor),
        ("copy-header-map-rest", NetbackMode.CopyHeaderMapRest),
        ("adaptive", NetbackMode.Adaptive),
    ];

    public static Command Create()
    {
        string names = string.Join(",", Modes.Select(m => m.Name));
        var crossProcess = new Option<bool>("--cross-process") { Description = "Backend and frontend in separate processes (memfd, eventfd)." };
        var mapping = new Option<string>("--mapping") { Description = "Cross-process mapping model: per-grant or premapped.", DefaultValueFactory = _ => "premapped" };
        var sizes = new Option<string>("--sizes") { Description = "Packet sizes in bytes, comma-separated (14..65535).", DefaultValueFactory = _ => "64,1500,65536" };
        var modes = new Option<string>("--modes") { Description = $"Netback modes, comma-separated: {names}.", DefaultValueFactory = _ => names };
        var seconds = new Option<double>("--seconds") { Description = "Wall time per measurement.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        mapping.Validators.Add(r =>
        {
            string v = r.GetValueOrDefault<string>() ?? string.Empty;
            if (v is not ("per-grant" or "premapped"))
            {
                r.AddError($"--mapping must be per-grant or premapped (got '{v}').");
            }
        });
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
                if (Array.FindIndex(Modes, m => m.Name == part) < 0)
                {
                    r.AddError($"--modes: '{part}' is not one of {names}.");
                }
            }
        });
        seconds.Validators.Add(r =>
        {
            if (r.TryGetValue(out double v) && (v is <= 0 or > 600 || double.IsNaN(v)))
            {
                r.AddError("--seconds must be between 0 and 600.");
            }
        });

        var command = new Command("netback", "Guest → netback → stack sink throughput for each netback mode and packet size.")
        {
            crossProcess, mapping, sizes, modes, seconds, json,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(crossProcess))
            {
                Console.Error.WriteLine("fragnet: --cross-process is not built yet: the backend and frontend processes (memfd guest memory, eventfd notifications) are still to come; run without it for the in-process measurement.");
                return ExitCodes.Failed;
            }

            // 65,536 is the conventional name for the largest packet; a netif size field holds at most 65,535.
            int[] sizeList = [.. parse.GetValue(sizes)!.Split(',').Select(p => Math.Min(65535, int.Parse(p, CultureInfo.InvariantCulture)))];
            var modeList = parse.GetValue(modes)!.Split(',').Select(n => Array.Find(Modes, m => m.Name == n)).ToArray();
            double budget = parse.GetValue(seconds);
            int threshold = 2048;
            var results = new List<Row>();
            long leakedGrants = 0;
            long ignored = 0;
            foreach (int size in sizeList)
            {
                foreach ((string name, NetbackMode mode) in modeList)
                {
                    Measure(name, mode, size, Math.Min(budget, 0.2), threshold, ref ignored); // warm every path up first
                }
            }

            foreach (int size in sizeList)
            {
                foreach ((string name, NetbackMode mode) in modeList)
                {
                    Row row = Measure(name, mode, size, budget, threshold, ref leakedGrants);
                    results.Add(row);
                }
            }

            int? crossover = sizeList.Order().Cast<int?>().FirstOrDefault(s =>
                results.FirstOrDefault(r => r.Mode == "map-destructor" && r.Size == s)?.Gbps >= results.FirstOrDefault(r => r.Mode == "copy" && r.Size == s)?.Gbps);
            if (parse.GetValue(json))
            {
                CliJson.Write(new { deployment = "in-process", results, crossoverSize = crossover, leakedGrants });
            }
            else
            {
                Console.Out.WriteLine($"{"mode",-22} {"size",6} {"Gbit/s",8} {"Mpps",8} {"ns/pkt",9} {"copied MB",10} {"maps",10} {"copies",10}");
                foreach (Row r in results)
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.Mode,-22} {r.Size,6} {r.Gbps,8:0.00} {r.Mpps,8:0.000} {r.CpuNsPerPacket,9:0} {r.BytesCopied / 1e6,10:0.0} {r.GrantMaps,10} {r.GrantCopies,10}"));
                }

                Console.Out.WriteLine(crossover is int c
                    ? $"map-destructor matches or beats copy from {c} bytes (of the sizes measured)"
                    : "map-destructor did not beat copy at any size measured");
                Console.Out.WriteLine($"in-process deployment; leaked grants {leakedGrants}");
            }

            return leakedGrants == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Row Measure(string name, NetbackMode mode, int size, double seconds, int threshold, ref long leakedGrants)
    {
        var bench = new NetbackBench(mode, size, threshold);
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
        var row = new Row(name, size, packets * (double)size * 8 / elapsed / 1e9, packets / elapsed / 1e6, cpuNs / packets,
            bench.BytesCopied - copiedBefore, bench.GrantMaps - mapsBefore, bench.GrantCopies - copiesBefore);
        bench.Dispose();
        leakedGrants += bench.Leaks.GrantsMapped + bench.Leaks.GrantsPinned;
        return row;
    }

    private sealed record Row(string Mode, int Size, double Gbps, double Mpps, double CpuNsPerPacket, long BytesCopied, long GrantMaps, long GrantCopies);
}
