namespace FragNet.Wire;

/// <summary>The Timestamps option (RFC 7323 §3): the sender's clock and the echo of the peer's.</summary>
/// <param name="Value">TSval: the sender's timestamp clock.</param>
/// <param name="EchoReply">TSecr: the most recent TSval received from the peer (0 in a SYN).</param>
public readonly record struct TcpTimestamp(uint Value, uint EchoReply);
