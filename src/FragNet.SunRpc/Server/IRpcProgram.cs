using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Server;

/// <summary>
/// One RPC program served by an <see cref="RpcServer"/> (portmap, MOUNT, NFS): the server decodes the call header,
/// checks program and version, consults the duplicate request cache, and hands the arguments here.
/// </summary>
public interface IRpcProgram
{
    /// <summary>Program number (RFC 5531 §9).</summary>
    uint Program { get; }

    /// <summary>Lowest version served.</summary>
    uint LowVersion { get; }

    /// <summary>Highest version served.</summary>
    uint HighVersion { get; }

    /// <summary>
    /// Executes one call. On <see cref="RpcAcceptStat.Success"/> the results have been encoded into
    /// <paramref name="results"/>. Unknown procedures return <see cref="RpcAcceptStat.ProcedureUnavailable"/>;
    /// arguments that do not decode (including trailing bytes) return <see cref="RpcAcceptStat.GarbageArgs"/>. Never
    /// throws for anything a client can send.
    /// </summary>
    RpcAcceptStat Dispatch(RpcCallContext context, ref XdrReader arguments, XdrBuf results);

    /// <summary>True if repeating the procedure is harmless, so its reply need not enter the duplicate request cache
    /// (as knfsd's RC_NOCACHE procedures: NULL, GETATTR, LOOKUP, READ…).</summary>
    bool IsIdempotent(uint version, uint procedure);
}
