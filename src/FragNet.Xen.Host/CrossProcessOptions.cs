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

    /// <summary>Several modes to compare in one session: netback switches between them every
    /// <see cref="Slice"/> (after a <see cref="Settle"/> that is not counted, so the previous mode's packets are
    /// answered), rotating the order each round, for <see cref="Warmup"/> and then <see cref="Duration"/> per mode. The
    /// host's noise — another tenant's burst, a frequency change — then falls on every mode alike, which separate
    /// sessions cannot promise. Null: <see cref="Mode"/> alone.</summary>
    public IReadOnlyList<NetbackMode>? InterleavedModes { get; init; }

    /// <summary>Length of one measured slice of <see cref="InterleavedModes"/>.</summary>
    public TimeSpan Slice { get; init; } = TimeSpan.FromMilliseconds(40);

    /// <summary>Time after each switch of <see cref="InterleavedModes"/> that is not counted.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromMilliseconds(4);

    /// <summary>For <see cref="NetbackMode.Adaptive"/>: null to learn each size class's cheapest mode on the live
    /// traffic with <see cref="StopwatchWorkClock"/> (the CLI always does), or a fixed threshold (tests).</summary>
    public int? AdaptiveThreshold { get; init; }

    /// <summary>Bound on each wait for the guest (start, handshake, drain, close).</summary>
    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
