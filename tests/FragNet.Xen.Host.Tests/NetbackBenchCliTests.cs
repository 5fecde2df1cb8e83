using System.Diagnostics;
using System.Text.Json;

namespace FragNet.Xen.Host.Tests;

/// <summary><c>fragnet bench netback --cross-process</c> as a user runs it: one row per mode and workload (a size, and
/// with <c>--mix</c> 64-byte packets mixed with it) from one interleaved session each, adaptive's choices and the
/// costs it measured in its rows, no leaked grant; and a bad mode name is a usage error, not a run.</summary>
public sealed class NetbackBenchCliTests
{
    [Fact]
    public void A_cross_process_run_reports_every_mode_and_what_adaptive_chose()
    {
        (int code, string output, string errors) = Fragnet("bench", "netback", "--cross-process", "--sizes", "1500", "--mix", "--seconds", "0.1", "--json");
        Assert.True(code == 0, errors + output);
        using JsonDocument doc = JsonDocument.Parse(output);
        JsonElement root = doc.RootElement;
        Assert.Equal(0, root.GetProperty("leakedGrants").GetInt64());
        JsonElement[] all = [.. root.GetProperty("results").EnumerateArray()];
        string[] modes = ["copy", "map-foreign", "map-destructor", "copy-header-map-rest", "adaptive"];
        Assert.Equal([.. modes, .. modes], all.Select(r => r.GetProperty("mode").GetString()));
        Assert.Equal([.. Enumerable.Repeat(false, 5), .. Enumerable.Repeat(true, 5)], all.Select(r => r.GetProperty("mix").GetBoolean()));
        JsonElement[] rows = all[..5];
        Assert.All(rows, r => Assert.True(r.GetProperty("gbps").GetDouble() > 0));
        Assert.Equal(0, rows[0].GetProperty("grantMaps").GetInt64()); // copy maps nothing
        Assert.Equal(0, rows[2].GetProperty("bytesCopied").GetInt64()); // map-destructor copies nothing

        JsonElement adaptive = rows[4].GetProperty("adaptive");
        Assert.Contains(adaptive.GetProperty("chosen").GetString(), new[] { "copy", "map-foreign", "map-destructor", "copy-header-map-rest" });
        Assert.Equal(4, adaptive.GetProperty("nsPerPacket").EnumerateObject().Count());
        Assert.True(adaptive.GetProperty("probes").GetInt64() >= 1);

        // The mix (64-byte packets and 1500-byte ones in turn): adaptive reports a choice for each size class.
        Assert.False(rows[4].TryGetProperty("adaptiveSmall", out _));
        Assert.Equal(JsonValueKind.String, all[9].GetProperty("adaptive").GetProperty("chosen").ValueKind);
        Assert.Equal(JsonValueKind.String, all[9].GetProperty("adaptiveSmall").GetProperty("chosen").ValueKind);
    }

    [Fact]
    public void An_unknown_mode_is_a_usage_error()
    {
        (int code, _, string errors) = Fragnet("bench", "netback", "--cross-process", "--modes", "copy,teleport");
        Assert.Equal(2, code);
        Assert.Contains("'teleport' is not one of", errors);
    }

    private static (int Code, string Output, string Errors) Fragnet(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "fragnet.dll"));
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start)!;
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        Task<string> errors = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(2)), "fragnet did not finish");
        return (p.ExitCode, output.Result, errors.Result);
    }
}
