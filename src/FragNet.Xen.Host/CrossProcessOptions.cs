using FragNet.Xen.CrossProcess;
using FragNet.Xen.Netif;

namespace FragNet.Xen.Host;

/// <summary>One cross-process run: netback here, the guest in a child process.</summary>
public sealed record CrossProcessOptions
{
    /// <summary>How to start the guest process.</summary>
    public required FrontendCommand Frontend { get; init; }

    public NetbackMode Mode { get; init; } = NetbackMode.MapDestructor;

    public MappingModel Mapping { get; init; } = MappingModel.Premapped;

    public GuestWorkload Workload { get; init; } = GuestWorkload.Bench;

    /// <summary>Bytes per packet for <see cref="GuestWorkload.Bench"/>.</summary>
    public int PacketSize { get; init; } = 1500;

    /// <summary>Seed of the guest's sizes and offsets (<see cref="GuestWorkload.Verify"/>).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Traffic before the measurement starts (JIT, caches, page tables).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(0.3);

    /// <summary>The measurement.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Stop the measurement after this many packets, if that comes before <see cref="Duration"/>.</summary>
    public long PacketLimit { get; init; } = long.MaxValue;

    /// <summary>For <see cref="NetbackMode.Adaptive"/>: null to calibrate at startup (the CLI always does), or a fixed
    /// threshold (tests).</summary>
    public int? AdaptiveThreshold { get; init; }

    /// <summary>Bound on each wait for the guest (start, handshake, drain, close).</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
