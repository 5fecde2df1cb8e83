namespace FragNet.Xen.Abi;

/// <summary>
/// The <c>int16_t status</c> of a response (netif.h, <c>XEN_NETIF_RSP_*</c>). A TX response carries one of these; an RX
/// response carries a negative one of these on failure and otherwise the number of bytes received into the slot
/// (so <see cref="NetifRxResponse.Status"/> is a plain <see cref="short"/>).
/// </summary>
public enum NetifResponseStatus : short
{
    /// <summary><c>XEN_NETIF_RSP_DROPPED</c>: the packet was dropped.</summary>
    Dropped = -2,

    /// <summary><c>XEN_NETIF_RSP_ERROR</c>: the request was malformed or could not be handled.</summary>
    Error = -1,

    /// <summary><c>XEN_NETIF_RSP_OKAY</c>: done.</summary>
    Okay = 0,

    /// <summary><c>XEN_NETIF_RSP_NULL</c>: a placeholder response for a slot that needs none of its own (the slot of
    /// an extra-info request).</summary>
    Null = 1,
}
