using FragNet.Xen.CrossProcess;
using FragNet.Xen.Netif;
using FragNet.Xen.Testbed;

namespace FragNet.Xen.Host;

/// <summary>What a cross-process run measured and found.</summary>
public sealed record CrossProcessReport
{
    public required NetbackMode Mode { get; init; }

    public required MappingModel Mapping { get; init; }

    public required int PacketSize { get; init; }

    /// <summary>Packets netback took during the measurement.</summary>
    public long Packets { get; init; }

    public double Seconds { get; init; }

    public double Gbps => Seconds > 0 ? Packets * (double)PacketSize * 8 / Seconds / 1e9 : 0;

    public double Mpps => Seconds > 0 ? Packets / Seconds / 1e6 : 0;

    /// <summary>The backend process's CPU time per packet during the measurement (the backend spins before it sleeps,
    /// so under load this is close to wall time per packet).</summary>
    public double CpuNsPerPacket { get; init; }

    /// <summary>During the measurement: bytes grant-copied, grant maps, grant copies, per-grant <c>mmap</c>s.</summary>
    public long BytesCopied { get; init; }

    public long GrantMaps { get; init; }

    public long GrantCopies { get; init; }

    public long Mmaps { get; init; }

    /// <summary>Times netback's loop slept on the guest's eventfd (from warm-up to the end of the measurement), and
    /// how many of those sleeps ended by the timeout rather than a notification.</summary>
    public long BackendSleeps { get; init; }

    public long BackendSleepTimeouts { get; init; }

    /// <summary>The adaptive mode's threshold and how it was found (null for the fixed modes).</summary>
    public AdaptiveCalibration? Calibration { get; init; }

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
