namespace FragNet.Wire;

/// <summary>
/// IPv4 option type octets (RFC 791 §3.1; IANA "IP Option Numbers"). The octet is a copied flag (bit 7: copy into
/// every fragment), a class (bits 5–6) and a number (bits 0–4). Options are kept raw; these names are for reading.
/// </summary>
public static class Ipv4OptionKind
{
    /// <summary>End of Option List; what follows is padding.</summary>
    public const byte EndOfOptionList = 0;

    /// <summary>No Operation, one byte (used to align the next option).</summary>
    public const byte NoOperation = 1;

    /// <summary>Record Route (RFC 791); not copied.</summary>
    public const byte RecordRoute = 7;

    /// <summary>Internet Timestamp (RFC 791); not copied.</summary>
    public const byte Timestamp = 68;

    /// <summary>Security (RFC 1108); copied.</summary>
    public const byte Security = 130;

    /// <summary>Loose Source and Record Route (RFC 791); copied.</summary>
    public const byte LooseSourceRoute = 131;

    /// <summary>Stream Identifier (RFC 791, obsolete); copied.</summary>
    public const byte StreamId = 136;

    /// <summary>Strict Source and Record Route (RFC 791); copied.</summary>
    public const byte StrictSourceRoute = 137;

    /// <summary>Router Alert (RFC 2113); copied.</summary>
    public const byte RouterAlert = 148;

    /// <summary>The copied flag: an option with it set goes into every fragment (RFC 791 §3.2).</summary>
    public const byte CopiedFlag = 0x80;
}
