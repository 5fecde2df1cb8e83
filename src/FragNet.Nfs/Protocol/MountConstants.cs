namespace FragNet.Nfs.Protocol;

/// <summary>Program, version and size constants of the MOUNT protocol version 3 (RFC 1813 appendix I, §5.1).</summary>
public static class MountConstants
{
    /// <summary>The MOUNT program number.</summary>
    public const uint Program = 100005;

    /// <summary>MOUNT version 3, the one that goes with NFS version 3.</summary>
    public const uint Version = 3;

    /// <summary><c>MNTPATHLEN</c>: the largest <c>dirpath</c>.</summary>
    public const int MaxPathLength = 1024;

    /// <summary><c>MNTNAMLEN</c>: the largest <c>name</c> (host and group names).</summary>
    public const int MaxNameLength = 255;

    /// <summary><c>FHSIZE3</c>: the largest <c>fhandle3</c>.</summary>
    public const int MaxHandleLength = 64;

    /// <summary>Most entries decoded from a mount list, export list or group list (the wire's linked lists have no
    /// bound of their own).</summary>
    public const int MaxListEntries = 4096;

    /// <summary>Most auth flavors decoded from a MNT reply.</summary>
    public const int MaxAuthFlavors = 64;
}
