namespace FragNet.Nfs.Protocol;

/// <summary><c>stable_how</c> (RFC 1813 §3.3.7): how far a WRITE must reach stable storage before the reply.</summary>
public enum StableHow : uint
{
    /// <summary>The server may reply before anything is stable; a later COMMIT makes it so.</summary>
    Unstable = 0,

    /// <summary>The data, and enough metadata to retrieve it, must be stable before the reply.</summary>
    DataSync = 1,

    /// <summary>The data and all metadata must be stable before the reply.</summary>
    FileSync = 2,
}
