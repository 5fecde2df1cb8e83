namespace FragNet.Cli;

/// <summary>What <c>fragnet ping --json</c> prints.</summary>
internal sealed record PingReport
{
    public required string Host { get; init; }

    public required string Via { get; init; }

    public int Transmitted { get; init; }

    public int Received { get; init; }

    public int Duplicates { get; init; }

    public double LossPercent { get; init; }

    /// <summary>Round-trip times of the replies, in order of arrival, in milliseconds.</summary>
    public IReadOnlyList<double> RttMs { get; init; } = [];

    public double? MinMs { get; init; }

    public double? AvgMs { get; init; }

    public double? MaxMs { get; init; }
}
