namespace FragNet.Cli;

/// <summary>What <c>fragnet tcp send</c> and <c>fragnet tcp recv</c> report (<c>--json</c> fields in camelCase).</summary>
internal sealed record TcpStreamReport
{
    /// <summary><c>send</c> or <c>recv</c>.</summary>
    public required string Role { get; init; }

    /// <summary><c>host</c> or <c>tap:DEV</c>.</summary>
    public required string Via { get; init; }

    /// <summary>The other end, <c>ADDR:PORT</c> (empty if no connection came).</summary>
    public string Peer { get; init; } = string.Empty;

    /// <summary>Bytes sent and acknowledged (send) or received (recv).</summary>
    public long Bytes { get; init; }

    /// <summary>SHA-256 of those bytes, lowercase hex.</summary>
    public string Sha256 { get; init; } = string.Empty;

    /// <summary>From the connection's start to the last byte (send: acknowledged; recv: the peer's FIN).</summary>
    public double Seconds { get; init; }

    /// <summary>Bytes × 8 / seconds / 10⁹.</summary>
    public double Gbps { get; init; }

    /// <summary>recv with <c>--seed</c>: every byte matched the stream (and the count matched <c>--bytes</c>, if
    /// given); null when nothing was checked.</summary>
    public bool? Verified { get; init; }

    /// <summary>recv: offset of the first byte that differed from the stream.</summary>
    public long? FirstMismatch { get; init; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }

    public bool Passed => Error is null && Verified != false;
}
