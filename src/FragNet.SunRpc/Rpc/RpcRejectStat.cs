namespace FragNet.SunRpc.Rpc;

/// <summary><c>reject_stat</c> (RFC 5531 §9): why a call was denied.</summary>
public enum RpcRejectStat : uint
{
    /// <summary><c>rpcvers</c> was not 2; the reply carries the supported range.</summary>
    RpcMismatch = 0,

    /// <summary>Authentication failed; an <see cref="AuthStat"/> follows.</summary>
    AuthError = 1,
}
