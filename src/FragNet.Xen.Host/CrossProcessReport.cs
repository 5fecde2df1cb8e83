using FragNet.Xen.CrossProcess;
using FragNet.Xen.Netif;
using FragNet.Xen.Testbed;

namespace FragNet.Xen.Host;

/// <summary>What a cross-process run measured and found.</summary>
public sealed record CrossProcessReport : CrossProcessMeasurement
{
    public required MappingModel Mapping { get; init; }

    /// <summary>Times netback's loop slept on the guest's eventfd (from warm-up to the end of the measurement), and
    /// how many of those sleeps ended by the timeout rather than a notification.</summary>
    public long BackendSleeps { get; init; }

    public long BackendSleepTimeouts { get; init; }

    /// <summary>With <see cref="CrossProcessOptions.InterleavedModes"/>: each mode's measured slices, in the order
    /// given (the totals above then cover the whole measurement).</summary>
    public IReadOnlyList<CrossProcessMeasurement> Interleaved { get; init; } = [];

    /// <summary>What the adaptive mode learned per size class (empty for the fixed modes and a fixed threshold).</summary>
    public IReadOnlyList<AdaptiveSizeClass> Adaptive { get; init; } = [];

    /// <summary>The same when the measurement started, after the warm-up: the difference is what adaptive did while
    /// it was measured (how many packets went in each mode).</summary>
    public IReadOnlyList<AdaptiveSizeClass> AdaptiveAtMeasurementStart { get; init; } = [];

    /// <summary>Packets checked byte for byte, and those that failed (with checking on).</summary>
    public long PacketsChecked { get; init; }

    public long PacketsBad { get; init; }

    /// <summary>The double-fetch workload's delivered packets by what they are.</summary>
    public IReadOnlyDictionary<DoubleFetchOutcome, long> DoubleFetchOutcomes { get; init; } = new Dictionary<DoubleFetchOutcome, long>();

    /// <summary>Netback's drops by reason over the whole run.</summary>
    public IReadOnlyDictionary<NetbackDropReason, long> Drops { get; init; } = new Dictionary<NetbackDropReason, long>();

    /// <summary>The vif was connected until the orderly close (no fatal error).</summary>
    public bool VifStayedConnected { get; init; }

    public string? DisconnectReason { get; init; }

    public GuestReport Guest { get; init; }

    public int FrontendExitCode { get; init; }

    public string FrontendOutput { get; init; } = string.Empty;

    public XenLeakReport Leaks { get; init; } = new();

    /// <summary>Guest pages still referenced or views still mapped at the end.</summary>
    public bool MemoryReleased { get; init; }
}
