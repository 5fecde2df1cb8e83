namespace FragNet.Buffers.Verification;

/// <summary>The buffer shapes every operation is checked over (the shape matrix).</summary>
public enum SkbShape
{
    /// <summary>All bytes in the head.</summary>
    Linear,

    /// <summary>A short head and pool-page frags.</summary>
    Frags,

    /// <summary>An empty head; the header bytes are in the first frag.</summary>
    HeaderSplit,

    /// <summary>A frags buffer and a clone of it sharing the data buffer.</summary>
    Cloned,

    /// <summary>Frags on a lender's pages carrying fragment destructors.</summary>
    Destructor,

    /// <summary>Frags on pages flagged foreign (the classic page-level design).</summary>
    Foreign,

    /// <summary>A buffer with a frag list of members that have heads and frags.</summary>
    FragList,
}
