namespace FragNet.SunRpc.Server;

/// <summary>What an <see cref="RpcServer"/> did.</summary>
public sealed class RpcServerCounters
{
    public long Connections { get; internal set; }

    /// <summary>Call records received.</summary>
    public long Calls { get; internal set; }

    /// <summary>Records that were not a decodable call (no reply possible without an xid, or a REPLY sent to us).</summary>
    public long BadRecords { get; internal set; }

    public long GarbageArgs { get; internal set; }

    public long ProgramUnavailable { get; internal set; }

    public long ProgramMismatch { get; internal set; }

    public long ProcedureUnavailable { get; internal set; }

    public long RpcMismatch { get; internal set; }

    public long AuthErrors { get; internal set; }

    public long SystemErrors { get; internal set; }

    /// <summary>Calls answered from the duplicate request cache.</summary>
    public long Replayed { get; internal set; }

    /// <summary>Connections closed for a record over the maximum.</summary>
    public long OversizedRecords { get; internal set; }
}
