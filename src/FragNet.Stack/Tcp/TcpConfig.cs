namespace FragNet.Stack.Tcp;

/// <summary>Per-socket TCP settings. Defaults follow Linux where an RFC leaves the choice open.</summary>
public sealed record TcpConfig
{
    /// <summary>The MSS this end announces and sends with at most (IPv4 over a 1500-byte MTU: 1460). A
    /// <see cref="NetInterface"/> lowers it to what its device's MTU carries, and uses exactly that when the caller gives
    /// no settings.</summary>
    public int Mss { get; init; } = 1460;

    /// <summary>Receive buffer: the most data held for the application, and so the largest window offered.</summary>
    public int ReceiveBuffer { get; init; } = 1 << 20;

    /// <summary>Send buffer: the most data queued (unsent plus unacknowledged); <c>Send</c> accepts up to it.</summary>
    public int SendBuffer { get; init; } = 1 << 20;

    /// <summary>Largest super-segment handed down at once when the device segments (GSO/TSO); 0 or MSS disables.</summary>
    public int GsoMaxSize { get; init; } = 65536 - 128;

    /// <summary>RFC 6298 §2.1: the RTO before any RTT sample.</summary>
    public Duration InitialRto { get; init; } = Duration.FromSeconds(1);

    /// <summary>Lower bound of the RTO (RFC 6298 §2.4 says 1 s; Linux uses 200 ms, as here).</summary>
    public Duration MinRto { get; init; } = Duration.FromMilliseconds(200);

    /// <summary>Upper bound of the RTO after backoff (RFC 6298 §2.5; Linux 120 s).</summary>
    public Duration MaxRto { get; init; } = Duration.FromSeconds(120);

    /// <summary>Retransmissions of one segment before the connection is aborted (Linux tcp_retries2).</summary>
    public int MaxRetransmissions { get; init; } = 15;

    /// <summary>Retransmissions of a SYN before the connect fails (Linux tcp_syn_retries).</summary>
    public int MaxSynRetransmissions { get; init; } = 6;

    /// <summary>Delayed-ACK timeout (RFC 9293 §3.8.6.3: under 0.5 s; RFC 5681 §4.2: at most 500 ms; here ≤ 200 ms).</summary>
    public Duration DelayedAckTimeout { get; init; } = Duration.FromMilliseconds(40);

    /// <summary>Disable Nagle's algorithm (TCP_NODELAY).</summary>
    public bool NoDelay { get; init; }

    /// <summary>Offer RFC 7323 timestamps.</summary>
    public bool Timestamps { get; init; } = true;

    /// <summary>Offer RFC 2018 selective acknowledgments (used with RFC 6675 loss recovery when both ends agree).</summary>
    public bool Sack { get; init; } = true;

    /// <summary>Offer RFC 7323 window scaling.</summary>
    public bool WindowScaling { get; init; } = true;

    /// <summary>TIME-WAIT duration, 2 MSL (RFC 9293 §3.3.2; Linux keeps 60 s).</summary>
    public Duration TimeWait { get; init; } = Duration.FromSeconds(60);

    /// <summary>Idle time before keepalive probes start (SO_KEEPALIVE with TCP_KEEPIDLE); null disables keepalive
    /// (RFC 9293 §3.8.4: off by default, and at least two hours when on, unless configured).</summary>
    public Duration? KeepaliveIdle { get; init; }

    /// <summary>Time between unanswered keepalive probes (TCP_KEEPINTVL; Linux 75 s).</summary>
    public Duration KeepaliveInterval { get; init; } = Duration.FromSeconds(75);

    /// <summary>Unanswered probes before the connection is dropped (TCP_KEEPCNT; Linux 9).</summary>
    public int KeepaliveProbes { get; init; } = 9;

    /// <summary>Challenge ACKs per second at most (RFC 5961 §7; Linux's tcp_challenge_ack_limit was 1000).</summary>
    public int ChallengeAckLimit { get; init; } = 1000;

    /// <summary>RFC 5681 §3.1 initial window in segments (RFC 6928: 10).</summary>
    public int InitialWindowSegments { get; init; } = 10;
}
