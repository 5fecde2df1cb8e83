using FragNet.SunRpc.Client;

namespace FragNet.Nfs.Repro;

/// <summary>Parameters of one <see cref="NfsWriteExperiment"/> run (one policy). Defaults reproduce the talk's
/// corruption under <see cref="PageSendPolicy.Unsafe"/> for nearly every seed.</summary>
public sealed record NfsWriteOptions
{
    public PageSendPolicy Policy { get; init; } = PageSendPolicy.Unsafe;

    /// <summary>Bytes per application write (the talk's SIZE).</summary>
    public int Size { get; init; } = 65536;

    /// <summary>Rounds of (write 0xAA at 0, write 0x55 at SIZE), each to a new file <c>round-N</c>.</summary>
    public int Rounds { get; init; } = 8;

    /// <summary>A server→client frame starts a stall with probability 1/N (the talk's netoutage); 0 for none.</summary>
    public int DelayOneIn { get; init; } = 8;

    /// <summary>How long a stall holds the server→client direction.</summary>
    public Duration Delay { get; init; } = Duration.FromSeconds(60);

    public ulong Seed { get; init; } = 1;

    /// <summary>The client's <c>timeo</c>. Shorter than the stall so RPC retransmissions happen during it.</summary>
    public Duration Timeout { get; init; } = Duration.FromSeconds(7);

    /// <summary>The client's <c>retrans</c>.</summary>
    public int Retransmissions { get; init; } = 5;

    /// <summary>Release timeout of <see cref="PageSendPolicy.DestructorTimeout"/>.</summary>
    public Duration ReleaseTimeout { get; init; } = Duration.FromMilliseconds(100);

    /// <summary><c>wsize</c>: writes larger than this are split into several WRITE calls.</summary>
    public int WriteSize { get; init; } = 1 << 20;

    public long BitsPerSecond { get; init; } = 1_000_000_000;

    public Duration Latency { get; init; } = Duration.FromMicroseconds(100);

    /// <summary>Where to write a pcap of every frame on the link (null for none).</summary>
    public Stream? Capture { get; init; }

    /// <summary>Virtual time without a completed application write after which the run is declared stuck; null picks
    /// 200 times the longest a call can wait (a stall plus every retransmission timeout), so heavy fault rates on
    /// large writes, which progress slowly, still finish.</summary>
    public Duration? ProgressTimeout { get; init; }

    /// <summary>How long the run goes on after the application finished, so every stalled frame and stale retransmission
    /// reaches the server before its files are read; null: the stall length plus 30 s.</summary>
    public Duration? Settle { get; init; }

    /// <summary>The settle time in effect.</summary>
    public Duration EffectiveSettle => Settle ?? Delay + Duration.FromSeconds(30);

    /// <summary>The progress timeout in effect.</summary>
    public Duration EffectiveProgressTimeout =>
        ProgressTimeout ?? Duration.FromMicroseconds(Math.Max(
            200 * (Delay.TotalMicroseconds + (Timeout.TotalMicroseconds * (Retransmissions + 1) * (Retransmissions + 2) / 2)),
            Duration.FromSeconds(3600).TotalMicroseconds));
}
