namespace FragNet.Xen.Testbed;

/// <summary>What netback delivered for a request a guest kept rewriting (<see cref="DoubleFetchPacket"/>).</summary>
public enum DoubleFetchOutcome
{
    /// <summary>Exactly version A.</summary>
    VersionA,

    /// <summary>Exactly version B.</summary>
    VersionB,

    /// <summary>A valid mix of the versions' fields: netback copied the slot while the guest was rewriting it, then
    /// acted on that one copy.</summary>
    Torn,

    /// <summary>Bytes no single copy of the slot describes: netback used a value it did not check.</summary>
    Inconsistent,
}
