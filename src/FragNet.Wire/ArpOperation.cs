namespace FragNet.Wire;

/// <summary>The ARP opcode (RFC 826, "ar$op"; IANA "ARP Parameters"). This stack speaks requests and replies only.</summary>
public enum ArpOperation : ushort
{
    /// <summary>Who has the target protocol address? (ares_op$REQUEST).</summary>
    Request = 1,

    /// <summary>The sender has the protocol address asked for (ares_op$REPLY).</summary>
    Reply = 2,
}
