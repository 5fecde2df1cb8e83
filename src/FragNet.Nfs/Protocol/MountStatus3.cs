namespace FragNet.Nfs.Protocol;

/// <summary><c>mountstat3</c> (RFC 1813 appendix I, §5.1.5).</summary>
public enum MountStatus3 : uint
{
    /// <summary>No error.</summary>
    Ok = 0,

    /// <summary>Not owner.</summary>
    Perm = 1,

    /// <summary>No such file or directory (the path is not exported).</summary>
    NoEnt = 2,

    /// <summary>I/O error.</summary>
    IO = 5,

    /// <summary>Permission denied.</summary>
    Acces = 13,

    /// <summary>Not a directory.</summary>
    NotDir = 20,

    /// <summary>Invalid argument.</summary>
    Inval = 22,

    /// <summary>Filename too long.</summary>
    NameTooLong = 63,

    /// <summary>Operation not supported.</summary>
    NotSupp = 10004,

    /// <summary>A failure on the server.</summary>
    ServerFault = 10006,
}
