namespace FragNet.Xen.Netif;

/// <summary>Settings of a netback <see cref="Vif"/>.</summary>
public sealed record NetbackConfig
{
    public NetbackMode Mode { get; init; } = NetbackMode.MapDestructor;

    /// <summary>Slots a packet may use (Linux's <c>XEN_NETBK_LEGACY_SLOTS_MAX</c> = 18); more are answered with
    /// errors, up to <see cref="FatalSlots"/>.</summary>
    public int MaxSlots { get; init; } = 18;

    /// <summary>Beyond this many slots a packet is a fatal protocol error (Linux's <c>fatal_skb_slots</c>, 20).</summary>
    public int FatalSlots { get; init; } = 20;

    /// <summary>Bytes grant-copied into the linear area by <see cref="NetbackMode.CopyHeaderMapRest"/>.</summary>
    public int HeaderCopy { get; init; } = 128;

    /// <summary>Stack → guest frames waiting for receive buffers before new ones are dropped.</summary>
    public int RxQueueLimit { get; init; } = 256;

    /// <summary>How long the backend's stack may hold a guest's mapped pages in a socket queue before copying them
    /// out (<c>NetInterface.LentFragHoldLimit</c>), so a guest is never starved of its memory by an application that
    /// does not read. Null: never.</summary>
    public Duration? HoldLimit { get; init; } = Duration.FromSeconds(1);

    /// <summary>For <see cref="NetbackMode.Adaptive"/> without a <see cref="WorkClock"/>: packets of fewer bytes are
    /// copied, longer ones taken as <see cref="NetbackMode.CopyHeaderMapRest"/> does.</summary>
    public int AdaptiveThreshold { get; init; } = 2048;

    /// <summary>For <see cref="NetbackMode.Adaptive"/>: the clock netback prices its work with, so it can choose each
    /// size class's cheapest mode on the live traffic (<see cref="AdaptiveModeSelector"/>). Null: the fixed
    /// <see cref="AdaptiveThreshold"/>.</summary>
    public IWorkClock? WorkClock { get; init; }

    /// <summary>For <see cref="NetbackMode.Adaptive"/> with a <see cref="WorkClock"/>: how long, from a size class's
    /// first packet, its probes stay frequent (at least one per <see cref="AdaptiveModeSelector.YoungInterval"/>
    /// packets), because the runtime is still compiling the code of the modes it tries (see Youth in
    /// <see cref="AdaptiveModeSelector"/>). Zero: never.</summary>
    public Duration AdaptiveYouth { get; init; } = Duration.FromMilliseconds(1500);

    /// <summary>Requests handled per poll (the NAPI budget), so one guest cannot starve another.</summary>
    public int Budget { get; init; } = 64;
}
