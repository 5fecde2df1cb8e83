namespace FragNet.Wire;

/// <summary>
/// TCP option kinds (RFC 9293 §3.2; IANA "TCP Option Kind Numbers"). The first six are interpreted by
/// <see cref="TcpOptions"/>; the rest are named for reading and, like any unknown kind, kept raw and re-emitted.
/// </summary>
public static class TcpOptionKind
{
    /// <summary>End of Option List (RFC 9293 §3.2); what follows is padding.</summary>
    public const byte EndOfOptionList = 0;

    /// <summary>No-Operation (RFC 9293 §3.2), one byte.</summary>
    public const byte NoOperation = 1;

    /// <summary>Maximum Segment Size (RFC 9293 §3.2, §3.7.1), length 4.</summary>
    public const byte MaxSegmentSize = 2;

    /// <summary>Window Scale (RFC 7323 §2), length 3.</summary>
    public const byte WindowScale = 3;

    /// <summary>SACK-Permitted (RFC 2018 §2), length 2.</summary>
    public const byte SackPermitted = 4;

    /// <summary>SACK (RFC 2018 §3), length 2 + 8 per block, 1 to 4 blocks.</summary>
    public const byte Sack = 5;

    /// <summary>Timestamps (RFC 7323 §3), length 10.</summary>
    public const byte Timestamps = 8;

    /// <summary>MD5 Signature (RFC 2385, obsoleted by TCP-AO), length 18; kept raw.</summary>
    public const byte Md5Signature = 19;

    /// <summary>User Timeout (RFC 5482), length 4; kept raw.</summary>
    public const byte UserTimeout = 28;

    /// <summary>TCP Authentication Option (RFC 5925); kept raw.</summary>
    public const byte AuthenticationOption = 29;

    /// <summary>Multipath TCP (RFC 8684); kept raw.</summary>
    public const byte Multipath = 30;

    /// <summary>TCP Fast Open cookie (RFC 7413); kept raw.</summary>
    public const byte FastOpen = 34;

    /// <summary>RFC 3692-style experiment 1 (RFC 6994); kept raw.</summary>
    public const byte Experiment1 = 253;

    /// <summary>RFC 3692-style experiment 2 (RFC 6994); kept raw.</summary>
    public const byte Experiment2 = 254;
}
