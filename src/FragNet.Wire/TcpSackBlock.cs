namespace FragNet.Wire;

/// <summary>One block of a SACK option (RFC 2018 §3): a contiguous range of received data beyond the cumulative
/// acknowledgment.</summary>
/// <param name="Left">Left edge: the first sequence number of the block.</param>
/// <param name="Right">Right edge: the sequence number just after the last byte of the block.</param>
public readonly record struct TcpSackBlock(TcpSeqNumber Left, TcpSeqNumber Right);
