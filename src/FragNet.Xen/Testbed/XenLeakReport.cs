namespace FragNet.Xen.Testbed;

/// <summary>What was left behind at teardown; all zero when nothing leaked.</summary>
public sealed record XenLeakReport
{
    /// <summary>Guest packets the backend's stack never released.</summary>
    public int PacketsHeld { get; init; }

    /// <summary>Grant mappings not unmapped.</summary>
    public int GrantsMapped { get; init; }

    /// <summary>Grant entries the hypervisor still has pinned.</summary>
    public int GrantsPinned { get; init; }

    /// <summary>Guest grants not ended.</summary>
    public int GrantsInUse { get; init; }

    /// <summary>Grants the guest could not end because they were still mapped.</summary>
    public long EndAccessFailures { get; init; }

    /// <summary>Socket buffers not freed.</summary>
    public long BuffersLive { get; init; }

    /// <summary>Pool pages not returned plus guest frames still referenced.</summary>
    public long PagesOutstanding { get; init; }

    /// <summary>Fragment destructors created whose <c>Destroy</c> never ran.</summary>
    public long DestructorsPending { get; init; }

    public bool IsClean => DestructorsPending == 0 && PacketsHeld == 0 && GrantsMapped == 0 && GrantsPinned == 0 && GrantsInUse == 0
        && EndAccessFailures == 0 && BuffersLive == 0 && PagesOutstanding == 0;
}
