using FragNet.Xen.Netif;

namespace FragNet.Xen.Host;

/// <summary>What netback did in a stretch of a cross-process run: a whole run (<see cref="CrossProcessReport"/>), or
/// one mode's slices of an interleaved run (<see cref="CrossProcessReport.Interleaved"/>).</summary>
public record CrossProcessMeasurement
{
    public required NetbackMode Mode { get; init; }

    public required int PacketSize { get; init; }

    /// <summary>Measured slices (each after its settling time); 1 for a run of one mode.</summary>
    public int Slices { get; init; } = 1;

    /// <summary>Throughput of each measured slice in Gbit/s, in the order measured (one entry for a run of one
    /// mode); <see cref="FragNet.Xen.Testbed.SliceComparison"/> pairs them round by round.</summary>
    public IReadOnlyList<double> SliceGbps { get; init; } = [];

    /// <summary>Packets netback took during the measurement.</summary>
    public long Packets { get; init; }

    public double Seconds { get; init; }

    /// <summary>Bytes of the packets netback took (<see cref="Packets"/> × <see cref="PacketSize"/> unless the guest
    /// mixes sizes).</summary>
    public long Bytes { get; init; }

    public double Gbps => Seconds > 0 ? Bytes * 8.0 / Seconds / 1e9 : 0;

    public double Mpps => Seconds > 0 ? Packets / Seconds / 1e6 : 0;

    /// <summary>The backend process's CPU time per packet during the measurement (the backend spins before it sleeps,
    /// so under load this is close to wall time per packet).</summary>
    public double CpuNsPerPacket { get; init; }

    /// <summary>During the measurement: bytes grant-copied, grant maps, grant copies, per-grant <c>mmap</c>s.</summary>
    public long BytesCopied { get; init; }

    public long GrantMaps { get; init; }

    public long GrantCopies { get; init; }

    public long Mmaps { get; init; }
}
