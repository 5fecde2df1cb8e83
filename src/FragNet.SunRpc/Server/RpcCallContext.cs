using FragNet.Stack;
using FragNet.SunRpc.Rpc;

namespace FragNet.SunRpc.Server;

/// <summary>What a program learns about the call it executes.</summary>
/// <param name="Header">The decoded call header (xid, program, version, procedure, credential).</param>
/// <param name="Client">The caller's address and port.</param>
/// <param name="Now">Virtual (or host) time of the call.</param>
public sealed record RpcCallContext(RpcCallHeader Header, Ipv4Endpoint Client, FragNet.Instant Now)
{
    /// <summary>The AUTH_SYS credential, or null for AUTH_NONE or a malformed one.</summary>
    public AuthSysParameters? Sys { get; } = Header.Credential.AsSys();
}
