using FragNet.Stack;

namespace FragNet.SunRpc.Server;

/// <summary>What identifies a request in the <see cref="ReplyCache"/>, as Linux knfsd's <c>nfsd_cache_key</c>: xid,
/// the client's address and port, program, version, procedure, the argument length and an Internet checksum of the
/// first <see cref="ReplyCache.ChecksumBytes"/> argument bytes — so a different request that reuses an xid (a client
/// reboot, a stale retransmission carrying different data) is not mistaken for a retransmission.</summary>
public readonly record struct ReplyCacheKey(uint Xid, Ipv4Endpoint Client, uint Program, uint Version, uint Procedure, int ArgumentLength, ushort Checksum);
