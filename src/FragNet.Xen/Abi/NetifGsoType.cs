namespace FragNet.Xen.Abi;

/// <summary>The GSO type in <c>u.gso.type</c> of a <see cref="NetifExtraInfo"/> (netif.h,
/// <c>XEN_NETIF_GSO_TYPE_*</c>).</summary>
public enum NetifGsoType : byte
{
    /// <summary><c>XEN_NETIF_GSO_TYPE_NONE</c>: no segmentation.</summary>
    None = 0,

    /// <summary><c>XEN_NETIF_GSO_TYPE_TCPV4</c>: TCP over IPv4 segmentation.</summary>
    TcpV4 = 1,

    /// <summary><c>XEN_NETIF_GSO_TYPE_TCPV6</c>: TCP over IPv6 segmentation.</summary>
    TcpV6 = 2,
}
