using System.Diagnostics;
using FragNet.Xen.Netif;

namespace FragNet.Xen.Host;

/// <summary>The host's work clock for adaptive netback: <see cref="Stopwatch"/>'s monotonic counter (on Linux
/// <c>clock_gettime(CLOCK_MONOTONIC)</c> in nanoseconds, read through the vDSO for a few tens of nanoseconds).</summary>
public sealed class StopwatchWorkClock : IWorkClock
{
    public static StopwatchWorkClock Instance { get; } = new();

    public long Ticks => Stopwatch.GetTimestamp();

    public long TicksPerSecond => Stopwatch.Frequency;
}
