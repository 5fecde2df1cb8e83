namespace FragNet.Buffers;

/// <summary>How much the reference-count core records about who holds what.</summary>
public enum LeakMode
{
    /// <summary>Nothing is recorded; misuse (revive, below zero) is still detected and thrown.</summary>
    Off = 0,

    /// <summary>Every take and drop is recorded; leak reports are produced and printed, not thrown.</summary>
    Warn = 1,

    /// <summary>As <see cref="Warn"/>, and a leak check that finds anything outstanding throws (tests run this way).</summary>
    Throw = 2,
}
