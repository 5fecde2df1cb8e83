namespace FragNet.Xen.Abi;

/// <summary>Byte offsets of the netif.h structures, little-endian, naturally aligned (the C layout of each struct on
/// every Xen architecture).</summary>
internal static class NetifField
{
    // struct netif_tx_request, 12 bytes.
    public const int TxRequestGref = 0;
    public const int TxRequestOffset = 4;
    public const int TxRequestFlags = 6;
    public const int TxRequestId = 8;
    public const int TxRequestSize = 10;

    // struct netif_tx_response, 4 bytes (in a 12-byte ring slot).
    public const int TxResponseId = 0;
    public const int TxResponseStatus = 2;

    // struct netif_rx_request, 8 bytes: 2 bytes of padding align the grant reference.
    public const int RxRequestId = 0;
    public const int RxRequestPad = 2;
    public const int RxRequestGref = 4;

    // struct netif_rx_response, 8 bytes.
    public const int RxResponseId = 0;
    public const int RxResponseOffset = 2;
    public const int RxResponseFlags = 4;
    public const int RxResponseStatus = 6;

    // struct netif_extra_info, 8 bytes: the union u starts at 2 (its largest alignment is that of a u16).
    public const int ExtraType = 0;
    public const int ExtraFlags = 1;
    public const int ExtraUnion = 2;
    public const int ExtraUnionLength = 6;

    // u.gso, relative to the start of the struct.
    public const int ExtraGsoSize = 2;
    public const int ExtraGsoType = 4;
    public const int ExtraGsoPad = 5;
    public const int ExtraGsoFeatures = 6;

    // u.mcast.addr[6], relative to the start of the struct.
    public const int ExtraMcastAddress = 2;
}
