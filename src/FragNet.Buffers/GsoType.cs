namespace FragNet.Buffers;

/// <summary>Kinds of generic segmentation offload (bit values as Linux <c>SKB_GSO_*</c>).</summary>
[Flags]
public enum GsoType
{
    None = 0,

    /// <summary>TCP over IPv4 (<c>SKB_GSO_TCPV4</c>).</summary>
    TcpV4 = 1 << 0,

    /// <summary>The packet came from an untrusted source; headers must be verified (<c>SKB_GSO_DODGY</c>).</summary>
    Dodgy = 1 << 1,

    /// <summary>The TCP segments need ECN's CWR set on the first one only (<c>SKB_GSO_TCP_ECN</c>).</summary>
    TcpEcn = 1 << 2,

    /// <summary>Keep the IPv4 id fixed across segments (<c>SKB_GSO_TCP_FIXEDID</c>).</summary>
    TcpFixedId = 1 << 3,

    /// <summary>TCP over IPv6 (<c>SKB_GSO_TCPV6</c>).</summary>
    TcpV6 = 1 << 4,

    /// <summary>UDP segmentation (<c>SKB_GSO_UDP_L4</c>).</summary>
    UdpL4 = 1 << 16,

    /// <summary>Segment along the frag list (<c>SKB_GSO_FRAGLIST</c>).</summary>
    FragList = 1 << 18,
}
