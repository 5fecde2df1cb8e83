using System.Diagnostics;

namespace FragNet.Host;

/// <summary>
/// The monotonic clock at the host edge, read as an <see cref="Instant"/>: microseconds since the clock was made.
/// The only place real time enters FragNet; everything below takes <c>now</c> from here.
/// </summary>
public sealed class HostClock
{
    private readonly long _origin = Stopwatch.GetTimestamp();

    /// <summary>Now, on this clock.</summary>
    public Instant Now => Instant.FromMicroseconds((long)((Stopwatch.GetTimestamp() - _origin) * (1_000_000.0 / Stopwatch.Frequency)));
}
