using System.CommandLine;
using FragNet.Xen.Testbed;

namespace FragNet.Cli;

/// <summary><c>fragnet xen …</c>: the Xen split network driver.</summary>
internal static class XenCommand
{
    public static Command Create()
    {
        var xen = new Command("xen", "The Xen split network driver: netfront/netback over grant tables and shared rings.");
        xen.Subcommands.Add(CreateHostile());
        return xen;
    }

    private static Command CreateHostile()
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var command = new Command("hostile", "Run every hostile-guest case against netback (in-process) and show how each was handled.") { json };
        command.SetAction(parse =>
        {
            var progress = new Progress("hostile", HostileMatrix.CaseNames.Count);
            var rows = new List<(HostileCaseResult Result, XenLeakReport Leaks)>();
            foreach (string name in HostileMatrix.CaseNames)
            {
                rows.Add(HostileMatrix.Run(name));
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
                w.WriteLine($"{"case",-26} {"handled",-8} {"alive",-6} expected / observed");
                foreach ((HostileCaseResult r, XenLeakReport _) in rows)
                {
                    w.WriteLine($"{r.Name,-26} {(r.Handled ? "yes" : "NO"),-8} {(r.BackendAlive ? "yes" : "NO"),-6} {r.Expected} / {r.Observed}");
                }

                w.WriteLine($"leaked grants {leakedGrants}, leaked pages {leakedPages}");
                w.WriteLine(ok ? "PASS: every case handled" : "FAIL: a case was not handled or something leaked");
            }

            return ok ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }
}
