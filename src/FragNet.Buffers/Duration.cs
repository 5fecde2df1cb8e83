namespace FragNet;

/// <summary>A span of (virtual or real) time in microseconds; the difference of two <see cref="Instant"/>s.</summary>
public readonly record struct Duration(long TotalMicroseconds) : IComparable<Duration>
{
    public static Duration Zero => default;

    public static Duration FromMicroseconds(long us) => new(us);

    public static Duration FromMilliseconds(long ms) => new(checked(ms * 1000));

    public static Duration FromSeconds(double s) => new(checked((long)Math.Round(s * 1_000_000)));

    public long TotalMilliseconds => TotalMicroseconds / 1000;

    public double TotalSeconds => TotalMicroseconds / 1e6;

    public int CompareTo(Duration other) => TotalMicroseconds.CompareTo(other.TotalMicroseconds);

    public static Duration operator +(Duration a, Duration b) => new(checked(a.TotalMicroseconds + b.TotalMicroseconds));

    public static Duration operator -(Duration a, Duration b) => new(checked(a.TotalMicroseconds - b.TotalMicroseconds));

    public static Duration operator *(Duration a, long k) => new(checked(a.TotalMicroseconds * k));

    public static bool operator <(Duration a, Duration b) => a.TotalMicroseconds < b.TotalMicroseconds;

    public static bool operator >(Duration a, Duration b) => a.TotalMicroseconds > b.TotalMicroseconds;

    public static bool operator <=(Duration a, Duration b) => a.TotalMicroseconds <= b.TotalMicroseconds;

    public static bool operator >=(Duration a, Duration b) => a.TotalMicroseconds >= b.TotalMicroseconds;

    public override string ToString() => $"{TotalMicroseconds / 1e6:0.######}s";
}
