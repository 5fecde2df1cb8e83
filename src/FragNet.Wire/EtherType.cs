namespace FragNet.Wire;

/// <summary>
/// The Ethernet II type field (IEEE 802.3 §3.2.6, IANA "IEEE 802 Numbers"). Values of 0x0600 and above name the
/// payload's protocol; smaller values are IEEE 802.3 length fields, not types. Any 16-bit value can be held, so
/// unknown types survive parse and emit.
/// </summary>
public enum EtherType : ushort
{
    /// <summary>Internet Protocol version 4 (RFC 894).</summary>
    Ipv4 = 0x0800,

    /// <summary>Address Resolution Protocol (RFC 826).</summary>
    Arp = 0x0806,

    /// <summary>IEEE 802.1Q VLAN tag (recognised by name only; this stack does not handle VLANs).</summary>
    Vlan = 0x8100,

    /// <summary>Internet Protocol version 6 (RFC 2464).</summary>
    Ipv6 = 0x86DD,
}
