namespace FragNet.SunRpc.Rpc;

/// <summary>Fixed numbers of ONC RPC version 2 (RFC 5531).</summary>
public static class RpcConstants
{
    /// <summary><c>rpcvers</c> of every call (RFC 5531 §9).</summary>
    public const uint RpcVersion = 2;

    /// <summary>Largest <c>opaque_auth</c> body (RFC 5531 §8.2).</summary>
    public const int MaxAuthBytes = 400;

    /// <summary>Largest AUTH_SYS machine name (RFC 5531 appendix A).</summary>
    public const int MaxMachineName = 255;

    /// <summary>Most supplementary groups in AUTH_SYS (RFC 5531 appendix A).</summary>
    public const int MaxAuthSysGroups = 16;
}
