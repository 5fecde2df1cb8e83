using FragNet.Wire;

namespace FragNet.Stack;

/// <summary>An ICMP echo reply this interface received (RFC 792), as <see cref="NetInterface.TryTakeEchoReply"/> reports
/// it: who answered, the identifier and sequence number it echoed, its data, the IP time to live, and when the frame
/// arrived — the <c>now</c> the interface was given with it, so a round trip is <c>ReceivedAt - sent</c> on the
/// caller's own clock.</summary>
public readonly record struct EchoReply(Ipv4Address Source, ushort Identifier, ushort SequenceNumber, byte TimeToLive, ReadOnlyMemory<byte> Data, Instant ReceivedAt);
