using Xunit;
using System.ComponentModel;
using System.Diagnostics;

namespace FragNet.Testing;

/// <summary>Runs tcpdump and tshark, the real readers our files and filters are checked against. A missing tool
/// fails the test (test.sh installs them); it never skips it.</summary>
internal static class ExternalTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public readonly record struct Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
    }

    public static Result Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"{tool} is not installed ({e.Message}); test.sh installs tcpdump and tshark through apt");
            throw;
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{tool} {string.Join(' ', arguments)} did not finish within {Timeout}");
            }

            process.WaitForExit();
            return new Result(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
        }
    }

    /// <summary>The timestamps (ns since the epoch) of the records of <paramref name="file"/> that tcpdump matches
    /// with <paramref name="expression"/>, in file order.</summary>
    public static List<long> TcpdumpMatches(string file, string expression)
    {
        // -tt --nano prints each packet's timestamp first, which identifies it (-# would number matches, not records).
        // The expression goes after "--" so one starting with '-' is not taken for an option.
        Result r = Run("tcpdump", "-n", "-q", "-tt", "--nano", "-r", file, "--", expression);
        Assert.True(r.ExitCode == 0, $"tcpdump rejected '{expression}':\n{r}");
        var stamps = new List<long>();
        foreach (string line in r.StandardOutput.Split('\n'))
        {
            int space = line.IndexOf(' ', StringComparison.Ordinal);
            string first = space < 0 ? line : line[..space];
            int dot = first.IndexOf('.', StringComparison.Ordinal);
            if (dot > 0 && first.Length - dot - 1 == 9
                && long.TryParse(first.AsSpan(0, dot), out long seconds)
                && long.TryParse(first.AsSpan(dot + 1), out long nanoseconds))
            {
                stamps.Add((seconds * 1_000_000_000) + nanoseconds);
            }
        }

        return stamps;
    }
}
