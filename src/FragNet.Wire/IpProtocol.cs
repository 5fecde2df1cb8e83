namespace FragNet.Wire;

/// <summary>
/// The IPv4 protocol field (RFC 791 §3.1; IANA "Assigned Internet Protocol Numbers"). Any 8-bit value can be held,
/// so unknown protocols survive parse and emit.
/// </summary>
public enum IpProtocol : byte
{
    /// <summary>Internet Control Message Protocol (RFC 792).</summary>
    Icmp = 1,

    /// <summary>Internet Group Management Protocol (RFC 3376).</summary>
    Igmp = 2,

    /// <summary>Transmission Control Protocol (RFC 9293).</summary>
    Tcp = 6,

    /// <summary>User Datagram Protocol (RFC 768).</summary>
    Udp = 17,

    /// <summary>ICMP for IPv6 (RFC 4443).</summary>
    Icmpv6 = 58,
}
