namespace FragNet.Nfs.Protocol;

/// <summary><c>nfsstat3</c> (RFC 1813 §2.6): every value the protocol defines.</summary>
public enum Nfs3Status : uint
{
    /// <summary>The call completed successfully.</summary>
    Ok = 0,

    /// <summary>Not owner: the caller is neither privileged nor the owner.</summary>
    Perm = 1,

    /// <summary>No such file or directory.</summary>
    NoEnt = 2,

    /// <summary>A hard error (for example a disk error) occurred while processing the operation.</summary>
    IO = 5,

    /// <summary>No such device or address.</summary>
    NxIO = 6,

    /// <summary>Permission denied (not an ownership error; see <see cref="Perm"/>).</summary>
    Acces = 13,

    /// <summary>The file already exists.</summary>
    Exist = 17,

    /// <summary>Attempt at a cross-device hard link.</summary>
    XDev = 18,

    /// <summary>No such device.</summary>
    NoDev = 19,

    /// <summary>Not a directory where one was required.</summary>
    NotDir = 20,

    /// <summary>A directory where a non-directory was required.</summary>
    IsDir = 21,

    /// <summary>Invalid or unsupported argument.</summary>
    Inval = 22,

    /// <summary>File too large.</summary>
    FBig = 27,

    /// <summary>No space left on the device.</summary>
    NoSpc = 28,

    /// <summary>A modifying operation on a read-only file system.</summary>
    RoFs = 30,

    /// <summary>Too many hard links.</summary>
    MLink = 31,

    /// <summary>A name was too long.</summary>
    NameTooLong = 63,

    /// <summary>RMDIR of a directory that is not empty.</summary>
    NotEmpty = 66,

    /// <summary>Resource (quota) hard limit exceeded.</summary>
    DQuot = 69,

    /// <summary>The file handle no longer refers to a live object (removed, or its id reused).</summary>
    Stale = 70,

    /// <summary>Too many levels of remote in path.</summary>
    Remote = 71,

    /// <summary>The file handle failed internal consistency checks (length, MAC).</summary>
    BadHandle = 10001,

    /// <summary>SETATTR's guard ctime did not match.</summary>
    NotSync = 10002,

    /// <summary>A READDIR or READDIRPLUS cookie is stale.</summary>
    BadCookie = 10003,

    /// <summary>The operation is not supported.</summary>
    NotSupp = 10004,

    /// <summary>The buffer or request is too small.</summary>
    TooSmall = 10005,

    /// <summary>A server error that maps to no other status.</summary>
    ServerFault = 10006,

    /// <summary>An object of a type the server does not support was to be created.</summary>
    BadType = 10007,

    /// <summary>The server started the request but could not finish it in time; the client should retry later.</summary>
    Jukebox = 10008,
}
