namespace FragNet.Wire;

/// <summary>Byte offsets, masks and limits of the IPv4 header (RFC 791 §3.1).</summary>
public static class Ipv4Field
{
    /// <summary>Version (high nibble) and IHL, the header length in 32-bit words (low nibble).</summary>
    public const int VersionAndHeaderLength = 0;

    /// <summary>DSCP (high 6 bits, RFC 2474) and ECN (low 2 bits, RFC 3168): the former type of service.</summary>
    public const int DscpAndEcn = 1;

    /// <summary>Total length of the datagram, header included, 2 bytes.</summary>
    public const int TotalLength = 2;

    /// <summary>Identification, 2 bytes.</summary>
    public const int Identification = 4;

    /// <summary>Flags (3 bits) and fragment offset in 8-byte units (13 bits), 2 bytes.</summary>
    public const int FlagsAndFragmentOffset = 6;

    /// <summary>Time to live, 1 byte.</summary>
    public const int TimeToLive = 8;

    /// <summary>Protocol, 1 byte.</summary>
    public const int Protocol = 9;

    /// <summary>Header checksum, 2 bytes.</summary>
    public const int Checksum = 10;

    /// <summary>Source address, 4 bytes.</summary>
    public const int Source = 12;

    /// <summary>Destination address, 4 bytes.</summary>
    public const int Destination = 16;

    /// <summary>First option byte.</summary>
    public const int Options = 20;

    /// <summary>Header without options (IHL 5).</summary>
    public const int MinHeaderLength = 20;

    /// <summary>Header with the most options (IHL 15).</summary>
    public const int MaxHeaderLength = 60;

    /// <summary>The version this stack speaks.</summary>
    public const int Version4 = 4;

    /// <summary>Reserved flag bit ("must be zero"); ignored on receive, sent as zero.</summary>
    public const ushort FlagReserved = 0x8000;

    /// <summary>Don't Fragment.</summary>
    public const ushort FlagDontFragment = 0x4000;

    /// <summary>More Fragments.</summary>
    public const ushort FlagMoreFragments = 0x2000;

    /// <summary>Fragment offset bits (in 8-byte units).</summary>
    public const ushort FragmentOffsetMask = 0x1FFF;

    /// <summary>Largest total length (16-bit field).</summary>
    public const int MaxTotalLength = 65535;

    /// <summary>Largest fragment offset in bytes (8191 units of 8).</summary>
    public const int MaxFragmentOffset = FragmentOffsetMask * 8;

    /// <summary>Smallest MTU every IPv4 module must forward without further fragmentation (RFC 791 §3.2: a 60-byte
    /// header and an 8-byte fragment).</summary>
    public const int MinMtu = 68;
}
