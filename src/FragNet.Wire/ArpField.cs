namespace FragNet.Wire;

/// <summary>
/// Byte offsets of an ARP packet (RFC 826). The fixed part is 8 bytes; the addresses that follow have the lengths
/// given by <see cref="HardwareLength"/> and <see cref="ProtocolLength"/>. The address offsets here are those of
/// Ethernet/IPv4 (6-byte hardware, 4-byte protocol addresses), the only combination this stack speaks.
/// </summary>
public static class ArpField
{
    /// <summary>Hardware type (ar$hrd), 2 bytes.</summary>
    public const int HardwareType = 0;

    /// <summary>Protocol type (ar$pro), 2 bytes, an EtherType.</summary>
    public const int ProtocolType = 2;

    /// <summary>Hardware address length (ar$hln), 1 byte.</summary>
    public const int HardwareLength = 4;

    /// <summary>Protocol address length (ar$pln), 1 byte.</summary>
    public const int ProtocolLength = 5;

    /// <summary>Opcode (ar$op), 2 bytes.</summary>
    public const int Operation = 6;

    /// <summary>Bytes before the addresses.</summary>
    public const int FixedLength = 8;

    /// <summary>Sender hardware address (ar$sha) for Ethernet/IPv4.</summary>
    public const int SenderHardwareAddress = 8;

    /// <summary>Sender protocol address (ar$spa) for Ethernet/IPv4.</summary>
    public const int SenderProtocolAddress = 14;

    /// <summary>Target hardware address (ar$tha) for Ethernet/IPv4.</summary>
    public const int TargetHardwareAddress = 18;

    /// <summary>Target protocol address (ar$tpa) for Ethernet/IPv4.</summary>
    public const int TargetProtocolAddress = 24;

    /// <summary>Bytes of an Ethernet/IPv4 ARP packet.</summary>
    public const int EthernetIpv4Length = 28;

    /// <summary>Hardware type of Ethernet (IANA "ARP Parameters": 1).</summary>
    public const ushort HardwareTypeEthernet = 1;
}
