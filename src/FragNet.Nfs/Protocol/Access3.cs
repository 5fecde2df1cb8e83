namespace FragNet.Nfs.Protocol;

/// <summary>The ACCESS bits (RFC 1813 §3.3.4: <c>ACCESS3_READ</c> …).</summary>
[Flags]
public enum Access3 : uint
{
    /// <summary>No access asked or granted.</summary>
    None = 0,

    /// <summary>Read data from a file or read a directory.</summary>
    Read = 0x01,

    /// <summary>Look up a name in a directory (no meaning for non-directories).</summary>
    Lookup = 0x02,

    /// <summary>Rewrite existing file data or modify existing directory entries.</summary>
    Modify = 0x04,

    /// <summary>Write new data or add directory entries.</summary>
    Extend = 0x08,

    /// <summary>Delete an existing directory entry.</summary>
    Delete = 0x10,

    /// <summary>Execute a file (no meaning for a directory).</summary>
    Execute = 0x20,
}
