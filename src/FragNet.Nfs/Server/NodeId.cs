namespace FragNet.Nfs.Server;

/// <summary>
/// A backend's name for one file system object: its file id (inode number) and the generation of that id.
/// </summary>
/// <remarks>
/// Invariant: while an object lives, its (<see cref="FileId"/>, <see cref="Generation"/>) pair names it and nothing
/// else. A backend may reuse a file id once the object is gone, but then with a higher generation, so a handle minted
/// for the old object can never reach the new one: the backend answers NFS3ERR_STALE (RFC 1813 §2.6, the reason
/// Unix servers put the inode generation number in their handles).
/// </remarks>
/// <param name="FileId">The object's file id, as <c>fattr3.fileid</c> reports it.</param>
/// <param name="Generation">How many times this file id had been used before this object.</param>
public readonly record struct NodeId(ulong FileId, uint Generation);
