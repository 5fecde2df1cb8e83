using System.CommandLine;
using FragNet.Xen.Host;
using FragNet.Xen.Netif;

namespace FragNet.Cli;

/// <summary>The command-line names of netback modes and mapping models, and the options the netback commands share.</summary>
internal static class NetbackOptions
{
    public static readonly (string Name, NetbackMode Mode)[] Modes =
    [
        ("copy", NetbackMode.Copy),
        ("map-foreign", NetbackMode.MapForeign),
        ("map-destructor", NetbackMode.MapDestructor),
        ("copy-header-map-rest", NetbackMode.CopyHeaderMapRest),
        ("adaptive", NetbackMode.Adaptive),
    ];

    public static string All => string.Join(",", Modes.Select(m => m.Name));

    public static string Name(NetbackMode mode) => Array.Find(Modes, m => m.Mode == mode).Name;

    public static NetbackMode? Parse(string name) => Array.FindIndex(Modes, m => m.Name == name) is int i and >= 0 ? Modes[i].Mode : null;

    public static MappingModel ParseMapping(string name) => name == "per-grant" ? MappingModel.PerGrant : MappingModel.Premapped;

    public static string Name(MappingModel mapping) => mapping == MappingModel.PerGrant ? "per-grant" : "premapped";

    /// <summary><c>--mapping per-grant|premapped</c>.</summary>
    public static Option<string> MappingOption()
    {
        var mapping = new Option<string>("--mapping") { Description = "Cross-process mapping model: per-grant (an mmap per grant map) or premapped (guest memory mapped once).", DefaultValueFactory = _ => "premapped" };
        mapping.Validators.Add(r =>
        {
            string v = r.GetValueOrDefault<string>() ?? string.Empty;
            if (v is not ("per-grant" or "premapped"))
            {
                r.AddError($"--mapping must be per-grant or premapped (got '{v}').");
            }
        });
        return mapping;
    }

    /// <summary><c>--seconds S</c>: wall time per measurement, 0..600.</summary>
    public static Option<double> SecondsOption(string description = "Wall time per measurement.")
    {
        var seconds = new Option<double>("--seconds") { Description = description, DefaultValueFactory = _ => 1 };
        seconds.Validators.Add(r =>
        {
            if (r.TryGetValue(out double v) && (v is <= 0 or > 600 || double.IsNaN(v)))
            {
                r.AddError("--seconds must be between 0 and 600.");
            }
        });
        return seconds;
    }
}
