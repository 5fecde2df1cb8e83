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

    /// <summary>Copy packets shorter than <see cref="NetbackConfig.AdaptiveThreshold"/> — where a grant map and its
    /// unmap cost more than copying the bytes — and take larger ones as <see cref="CopyHeaderMapRest"/> does: the
    /// headers the stack reads copied into the linear area, the payload mapped with a fragment destructor. The
    /// threshold is the crossover <c>fragnet bench netback</c> measures on the machine.</summary>
    Adaptive,
}
