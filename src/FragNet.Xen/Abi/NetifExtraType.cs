namespace FragNet.Xen.Abi;

/// <summary>The <c>type</c> of a <see cref="NetifExtraInfo"/> slot (netif.h, <c>XEN_NETIF_EXTRA_TYPE_*</c>).</summary>
public enum NetifExtraType : byte
{
    /// <summary><c>XEN_NETIF_EXTRA_TYPE_NONE</c>: never used on the ring.</summary>
    None = 0,

    /// <summary><c>XEN_NETIF_EXTRA_TYPE_GSO</c>: the union is <c>u.gso</c>.</summary>
    Gso = 1,

    /// <summary><c>XEN_NETIF_EXTRA_TYPE_MCAST_ADD</c>: the union is <c>u.mcast</c>, an address to add.</summary>
    McastAdd = 2,

    /// <summary><c>XEN_NETIF_EXTRA_TYPE_MCAST_DEL</c>: the union is <c>u.mcast</c>, an address to delete.</summary>
    McastDel = 3,

    /// <summary><c>XEN_NETIF_EXTRA_TYPE_HASH</c>: the union is <c>u.hash</c> (not produced by this model; the raw
    /// bytes survive a read and write).</summary>
    Hash = 4,

    /// <summary><c>XEN_NETIF_EXTRA_TYPE_XDP</c>: the union is <c>u.xdp</c> (not produced by this model; the raw bytes
    /// survive a read and write).</summary>
    Xdp = 5,
}
