namespace FragNet.Xen.Netif;

/// <summary>What adaptive netback learned about packets of <paramref name="MinSize"/>..<paramref name="MaxSize"/>
/// bytes: the mode it uses for them now and what each candidate mode cost netback per packet when last measured.</summary>
/// <param name="MinSize">Smallest packet of the class (a power of two).</param>
/// <param name="MaxSize">Largest packet of the class.</param>
/// <param name="Chosen">The mode in use; null while nothing has been measured yet.</param>
/// <param name="Packets">Packets of the class so far.</param>
/// <param name="Probes">Probes run: the first (every candidate), then one per turn that was not skipped (another
/// candidate against the chosen one; see <see cref="AdaptiveModeSelector.FirstInterval"/>).</param>
/// <param name="Switches">Times the chosen mode changed after the first choice.</param>
/// <param name="NsPerPacket">The last estimate per candidate mode, in nanoseconds of netback's work per packet
/// (absent: not measured yet).</param>
public sealed record AdaptiveSizeClass(
    int MinSize, int MaxSize, NetbackMode? Chosen, long Packets, long Probes, long Switches, IReadOnlyDictionary<NetbackMode, double> NsPerPacket)
{
    /// <summary>Packets of the class so far by the mode they were sent in (probes included); they add up to
    /// <see cref="Packets"/>.</summary>
    public IReadOnlyDictionary<NetbackMode, long> PacketsByMode { get; init; } = new Dictionary<NetbackMode, long>();

    /// <summary>Times the class's turns started over because a mode's cost moved by a factor of more than
    /// <see cref="AdaptiveModeSelector.Drift"/> between two probes.</summary>
    public long Restarts { get; init; }

    /// <summary>True while the class is young (<see cref="AdaptiveModeSelector.Youth"/>): its turns come at least
    /// once per <see cref="AdaptiveModeSelector.YoungInterval"/> packets.</summary>
    public bool Young { get; init; }
}
