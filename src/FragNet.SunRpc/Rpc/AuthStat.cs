namespace FragNet.SunRpc.Rpc;

/// <summary><c>auth_stat</c> (RFC 5531 §9): why authentication failed.</summary>
public enum AuthStat : uint
{
    Ok = 0,
    BadCredential = 1,
    RejectedCredential = 2,
    BadVerifier = 3,
    RejectedVerifier = 4,
    TooWeak = 5,
    InvalidResponse = 6,
    Failed = 7,
}
