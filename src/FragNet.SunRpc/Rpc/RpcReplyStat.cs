namespace FragNet.SunRpc.Rpc;

/// <summary><c>reply_stat</c> (RFC 5531 §9).</summary>
public enum RpcReplyStat : uint
{
    Accepted = 0,
    Denied = 1,
}
