namespace FragNet.Nfs.Protocol;

/// <summary>MOUNT version 3 procedure numbers (RFC 1813 appendix I, §5.2), with their argument and result types.</summary>
public enum MountProcedure : uint
{
    /// <summary>Do nothing: void → void (§5.2.0).</summary>
    Null = 0,

    /// <summary>Mount a path: <see cref="DirPath3Args"/> → <see cref="Mnt3Result"/> (§5.2.1).</summary>
    Mnt = 1,

    /// <summary>List the mounts: void → <see cref="MountList3Result"/> (§5.2.2).</summary>
    Dump = 2,

    /// <summary>Forget one mount: <see cref="DirPath3Args"/> → void (§5.2.3).</summary>
    Umnt = 3,

    /// <summary>Forget all of the caller's mounts: void → void (§5.2.4).</summary>
    UmntAll = 4,

    /// <summary>List the exports: void → <see cref="Exports3Result"/> (§5.2.5).</summary>
    Export = 5,
}
