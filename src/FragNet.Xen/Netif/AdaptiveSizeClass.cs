namespace FragNet.Xen.Netif;

/// <summary>What adaptive netback learned about packets of <paramref name="MinSize"/>..<paramref name="MaxSize"/>
/// bytes: the mode it uses for them now and what each candidate mode cost netback per packet when last measured.</summary>
/// <param name="MinSize">Smallest packet of the class (a power of two).</param>
/// <param name="MaxSize">Largest packet of the class.</param>
/// <param name="Chosen">The mode in use; null while nothing has been measured yet.</param>
/// <param name="Packets">Packets of the class so far.</param>
/// <param name="Probes">Probe windows run (each candidate once to start, then one every
/// <see cref="AdaptiveModeSelector.ProbeEvery"/> packets).</param>
/// <param name="Switches">Times the chosen mode changed after the first choice.</param>
/// <param name="NsPerPacket">The last estimate per candidate mode, in nanoseconds of netback's work per packet
/// (absent: not measured yet).</param>
public sealed record AdaptiveSizeClass(
    int MinSize, int MaxSize, NetbackMode? Chosen, long Packets, long Probes, long Switches, IReadOnlyDictionary<NetbackMode, double> NsPerPacket);
