using FragNet.Xen.Rings;

namespace FragNet.Xen.Abi;

/// <summary>Sizes and limits of the netif rings (netif.h and ring.h, for 4096-byte ring pages).</summary>
public static class NetifConstants
{
    /// <summary>
    /// Slots a backend must accept for one packet: netif.h's <c>XEN_NETIF_NR_SLOTS_MIN</c> = 18, which Linux netback
    /// calls <c>XEN_NETBK_LEGACY_SLOTS_MAX</c>. Frontends written before the limit was negotiable assume it, so a
    /// backend that accepts fewer breaks them; a frontend that sends more than a backend accepts has the packet
    /// dropped.
    /// </summary>
    public const int MaxSlotsPerPacket = 18;

    /// <summary>Bytes in a TX ring slot: the union of <see cref="NetifTxRequest"/> (12) and
    /// <see cref="NetifTxResponse"/> (4).</summary>
    public const int TxSlotSize = NetifTxRequest.WireSize;

    /// <summary>Bytes in an RX ring slot: the union of <see cref="NetifRxRequest"/> (8) and
    /// <see cref="NetifRxResponse"/> (8).</summary>
    public const int RxSlotSize = NetifRxResponse.WireSize;

    /// <summary>Slots in the TX ring: the largest power of two ≤ (4096 − 64) / 12 = 336, so 256
    /// (<see cref="SharedRingLayout.RingSize"/>).</summary>
    public const int TxRingSize = 256;

    /// <summary>Slots in the RX ring: the largest power of two ≤ (4096 − 64) / 8 = 504, so 256
    /// (<see cref="SharedRingLayout.RingSize"/>).</summary>
    public const int RxRingSize = 256;
}
