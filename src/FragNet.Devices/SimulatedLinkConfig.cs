namespace FragNet.Devices;

/// <summary>A point-to-point Ethernet link's physics.</summary>
public sealed record SimulatedLinkConfig
{
    /// <summary>Bits per second each way; 0 for a link that serializes instantly.</summary>
    public long BitsPerSecond { get; init; } = 10_000_000_000;

    /// <summary>One-way propagation delay.</summary>
    public Duration Propagation { get; init; } = Duration.FromMicroseconds(50);

    /// <summary>IP MTU of both ends.</summary>
    public int Mtu { get; init; } = 1500;

    /// <summary>Frames a NIC's TX ring holds (transmitting or waiting); beyond it frames are dropped
    /// (<c>DropReason.QueueFull</c>).</summary>
    public int TxRing { get; init; } = 256;
}
