namespace FragNet.Nfs.Protocol;

/// <summary><c>ftype3</c> (RFC 1813 §2.6). The wire has no zero value; <see cref="None"/> exists only so that
/// <c>default</c> is not mistaken for a type, and never decodes.</summary>
public enum FileType3 : uint
{
    /// <summary>Not a type (never on the wire).</summary>
    None = 0,

    /// <summary>Regular file.</summary>
    Regular = 1,

    /// <summary>Directory.</summary>
    Directory = 2,

    /// <summary>Block special device.</summary>
    Block = 3,

    /// <summary>Character special device.</summary>
    Character = 4,

    /// <summary>Symbolic link.</summary>
    Symlink = 5,

    /// <summary>Socket.</summary>
    Socket = 6,

    /// <summary>Named pipe.</summary>
    Fifo = 7,
}
