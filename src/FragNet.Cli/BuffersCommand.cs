using System.CommandLine;
using System.Text.Json;
using FragNet.Buffers.Verification;

namespace FragNet.Cli;

/// <summary><c>fragnet buffers …</c>: the buffer core's own tools.</summary>
internal static class BuffersCommand
{
    public static Command Create()
    {
        var buffers = new Command("buffers", "Check and show the buffer core: pages, SkBuff, fragment destructors.");
        buffers.Subcommands.Add(CreateFuzz());
        buffers.Subcommands.Add(CreateTrace());
        return buffers;
    }

    private static Command CreateFuzz()
    {
        var ops = new Option<int>("--ops") { Description = "Steps to run.", DefaultValueFactory = _ => 100_000 };
        ops.Validators.Add(r =>
        {
            if (r.TryGetValue(out int v) && v <= 0)
            {
                r.AddError("--ops must be a positive number of steps.");
            }
        });
        var seed = new Option<int>("--seed") { Description = "Seed of the step stream (any seed must pass).", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        var fuzz = new Command("fuzz", "Model-based fuzz: random operations over every buffer shape, checked against a flat model and the reference rules after each step.")
        {
            ops, seed, json,
        };
        fuzz.SetAction(parse => RunFuzz(parse.GetValue(ops), parse.GetValue(seed), parse.GetValue(json)));
        return fuzz;
    }

    private static int RunFuzz(int opCount, int seed, bool json)
    {
        var generator = new SkbOpGenerator(seed);
        var steps = new List<SkbOp>(opCount);
        var progress = new Progress("fuzz", opCount);
        SkbModelReport report;
        using (var model = new SkbModel())
        {
            for (int i = 0; i < opCount; i++)
            {
                SkbOp op = generator.Next();
                steps.Add(op);
                if (!model.Apply(op))
                {
                    break;
                }

                if ((i & 1023) == 0)
                {
                    progress.Report(i);
                }
            }

            progress.Done();
            report = model.Finish(seed, steps);
        }

        if (!report.Passed && report.FirstViolation is { } v && v.Step < 20_000)
        {
            List<SkbOp> shrunk = SkbShrinker.Shrink(steps.Take(v.Step + 1).ToList());
            report = report with { FirstViolation = v with { Reproduce = shrunk.Select(s => s.ToString()).ToArray() } };
        }

        if (report.FirstViolation is { } big && big.Reproduce.Count > 60)
        {
            // Too long to read: say how to replay it exactly, and show the steps leading up to it.
            report = report with
            {
                FirstViolation = big with
                {
                    Reproduce = [$"replay: fragnet buffers fuzz --seed {seed} --ops {big.Step + 1}", .. big.Reproduce.TakeLast(20)],
                },
            };
        }

        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(report, CliJson.Options));
        }
        else
        {
            PrintFuzzTable(report);
        }

        return report.Passed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static void PrintFuzzTable(SkbModelReport r)
    {
        Console.Out.WriteLine($"buffers fuzz: {r.Ops:N0} steps, seed {r.Seed}, shapes {string.Join(", ", r.Shapes)}");
        Console.Out.WriteLine();
        Console.Out.WriteLine($"  {"operation",-18} {"executed",10} {"skipped",9}");
        foreach (string name in r.Operations.Keys.Union(r.Skipped.Keys).Order(StringComparer.Ordinal))
        {
            r.Operations.TryGetValue(name, out long done);
            r.Skipped.TryGetValue(name, out long skipped);
            Console.Out.WriteLine($"  {name,-18} {done,10:N0} {skipped,9:N0}");
        }

        Console.Out.WriteLine();
        Console.Out.WriteLine($"  destructors created {r.DestructorsCreated:N0}, runs {r.DestructorRuns:N0}; foreign pages {r.ForeignPagesCreated:N0}, page-destructor runs {r.ForeignDestructorRuns:N0}");
        Console.Out.WriteLine($"  violations {r.Violations}, leaked pages {r.LeakedPages}, destructors {r.LeakedDestructors}, buffers {r.LeakedBuffers}, mappings {r.LeakedMappings}");
        if (r.FirstViolation is { } v)
        {
            Console.Out.WriteLine();
            Console.Out.WriteLine($"FIRST VIOLATION at step {v.Step} ({v.Operation}): {v.Message}");
            Console.Out.WriteLine($"  reproduce with {v.Reproduce.Count} step(s) (all of them with --json):");
            Console.Out.WriteLine($"    {string.Join(" ", v.Reproduce.Take(12))}{(v.Reproduce.Count > 12 ? " ..." : "")}");
        }

        Console.Out.WriteLine(r.Passed ? "PASS" : "FAIL");
    }

    private static Command CreateTrace()
    {
        var json = new Option<bool>("--json") { Description = "Print the rows as JSON." };
        var trace = new Command("trace", "Follow one lent page through clone, pskb_copy, segmentation, pull-up and the frees.") { json };
        trace.SetAction(parse =>
        {
            IReadOnlyList<LentPageTrace.Row> rows = LentPageTrace.Run();
            if (parse.GetValue(json))
            {
                Console.Out.WriteLine(JsonSerializer.Serialize(rows, CliJson.Options));
                return ExitCodes.Ok;
            }

            Console.Out.WriteLine("One lent page (4096 B of 0xAA, with a fragment destructor) through the stack:");
            Console.Out.WriteLine();
            Console.Out.WriteLine($"  {"#",2}  {"step",-24} {"page ref",8} {"dtor ref",8}  {"Destroy",-8} note");
            for (int i = 0; i < rows.Count; i++)
            {
                LentPageTrace.Row row = rows[i];
                bool ranHere = row.Destroyed && (i == 0 || !rows[i - 1].Destroyed);
                string destroyed = ranHere ? "RAN" : row.Destroyed ? "done" : "-";
                Console.Out.WriteLine($"  {i,2}  {row.Step,-24} {row.PageRefCount,8} {row.DestructorRef,8}  {destroyed,-8} {row.Note}");
            }

            Console.Out.WriteLine();
            Console.Out.WriteLine("page ref counts the application's own hold (1) plus one per live frag; Destroy ran exactly once, at the last free.");
            return ExitCodes.Ok;
        });
        return trace;
    }
}
