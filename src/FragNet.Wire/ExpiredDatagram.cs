namespace FragNet.Wire;

/// <summary>Told of a datagram <see cref="Ipv4Reassembler"/> gave up on whose first fragment had arrived: that
/// fragment's header and its first payload bytes (at most 8).</summary>
public delegate void ExpiredDatagram(in Ipv4Repr firstFragmentHeader, ReadOnlySpan<byte> firstBytes);
