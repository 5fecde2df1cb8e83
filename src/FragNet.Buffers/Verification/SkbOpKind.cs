namespace FragNet.Buffers.Verification;

/// <summary>The operations the model-based checker applies to random buffers.</summary>
public enum SkbOpKind
{
    /// <summary>Build a new buffer of a <see cref="SkbShape"/>.</summary>
    Create,
    Clone,
    PskbCopy,
    Copy,
    ExpandHead,
    PullTail,
    Pull,
    Push,
    Trim,
    Linearize,
    Segment,
    Split,
    Shift,
    TryCoalesce,
    OrphanFrags,
    AppendToFragList,
    Unshare,
    DmaMap,
    DmaUnmap,

    /// <summary>A lender drops the initial reference of one of its destructors.</summary>
    ReleaseCreator,

    /// <summary>Consume or drop a buffer.</summary>
    Free,
}
