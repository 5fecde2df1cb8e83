using FragNet.Wire;

namespace FragNet.Host.Tap;

/// <summary>How to open a <see cref="TapDevice"/>.</summary>
public sealed record TapOptions
{
    /// <summary>Default frames read per <see cref="TapDevice.Poll"/> before the loop gets to run everything else.</summary>
    public const int DefaultReceiveBudget = 256;

    /// <summary>Default frames held while the kernel refuses writes (EAGAIN).</summary>
    public const int DefaultTransmitQueueLimit = 256;

    /// <summary>Creates options for the TAP named <paramref name="name"/> (1 to 15 bytes, as <c>ip link</c> shows it).</summary>
    public TapOptions(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
    }

    /// <summary>The interface name.</summary>
    public string Name { get; init; }

    /// <summary>The network namespace the TAP lives in (a name under <c>/var/run/netns</c>, as <c>ip netns add</c>
    /// makes them); null for the caller's own. The device is opened from a short-lived thread that joined the
    /// namespace, so the calling process never leaves its own.</summary>
    public string? Namespace { get; init; }

    /// <summary>Attach, create, or either.</summary>
    public TapOpenMode Mode { get; init; } = TapOpenMode.Attach;

    /// <summary>Open with <c>IFF_VNET_HDR</c> and accept checksum and TSO offloads: 64 KiB TCP super-packets and
    /// partial checksums cross to the kernel unsegmented, and the device advertises
    /// <c>ScatterGather | Tso | TxChecksum | RxChecksum</c>.</summary>
    public bool VnetHeader { get; init; }

    /// <summary>FragNet's own Ethernet address on the wire (not the kernel side's); null for a random locally
    /// administered unicast one.</summary>
    public EthernetAddress? Address { get; init; }

    /// <summary>Largest IP packet per frame; match the kernel side's MTU.</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>Frames held while writes would block; more are dropped (<c>DropReason.QueueFull</c>).</summary>
    public int TransmitQueueLimit { get; init; } = DefaultTransmitQueueLimit;

    /// <summary>Frames read per poll at most.</summary>
    public int ReceiveBudget { get; init; } = DefaultReceiveBudget;
}
