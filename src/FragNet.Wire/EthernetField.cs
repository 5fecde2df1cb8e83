namespace FragNet.Wire;

/// <summary>Byte offsets of the Ethernet II header (IEEE 802.3 §3.1.1, without preamble and FCS).</summary>
public static class EthernetField
{
    /// <summary>Destination address, 6 bytes.</summary>
    public const int Destination = 0;

    /// <summary>Source address, 6 bytes.</summary>
    public const int Source = 6;

    /// <summary>EtherType, 2 bytes big-endian.</summary>
    public const int EtherType = 12;

    /// <summary>First payload byte; also the header length.</summary>
    public const int Payload = 14;

    /// <summary>Bytes in the header.</summary>
    public const int HeaderLength = 14;

    /// <summary>Smallest EtherType value; anything below is an IEEE 802.3 length field.</summary>
    public const ushort MinEtherType = 0x0600;

    /// <summary>Smallest frame without FCS (64-byte minimum minus 4-byte FCS); shorter frames are padded.</summary>
    public const int MinFrameLength = 60;
}
