namespace FragNet.Devices;

/// <summary>What <see cref="TcpTransfer"/> runs: two stacks on one simulated link, one sending to the other.</summary>
public sealed record TcpTransferOptions
{
    public long Bytes { get; init; } = 10_000_000;

    public ulong Seed { get; init; } = 1;

    /// <summary>Loss probability per frame, both directions.</summary>
    public double Loss { get; init; }

    /// <summary>Reorder probability per frame, both directions.</summary>
    public double Reorder { get; init; }

    /// <summary>Duplication probability per frame, both directions.</summary>
    public double Duplicate { get; init; }

    /// <summary>Probability of flipping a byte of a frame's payload (past the Ethernet, IPv4 and TCP headers with
    /// timestamps), each direction: only the TCP checksum can catch it.</summary>
    public double Corrupt { get; init; }

    /// <summary>Delay every N-th frame from the receiver by <see cref="Delay"/> (the talk's netoutage); 0 for none.</summary>
    public int DelayOneIn { get; init; }

    public Duration Delay { get; init; } = Duration.FromSeconds(60);

    public int Mtu { get; init; } = 1500;

    public long BitsPerSecond { get; init; } = 10_000_000_000;

    public Duration Latency { get; init; } = Duration.FromMilliseconds(1);

    /// <summary>Send the caller's pages (SendPages with fragment destructors) instead of copying.</summary>
    public bool ZeroCopy { get; init; }

    /// <summary>Let the NIC segment (TSO); otherwise the stack segments in software.</summary>
    public bool Tso { get; init; }

    /// <summary>Both NICs checksum in hardware (<see cref="FragNet.Stack.NetDeviceFeatures.TxChecksum"/> and
    /// <see cref="FragNet.Stack.NetDeviceFeatures.RxChecksum"/>): the stacks hand over partial checksums and skip verifying.</summary>
    public bool ChecksumOffload { get; init; }

    /// <summary>Write a capture of every frame here (null for none).</summary>
    public Stream? Capture { get; init; }

    /// <summary>Generate, hash and check every byte (the default). Off for goodput measurements: the sender repeats
    /// one pre-filled chunk and the receiver only counts, so the figure is the stacks' cost alone.</summary>
    public bool Verify { get; init; } = true;

    /// <summary>Give up after this much virtual time.</summary>
    public Duration TimeLimit { get; init; } = Duration.FromSeconds(3600);
}
