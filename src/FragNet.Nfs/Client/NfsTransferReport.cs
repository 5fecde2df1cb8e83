namespace FragNet.Nfs.Client;

/// <summary>What a put or get did.</summary>
/// <param name="Bytes">File bytes moved.</param>
/// <param name="Calls">READ or WRITE calls made (COMMIT excluded).</param>
/// <param name="RpcRetransmits">RPC retransmissions of those calls.</param>
/// <param name="PayloadBytesCopied">Payload bytes the RPC layer copied (per the send policy).</param>
/// <param name="Rewrites">Times the whole file was written again because the server's write verifier changed (a
/// reboot lost unstable data).</param>
public sealed record NfsTransferReport(long Bytes, long Calls, long RpcRetransmits, long PayloadBytesCopied, int Rewrites);
