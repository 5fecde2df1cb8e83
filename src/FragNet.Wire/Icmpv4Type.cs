namespace FragNet.Wire;

/// <summary>
/// The ICMPv4 type field (RFC 792; IANA "ICMP Type Numbers"). Any 8-bit value can be held: types this stack does not
/// interpret are kept raw by <see cref="Icmpv4Repr"/> and re-emitted exactly.
/// </summary>
public enum Icmpv4Type : byte
{
    /// <summary>Echo reply (RFC 792).</summary>
    EchoReply = 0,

    /// <summary>Destination unreachable (RFC 792; code 4 carries the next-hop MTU, RFC 1191 §4).</summary>
    DestinationUnreachable = 3,

    /// <summary>Source quench (RFC 792; deprecated by RFC 6633).</summary>
    SourceQuench = 4,

    /// <summary>Redirect (RFC 792).</summary>
    Redirect = 5,

    /// <summary>Echo request (RFC 792).</summary>
    EchoRequest = 8,

    /// <summary>Router advertisement (RFC 1256).</summary>
    RouterAdvertisement = 9,

    /// <summary>Router solicitation (RFC 1256).</summary>
    RouterSolicitation = 10,

    /// <summary>Time exceeded (RFC 792).</summary>
    TimeExceeded = 11,

    /// <summary>Parameter problem (RFC 792).</summary>
    ParameterProblem = 12,

    /// <summary>Timestamp request (RFC 792).</summary>
    Timestamp = 13,

    /// <summary>Timestamp reply (RFC 792).</summary>
    TimestampReply = 14,
}
