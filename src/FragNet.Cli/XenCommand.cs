using System.CommandLine;
using System.Globalization;
using FragNet.Xen.CrossProcess;
using FragNet.Xen.Host;
using FragNet.Xen.Netif;
using FragNet.Xen.Testbed;

namespace FragNet.Cli;

/// <summary><c>fragnet xen …</c>: the Xen split network driver.</summary>
internal static class XenCommand
{
    public static Command Create()
    {
        var xen = new Command("xen", "The Xen split network driver: netfront/netback over grant tables and shared rings.");
        xen.Subcommands.Add(CreateHostile());
        xen.Subcommands.Add(CreateBackend());
        xen.Subcommands.Add(CreateFrontend());
        return xen;
    }

    private static Command CreateHostile()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("hostile", "Run every hostile-guest case against netback (in-process, plus the double fetch from a guest process) and show how each was handled.") { json };
        command.SetAction(parse =>
        {
            var progress = new Progress("hostile", HostileMatrix.CaseNames.Count + CrossProcessHostile.CaseNames.Count);
            var rows = new List<(HostileCaseResult Result, XenLeakReport Leaks)>();
            foreach (string name in HostileMatrix.CaseNames)
            {
                rows.Add(HostileMatrix.Run(name));
                progress.Report(rows.Count);
            }

            foreach (string name in CrossProcessHostile.CaseNames)
            {
                rows.Add(CrossProcessHostile.Run(name, FrontendCommand.ThisProcess()));
                progress.Report(rows.Count);
            }

            progress.Done();
            long leakedGrants = rows.Sum(r => (long)r.Leaks.GrantsMapped + r.Leaks.GrantsPinned);
            long leakedPages = rows.Sum(r => r.Leaks.PagesOutstanding);
            bool ok = rows.All(r => r.Result.Handled) && leakedGrants == 0 && leakedPages == 0;
            if (parse.GetValue(json))
            {
                CliJson.Write(new
                {
                    cases = rows.Select(r => new
                    {
                        name = r.Result.Name,
                        expected = r.Result.Expected,
                        observed = r.Result.Observed,
                        handled = r.Result.Handled,
                        backendAlive = r.Result.BackendAlive,
                    }),
                    leakedGrants,
                    leakedPages,
                    passed = ok,
                });
            }
            else
            {
                TextWriter w = Console.Out;
                w.WriteLine($"{"case",-38} {"handled",-8} {"alive",-6} expected / observed");
                foreach ((HostileCaseResult r, XenLeakReport _) in rows)
                {
                    w.WriteLine($"{r.Name,-38} {(r.Handled ? "yes" : "NO"),-8} {(r.BackendAlive ? "yes" : "NO"),-6} {r.Expected} / {r.Observed}");
                }

                w.WriteLine($"leaked grants {leakedGrants}, leaked pages {leakedPages}");
                w.WriteLine(ok ? "PASS: every case handled" : "FAIL: a case was not handled or something leaked");
            }

            return ok ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Command CreateBackend()
    {
        Option<string> mapping = NetbackOptions.MappingOption();
        var mode = new Option<string>("--mode") { Description = $"Netback mode: {NetbackOptions.All}.", DefaultValueFactory = _ => "map-destructor" };
        var size = new Option<int>("--size") { Description = "Bytes per packet (bench workload, 14..65535).", DefaultValueFactory = _ => 1500 };
        var workload = new Option<string>("--workload") { Description = "bench (one size), verify (random sizes and offsets, every byte checked) double-fetch (a hostile guest) or mix (64-byte packets and --size packets in turn).", DefaultValueFactory = _ => "verify" };
        Option<double> seconds = NetbackOptions.SecondsOption();
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        mode.Validators.Add(r =>
        {
            if (NetbackOptions.Parse(r.GetValueOrDefault<string>() ?? string.Empty) is null)
            {
                r.AddError($"--mode must be one of {NetbackOptions.All}.");
            }
        });
        size.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 14 or > 65535)
            {
                r.AddError("--size must be between 14 and 65535.");
            }
        });
        workload.Validators.Add(r =>
        {
            if (ParseWorkload(r.GetValueOrDefault<string>() ?? string.Empty) is null)
            {
                r.AddError("--workload must be bench, verify, double-fetch or mix.");
            }
        });
        var command = new Command("backend", "Run netback here and a guest (xen frontend) in a child process: memfd guest memory, eventfd event channels.")
        {
            mapping, mode, size, workload, seconds, json,
        };
        command.SetAction(parse =>
        {
            CrossProcessReport r = CrossProcessSession.Run(new CrossProcessOptions
            {
                Frontend = FrontendCommand.ThisProcess(),
                Mode = NetbackOptions.Parse(parse.GetValue(mode)!)!.Value,
                Mapping = NetbackOptions.ParseMapping(parse.GetValue(mapping)!),
                Workload = ParseWorkload(parse.GetValue(workload)!)!.Value,
                PacketSize = parse.GetValue(size),
                Duration = TimeSpan.FromSeconds(parse.GetValue(seconds)),
            });
            bool ok = r.FrontendExitCode == 0 && r.VifStayedConnected && r.Leaks.IsClean && r.MemoryReleased && r.PacketsBad == 0;
            if (parse.GetValue(json))
            {
                CliJson.Write(new
                {
                    mode = NetbackOptions.Name(r.Mode),
                    mapping = NetbackOptions.Name(r.Mapping),
                    r.PacketSize,
                    r.Packets,
                    r.Seconds,
                    r.Gbps,
                    r.Mpps,
                    r.CpuNsPerPacket,
                    r.BytesCopied,
                    r.GrantMaps,
                    r.GrantCopies,
                    r.Mmaps,
                    r.PacketsChecked,
                    r.PacketsBad,
                    drops = r.Drops.ToDictionary(d => d.Key.ToString(), d => d.Value),
                    adaptive = r.Adaptive.Select(c => new
                    {
                        c.MinSize,
                        c.MaxSize,
                        chosen = c.Chosen is { } m ? NetbackOptions.Name(m) : null,
                        c.Packets,
                        c.Probes,
                        c.Switches,
                        nsPerPacket = c.NsPerPacket.ToDictionary(kv => NetbackOptions.Name(kv.Key), kv => Math.Round(kv.Value, 1)),
                    }),
                    guest = r.Guest,
                    r.FrontendExitCode,
                    leaks = r.Leaks,
                    passed = ok,
                });
            }
            else
            {
                TextWriter w = Console.Out;
                w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{NetbackOptions.Name(r.Mode)}, {NetbackOptions.Name(r.Mapping)}: {r.Packets} packets in {r.Seconds:0.00} s, {r.Gbps:0.00} Gbit/s, {r.Mpps:0.000} Mpps, {r.CpuNsPerPacket:0} ns/pkt"));
                w.WriteLine($"netback slept {r.BackendSleeps} times ({r.BackendSleepTimeouts} timed out)");
                w.WriteLine($"checked {r.PacketsChecked}, bad {r.PacketsBad}; grant maps {r.GrantMaps}, copies {r.GrantCopies}, mmaps {r.Mmaps}; drops {string.Join(", ", r.Drops.Select(d => $"{d.Key} {d.Value}"))}");
                foreach (AdaptiveSizeClass c in r.Adaptive)
                {
                    w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"adaptive {c.MinSize}..{c.MaxSize} B: {(c.Chosen is { } m ? NetbackOptions.Name(m) : "nothing yet")} ({string.Join(", ", c.NsPerPacket.Select(kv => $"{NetbackOptions.Name(kv.Key)} {kv.Value:0} ns"))}; {c.Packets} packets, {c.Probes} probes, {c.Switches} switches)"));
                }

                w.WriteLine($"guest: sent {r.Guest.PacketsSent}, answered {r.Guest.PacketsAnswered}, errors {r.Guest.ErrorResponses}, exit {r.FrontendExitCode}");
                w.WriteLine($"leaks: {r.Leaks}");
                if (!string.IsNullOrWhiteSpace(r.FrontendOutput))
                {
                    w.WriteLine(r.FrontendOutput.Trim());
                }

                w.WriteLine(ok ? "PASS" : "FAIL");
            }

            return ok ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    private static Command CreateFrontend()
    {
        var memfd = new Option<int>("--memfd") { Description = "Inherited descriptor of the guest's memory file.", Required = true };
        var bytes = new Option<long>("--memory-bytes") { Description = "Size of the memory file.", Required = true };
        var kick = new Option<int>("--kick-fd") { Description = "Inherited eventfd: guest → backend notifications.", Required = true };
        var call = new Option<int>("--call-fd") { Description = "Inherited eventfd: backend → guest notifications.", Required = true };
        var command = new Command("frontend", "Run a guest's netfront side (started by xen backend with inherited descriptors).") { memfd, bytes, kick, call };
        command.SetAction(parse => CrossProcessGuest.Run(parse.GetValue(memfd), parse.GetValue(bytes), parse.GetValue(kick), parse.GetValue(call), Console.Error));
        return command;
    }

    private static GuestWorkload? ParseWorkload(string name) => name switch
    {
        "bench" => GuestWorkload.Bench,
        "verify" => GuestWorkload.Verify,
        "double-fetch" => GuestWorkload.DoubleFetch,
        "mix" => GuestWorkload.Mix,
        _ => null,
    };
}
