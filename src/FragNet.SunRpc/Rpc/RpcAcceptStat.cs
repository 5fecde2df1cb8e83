namespace FragNet.SunRpc.Rpc;

/// <summary><c>accept_stat</c> (RFC 5531 §9): how an accepted call went.</summary>
public enum RpcAcceptStat : uint
{
    /// <summary>Executed; results follow.</summary>
    Success = 0,

    /// <summary>The program is not exported here.</summary>
    ProgramUnavailable = 1,

    /// <summary>The program is here but not this version; the reply carries the supported range.</summary>
    ProgramMismatch = 2,

    /// <summary>The program cannot support this procedure.</summary>
    ProcedureUnavailable = 3,

    /// <summary>The arguments could not be decoded.</summary>
    GarbageArgs = 4,

    /// <summary>The server failed for another reason (memory, an internal error).</summary>
    SystemError = 5,
}
