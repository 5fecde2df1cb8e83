namespace FragNet.SunRpc.Rpc;

/// <summary><c>auth_flavor</c> (RFC 5531 §8.2 and the IANA registry).</summary>
public enum AuthFlavor : uint
{
    None = 0,
    Sys = 1,
    ShortHand = 2,
    Dh = 3,
    RpcSecGss = 6,
}
