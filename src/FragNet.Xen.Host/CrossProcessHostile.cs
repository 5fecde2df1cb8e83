using System.Globalization;
using FragNet.Xen.CrossProcess;
using FragNet.Xen.Netif;
using FragNet.Xen.Testbed;

namespace FragNet.Xen.Host;

/// <summary>
/// The hostile-guest cases that need a real second process: a guest that, after producing each request, keeps
/// rewriting the slot between two versions (<see cref="DoubleFetchPacket"/>) and revoking and restoring the grant
/// behind the table's back while netback reads them — once per mapping model. Netback must act on its one copy: every
/// packet it delivers is exactly what some single copy of the slot describes (checked byte for byte), and a revoked
/// grant costs the guest an error response, never the backend.
/// </summary>
public static class CrossProcessHostile
{
    private static readonly (string Name, MappingModel Mapping)[] Cases =
    [
        ("double-fetch-cross-process", MappingModel.Premapped),
        ("double-fetch-cross-process-per-grant", MappingModel.PerGrant),
    ];

    public static IReadOnlyList<string> CaseNames { get; } = [.. Cases.Select(c => c.Name)];

    /// <summary>Runs one case with a guest started by <paramref name="frontend"/>.</summary>
    public static (HostileCaseResult Result, XenLeakReport Leaks) Run(string name, FrontendCommand frontend, TimeSpan? duration = null)
    {
        var c = Array.Find(Cases, x => x.Name == name);
        if (c.Name is null)
        {
            throw new ArgumentException($"no cross-process hostile case '{name}'", nameof(name));
        }

        CrossProcessReport r = CrossProcessSession.Run(new CrossProcessOptions
        {
            Frontend = frontend,
            Mode = NetbackMode.MapDestructor,
            Mapping = c.Mapping,
            Workload = GuestWorkload.DoubleFetch,
            Warmup = TimeSpan.Zero,
            Duration = duration ?? TimeSpan.FromSeconds(0.5),
        });
        long a = r.DoubleFetchOutcomes.GetValueOrDefault(DoubleFetchOutcome.VersionA);
        long b = r.DoubleFetchOutcomes.GetValueOrDefault(DoubleFetchOutcome.VersionB);
        long torn = r.DoubleFetchOutcomes.GetValueOrDefault(DoubleFetchOutcome.Torn);
        long grantFailures = r.Drops.GetValueOrDefault(NetbackDropReason.GrantFailed);
        bool alive = r.VifStayedConnected;
        bool clean = r.Leaks.IsClean && r.MemoryReleased && r.FrontendExitCode == 0;
        bool ok = r.PacketsChecked > 0 && r.PacketsBad == 0 && alive && clean && r.Guest.Rewrites > 0;
        string observed = string.Create(CultureInfo.InvariantCulture,
            $"{r.PacketsChecked} packets delivered ({a} version A, {b} version B, {torn} torn by the guest's own rewrite yet self-consistent), {r.PacketsBad} inconsistent; {grantFailures} refused while the grant was revoked; {r.Guest.Rewrites} slot rewrites; vif {(alive ? "connected" : "disconnected: " + r.DisconnectReason)}");
        if (!clean)
        {
            observed += $"; guest exit {r.FrontendExitCode}, leaked {r.Leaks}, memory released {r.MemoryReleased}; {r.FrontendOutput.Trim()}";
        }

        return (new HostileCaseResult(name, "backend acts on its copy (a guest process rewrites the slot and grant)", observed, ok, alive), r.Leaks);
    }
}
