namespace FragNet.Host.Interop;

/// <summary>
/// The TUN/TAP ABI (linux/if_tun.h, linux/if.h, linux/sockios.h; 64-bit Linux). The ioctl numbers are the header's
/// <c>_IOW('T', n, int)</c> and <c>_IOR</c> values, spelled out: <c>_IOW(type, nr, size) = 1 &lt;&lt; 30 | size &lt;&lt; 16 |
/// type &lt;&lt; 8 | nr</c> with size 4.
/// </summary>
internal static class Tun
{
    /// <summary>The clone device every TAP is opened through.</summary>
    public const string CloneDevice = "/dev/net/tun";

    /// <summary><c>TUNSETIFF = _IOW('T', 202, int)</c>: attach this file to the named device, creating it if absent.</summary>
    public const nuint TUNSETIFF = 0x400454ca;

    /// <summary><c>TUNSETOFFLOAD = _IOW('T', 208, unsigned int)</c>: the TUN_F_* offloads this reader accepts.</summary>
    public const nuint TUNSETOFFLOAD = 0x400454d0;

    /// <summary><c>TUNSETVNETHDRSZ = _IOW('T', 216, int)</c>: the length of the virtio header before each frame.</summary>
    public const nuint TUNSETVNETHDRSZ = 0x400454d8;

    /// <summary><c>TUNSETSNDBUF = _IOW('T', 212, int)</c>: the device's send buffer (frames written, not yet taken).</summary>
    public const nuint TUNSETSNDBUF = 0x400454d4;

    public const short IFF_TUN = 0x0001;
    public const short IFF_TAP = 0x0002;
    public const short IFF_NO_PI = 0x1000;
    public const short IFF_VNET_HDR = 0x4000;

    /// <summary>You can hand me unchecksummed packets (the reader accepts VIRTIO_NET_HDR_F_NEEDS_CSUM).</summary>
    public const uint TUN_F_CSUM = 0x01;

    /// <summary>The reader accepts TCP over IPv4 super-packets (VIRTIO_NET_HDR_GSO_TCPV4).</summary>
    public const uint TUN_F_TSO4 = 0x02;

    /// <summary>Interface names are at most IFNAMSIZ - 1 = 15 bytes.</summary>
    public const int IFNAMSIZ = 16;

    public const nuint SIOCGIFFLAGS = 0x8913;
    public const nuint SIOCSIFFLAGS = 0x8914;
    public const nuint SIOCGIFINDEX = 0x8933;
    public const short IFF_UP = 0x1;
}
