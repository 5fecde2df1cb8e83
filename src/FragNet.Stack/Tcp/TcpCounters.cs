namespace FragNet.Stack.Tcp;

/// <summary>What one connection did (Linux's per-socket MIB counters).</summary>
public sealed class TcpCounters
{
    public long SegmentsSent { get; internal set; }

    public long SegmentsReceived { get; internal set; }

    /// <summary>Segments sent with data.</summary>
    public long PayloadSegmentsSent { get; internal set; }

    public long BytesSent { get; internal set; }

    public long BytesAcked { get; internal set; }

    public long BytesReceived { get; internal set; }

    /// <summary>Segments sent again, for any reason.</summary>
    public long Retransmits { get; internal set; }

    /// <summary>Fast retransmits (RFC 5681 §3.2 / RFC 6582).</summary>
    public long FastRetransmits { get; internal set; }

    /// <summary>Retransmission timeouts (RFC 6298 §5.4).</summary>
    public long Timeouts { get; internal set; }

    /// <summary>Duplicate ACKs received.</summary>
    public long DuplicateAcks { get; internal set; }

    /// <summary>Challenge ACKs sent (RFC 5961).</summary>
    public long ChallengeAcks { get; internal set; }

    /// <summary>Challenge ACKs not sent because the RFC 5961 §7 rate limit was reached.</summary>
    public long ChallengeAcksSuppressed { get; internal set; }

    /// <summary>Segments dropped as unacceptable (RFC 9293 §3.10.7.4 first check).</summary>
    public long Unacceptable { get; internal set; }

    /// <summary>Out-of-order segments queued.</summary>
    public long OutOfOrder { get; internal set; }
}
