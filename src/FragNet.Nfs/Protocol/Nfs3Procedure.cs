namespace FragNet.Nfs.Protocol;

/// <summary>NFS version 3 procedure numbers (RFC 1813 §3), with the argument and result types of each.</summary>
public enum Nfs3Procedure : uint
{
    /// <summary>Do nothing: void arguments, void results (§3.3.0).</summary>
    Null = 0,

    /// <summary><see cref="GetAttr3Args"/> → <see cref="GetAttr3Result"/> (§3.3.1).</summary>
    GetAttr = 1,

    /// <summary><see cref="SetAttr3Args"/> → <see cref="Wcc3Result"/> (§3.3.2).</summary>
    SetAttr = 2,

    /// <summary><see cref="Lookup3Args"/> → <see cref="Lookup3Result"/> (§3.3.3).</summary>
    Lookup = 3,

    /// <summary><see cref="Access3Args"/> → <see cref="Access3Result"/> (§3.3.4).</summary>
    Access = 4,

    /// <summary><see cref="ReadLink3Args"/> → <see cref="ReadLink3Result"/> (§3.3.5).</summary>
    ReadLink = 5,

    /// <summary><see cref="Read3Args"/> → <see cref="Read3Result"/> (§3.3.6).</summary>
    Read = 6,

    /// <summary><see cref="Write3Args"/> → <see cref="Write3Result"/> (§3.3.7).</summary>
    Write = 7,

    /// <summary><see cref="Create3Args"/> → <see cref="NewObject3Result"/> (§3.3.8).</summary>
    Create = 8,

    /// <summary><see cref="MkDir3Args"/> → <see cref="NewObject3Result"/> (§3.3.9).</summary>
    MkDir = 9,

    /// <summary><see cref="Symlink3Args"/> → <see cref="NewObject3Result"/> (§3.3.10).</summary>
    Symlink = 10,

    /// <summary><see cref="MkNod3Args"/> → <see cref="NewObject3Result"/> (§3.3.11).</summary>
    MkNod = 11,

    /// <summary><see cref="Remove3Args"/> → <see cref="Wcc3Result"/> (§3.3.12).</summary>
    Remove = 12,

    /// <summary><see cref="RmDir3Args"/> → <see cref="Wcc3Result"/> (§3.3.13).</summary>
    RmDir = 13,

    /// <summary><see cref="Rename3Args"/> → <see cref="Rename3Result"/> (§3.3.14).</summary>
    Rename = 14,

    /// <summary><see cref="Link3Args"/> → <see cref="Link3Result"/> (§3.3.15).</summary>
    Link = 15,

    /// <summary><see cref="ReadDir3Args"/> → <see cref="ReadDir3Result"/> (§3.3.16).</summary>
    ReadDir = 16,

    /// <summary><see cref="ReadDirPlus3Args"/> → <see cref="ReadDirPlus3Result"/> (§3.3.17).</summary>
    ReadDirPlus = 17,

    /// <summary><see cref="FsStat3Args"/> → <see cref="FsStat3Result"/> (§3.3.18).</summary>
    FsStat = 18,

    /// <summary><see cref="FsInfo3Args"/> → <see cref="FsInfo3Result"/> (§3.3.19).</summary>
    FsInfo = 19,

    /// <summary><see cref="PathConf3Args"/> → <see cref="PathConf3Result"/> (§3.3.20).</summary>
    PathConf = 20,

    /// <summary><see cref="Commit3Args"/> → <see cref="Commit3Result"/> (§3.3.21).</summary>
    Commit = 21,
}
