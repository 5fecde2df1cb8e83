using FragNet.Buffers;
using FragNet.Wire;

namespace FragNet.Stack;

/// <summary>A network device as the stack sees it: an Ethernet address, an MTU, offload features, and a transmit
/// function. Received frames go the other way, into <see cref="NetInterface.Receive"/>.</summary>
public interface INetDevice
{
    string Name { get; }

    EthernetAddress Address { get; }

    /// <summary>Largest IP packet per frame (1500 for Ethernet).</summary>
    int Mtu { get; }

    NetDeviceFeatures Features { get; }

    /// <summary>Transmits one frame; the device owns <paramref name="frame"/> from here (frees it at completion, or
    /// drops it with a reason). Never blocks.</summary>
    void Transmit(SkBuff frame, Instant now);
}
