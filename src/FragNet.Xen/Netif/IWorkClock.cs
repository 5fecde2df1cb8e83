namespace FragNet.Xen.Netif;

/// <summary>
/// A fine-grained clock netback reads to price its own work (<see cref="NetbackMode.Adaptive"/>): the host passes a
/// monotonic CPU-cycle or nanosecond counter, a test passes a scripted one. Netback never reads a clock of its own; only
/// differences of <see cref="Ticks"/> matter.
/// </summary>
public interface IWorkClock
{
    /// <summary>The current reading.</summary>
    long Ticks { get; }

    /// <summary>Ticks in one second (to report costs in nanoseconds).</summary>
    long TicksPerSecond { get; }
}
