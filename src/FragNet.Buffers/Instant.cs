namespace FragNet;

/// <summary>
/// A point in (virtual or real) time, as a plain count of microseconds since an arbitrary epoch.
/// </summary>
/// <remarks>
/// Protocol code never reads a clock: time enters through <c>Poll(Instant now)</c> from the simulator (virtual time)
/// or from the host loop (a monotonic clock converted at the edge). That is what lets a 60-second outage run in
/// milliseconds and every run replay from its seed.
/// </remarks>
public readonly record struct Instant(long TotalMicroseconds) : IComparable<Instant>
{
    /// <summary>The epoch: time zero of a simulation.</summary>
    public static Instant Zero => default;

    /// <summary>Later than any real instant; a <c>PollAt</c> of "nothing to do".</summary>
    public static Instant MaxValue => new(long.MaxValue);

    public static Instant FromMicroseconds(long us) => new(us);

    public static Instant FromMilliseconds(long ms) => new(checked(ms * 1000));

    public static Instant FromSeconds(double s) => new(checked((long)Math.Round(s * 1_000_000)));

    public long TotalMilliseconds => TotalMicroseconds / 1000;

    public double TotalSeconds => TotalMicroseconds / 1e6;

    public int CompareTo(Instant other) => TotalMicroseconds.CompareTo(other.TotalMicroseconds);

    public static Instant operator +(Instant t, Duration d) => new(checked(t.TotalMicroseconds + d.TotalMicroseconds));

    public static Instant operator -(Instant t, Duration d) => new(checked(t.TotalMicroseconds - d.TotalMicroseconds));

    public static Duration operator -(Instant a, Instant b) => new(checked(a.TotalMicroseconds - b.TotalMicroseconds));

    public static bool operator <(Instant a, Instant b) => a.TotalMicroseconds < b.TotalMicroseconds;

    public static bool operator >(Instant a, Instant b) => a.TotalMicroseconds > b.TotalMicroseconds;

    public static bool operator <=(Instant a, Instant b) => a.TotalMicroseconds <= b.TotalMicroseconds;

    public static bool operator >=(Instant a, Instant b) => a.TotalMicroseconds >= b.TotalMicroseconds;

    public static Instant Min(Instant a, Instant b) => a < b ? a : b;

    public static Instant Max(Instant a, Instant b) => a > b ? a : b;

    public override string ToString() => $"{TotalMicroseconds / 1_000_000}.{TotalMicroseconds % 1_000_000:D6}s";
}
