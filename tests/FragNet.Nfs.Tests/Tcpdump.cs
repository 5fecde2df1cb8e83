using System.ComponentModel;
using System.Diagnostics;

namespace FragNet.Nfs.Tests;

/// <summary>Runs the real tcpdump. A missing tcpdump fails the test (test.sh installs it); it never skips.</summary>
internal static class Tcpdump
{
    /// <summary>The lines tcpdump prints for the packets of <paramref name="file"/> matching <paramref name="expression"/>.</summary>
    public static IReadOnlyList<string> Matches(string file, string expression)
    {
        var start = new ProcessStartInfo("tcpdump")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "-nn", "-r", file, "--", expression })
        {
            start.ArgumentList.Add(a);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("tcpdump did not start");
        }
        catch (Win32Exception e)
        {
            Assert.Fail($"tcpdump is not installed ({e.Message}); test.sh installs it through apt");
            throw;
        }

        using (process)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("tcpdump did not finish within 2 minutes");
            }

            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"tcpdump failed ({process.ExitCode}): {stderr.GetAwaiter().GetResult()}");
            return stdout.GetAwaiter().GetResult().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
    }
}
