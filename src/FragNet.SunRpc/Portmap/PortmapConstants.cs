namespace FragNet.SunRpc.Portmap;

/// <summary>Fixed numbers of the port mapper, version 2 (RFC 1833 §3).</summary>
public static class PortmapConstants
{
    /// <summary><c>PMAP_PROG</c>: the port mapper's program number.</summary>
    public const uint Program = 100000;

    /// <summary><c>PMAP_VERS</c>: the only version this package speaks.</summary>
    public const uint Version = 2;

    /// <summary>The well-known port the port mapper listens on, over both TCP and UDP (RFC 1833 §3).</summary>
    public const ushort Port = 111;

    /// <summary><c>IPPROTO_TCP</c>: the <see cref="PortmapMapping.Protocol"/> of a TCP service.</summary>
    public const uint ProtocolTcp = 6;

    /// <summary><c>IPPROTO_UDP</c>: the <see cref="PortmapMapping.Protocol"/> of a UDP service.</summary>
    public const uint ProtocolUdp = 17;
}
