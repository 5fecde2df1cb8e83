namespace FragNet.Xen.Netif;

/// <summary>How netback takes a guest's transmitted pages into the stack (brief §4).</summary>
public enum NetbackMode
{
    /// <summary>Grant-copy every byte into local pages and answer at once (mainline 2011).</summary>
    Copy,

    /// <summary>Map the guest pages and flag them foreign: the classic page-level destructor answers the guest when a
    /// page's last reference goes (the out-of-tree Xen patch mainline refused).</summary>
    MapForeign,

    /// <summary>Map the guest pages and attach a fragment destructor: unmap and answer exactly when the stack let go
    /// of every clone, segment and copy (the talk).</summary>
    MapDestructor,

    /// <summary>Grant-copy the first 128 bytes into the linear area, map the rest with a fragment destructor
    /// (mainline from 2014).</summary>
    CopyHeaderMapRest,

    /// <summary>Measure, for each size class, what every fixed mode above costs netback on the live traffic and use
    /// the cheapest (<see cref="AdaptiveModeSelector"/>, with <see cref="NetbackConfig.WorkClock"/>): small packets,
    /// whose fixed costs dominate, end up copied, large ones mapped. Without a work clock: copy packets shorter than
    /// <see cref="NetbackConfig.AdaptiveThreshold"/> and take larger ones as <see cref="CopyHeaderMapRest"/> does.</summary>
    Adaptive,
}
