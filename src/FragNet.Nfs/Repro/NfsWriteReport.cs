using FragNet.SunRpc.Client;

namespace FragNet.Nfs.Repro;

/// <summary>What one policy's run of <see cref="NfsWriteExperiment"/> measured.</summary>
public sealed record NfsWriteReport
{
    public PageSendPolicy Policy { get; init; }

    /// <summary>WRITE calls the application made.</summary>
    public int Writes { get; init; }

    /// <summary>RPC retransmissions (minor timeouts and resends after reconnects).</summary>
    public long RpcRetransmits { get; init; }

    /// <summary>TCP retransmissions by the client, over all its connections.</summary>
    public long TcpRetransmits { get; init; }

    /// <summary>WRITE call records for an 0xAA region whose data on the wire contained 0x55 (from the capture).</summary>
    public int WireCorruptions { get; init; }

    /// <summary>WRITE call records seen on the wire (first transmissions and RPC retransmissions).</summary>
    public int WireWrites { get; init; }

    /// <summary>Bytes of the server's files that differ from what the application wrote.</summary>
    public long DiskCorruptions { get; init; }

    /// <summary>Payload bytes copied by the send policy.</summary>
    public long BytesCopied { get; init; }

    /// <summary>Median application write latency (issue to completion), virtual milliseconds.</summary>
    public double P50Ms { get; init; }

    /// <summary>99th percentile application write latency, virtual milliseconds.</summary>
    public double P99Ms { get; init; }

    /// <summary>Total time writes spent between their reply and the release of their pages, virtual milliseconds.</summary>
    public double ReleaseWaitMs { get; init; }

    /// <summary>Virtual seconds until the application's last write completed.</summary>
    public double VirtualSeconds { get; init; }

    /// <summary>Stalls the fault injector started.</summary>
    public long Stalls { get; init; }

    /// <summary>Frames on the link.</summary>
    public long Frames { get; init; }

    /// <summary>Frames the <see cref="NfsWriteExperiment.TcpdumpFilter(int, int)"/> expression matches in the capture.</summary>
    public int FilterMatches { get; init; }

    /// <summary>Client stream bytes the wire audit could not split into records: after a gap (frames a full NIC ring
    /// dropped before the wire and a connection aborted before TCP resent them). WRITEs there are not audited.</summary>
    public long UnparsedBytes { get; init; }

    /// <summary>Capture frame numbers (1-based, as tcpdump counts) of corrupted WRITE data.</summary>
    public IReadOnlyList<int> CorruptedFrames { get; init; } = [];

    /// <summary>The tcpdump expression for this run's frame layout.</summary>
    public string TcpdumpFilter { get; init; } = string.Empty;

    /// <summary>Pages, buffers or destructors not returned at teardown (must be 0).</summary>
    public long Leaks { get; init; }

    /// <summary>Why the run did not finish, or null.</summary>
    public string? Error { get; init; }
}
