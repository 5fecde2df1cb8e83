using FragNet.Buffers;

namespace FragNet.Wire;

/// <summary>
/// What <c>Emit</c> writes into a checksum field (Linux's transmit side of "DOC: skb checksums").
/// </summary>
public enum ChecksumMode
{
    /// <summary>Compute the full checksum in software (<see cref="ChecksumState.None"/> on transmit: the packet is
    /// complete).</summary>
    Compute = 0,

    /// <summary>Write only the folded pseudo-header sum, not complemented, so that a device (or a later software pass)
    /// completes it over the transport header and payload (<see cref="ChecksumState.Partial"/>, Linux
    /// <c>CHECKSUM_PARTIAL</c>). TCP and UDP only: IPv4 and ICMP have no pseudo-header.</summary>
    Partial,

    /// <summary>Leave the field zero: a UDP datagram without a checksum (RFC 768), or a field that something else
    /// fills in later.</summary>
    Zero,
}
