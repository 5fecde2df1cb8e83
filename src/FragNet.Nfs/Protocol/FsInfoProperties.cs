namespace FragNet.Nfs.Protocol;

/// <summary>FSINFO <c>properties</c> bits (RFC 1813 §3.3.19).</summary>
[Flags]
public enum FsInfoProperties : uint
{
    /// <summary>No property.</summary>
    None = 0,

    /// <summary><c>FSF3_LINK</c>: hard links are supported.</summary>
    Link = 0x01,

    /// <summary><c>FSF3_SYMLINK</c>: symbolic links are supported.</summary>
    Symlink = 0x02,

    /// <summary><c>FSF3_HOMOGENEOUS</c>: PATHCONF is the same for every file.</summary>
    Homogeneous = 0x08,

    /// <summary><c>FSF3_CANSETTIME</c>: SETATTR can set times.</summary>
    CanSetTime = 0x10,
}
