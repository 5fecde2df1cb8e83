namespace FragNet.SunRpc.Client;

/// <summary>What an <see cref="RpcClient"/> did (mutable, read by reports).</summary>
public sealed class RpcClientCounters
{
    /// <summary>Calls made.</summary>
    public long Calls { get; internal set; }

    /// <summary>Records written to a socket (first transmissions and retransmissions).</summary>
    public long Transmissions { get; internal set; }

    /// <summary>Retransmissions after a minor timeout or a reconnect.</summary>
    public long Retransmits { get; internal set; }

    /// <summary>Major timeouts (<c>retrans</c> minor timeouts without a reply).</summary>
    public long MajorTimeouts { get; internal set; }

    /// <summary>Connections made after the first.</summary>
    public long Reconnects { get; internal set; }

    /// <summary>Replies matching no outstanding call (late, duplicate, or for a call already answered).</summary>
    public long UnmatchedReplies { get; internal set; }

    /// <summary>Reply records that did not decode as an RPC reply.</summary>
    public long BadReplies { get; internal set; }

    /// <summary>Reply records past <see cref="RpcClientConfig.MaxReplyRecord"/> (the connection was closed).</summary>
    public long OversizedReplies { get; internal set; }

    /// <summary>Page-data bytes copied by the send policy (copies and orphaning), headers not counted.</summary>
    public long PayloadBytesCopied { get; internal set; }

    /// <summary>Calls whose pages were copied out by <see cref="PageSendPolicy.DestructorTimeout"/>.</summary>
    public long Orphaned { get; internal set; }

    /// <summary>Calls that failed.</summary>
    public long Failures { get; internal set; }
}
