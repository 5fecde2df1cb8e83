using FragNet.Nfs.Protocol;

namespace FragNet.Nfs.Server;

/// <summary>
/// The file system an <see cref="Nfs3Program"/> exports. Two implementations: <see cref="MemoryBackend"/> (a file
/// system in memory) and <see cref="DiskBackend"/> (a directory on disk).
/// </summary>
/// <remarks>
/// <para><b>Division of labour.</b> The server decodes and checks handles, answers "." and ".." itself, checks names
/// meant to be created (<see cref="NameRules"/>), clamps counts, gathers weak cache consistency data and encodes
/// replies. A backend keeps objects and their ids: every method answers <see cref="Nfs3Status.Stale"/> for a
/// <see cref="NodeId"/> that no longer names a live object, <see cref="Nfs3Status.NotDir"/> where a directory was
/// required, and otherwise the RFC 1813 status of the operation. Backends re-check names too (defence in depth):
/// nothing a client sends may name anything outside the export.</para>
/// <para><b>Time.</b> Every time a backend records comes from the <c>now</c> argument (the RPC call's
/// <c>RpcCallContext.Now</c>); a backend never reads a clock.</para>
/// <para><b>Threads.</b> Not thread-safe: the RPC server calls programs from its poll loop, one call at a time.</para>
/// </remarks>
public interface INfsBackend
{
    /// <summary>The exported directory.</summary>
    NodeId Root { get; }

    /// <summary>Largest file size (FSINFO <c>maxfilesize</c>); writes beyond it are NFS3ERR_FBIG.</summary>
    ulong MaxFileSize { get; }

    /// <summary>FSINFO <c>properties</c>: whether hard links and symlinks are supported.</summary>
    FsInfoProperties Properties { get; }

    /// <summary>The object's attributes.</summary>
    Nfs3Status GetAttributes(NodeId node, out Fattr3 attributes);

    /// <summary>Applies <paramref name="changes"/> (RFC 1813 §3.3.2); a size on a non-regular file is
    /// NFS3ERR_INVAL.</summary>
    Nfs3Status SetAttributes(NodeId node, Sattr3 changes, Instant now);

    /// <summary>The object <paramref name="name"/> names in <paramref name="directory"/> (never "." or "..").</summary>
    Nfs3Status Lookup(NodeId directory, string name, out NodeId child);

    /// <summary>The directory containing <paramref name="directory"/>; the root's parent is the root, so ".." never
    /// leaves the export.</summary>
    Nfs3Status LookupParent(NodeId directory, out NodeId parent);

    /// <summary>A symbolic link's text; NFS3ERR_INVAL for other types.</summary>
    Nfs3Status ReadLink(NodeId node, out string target);

    /// <summary>Reads up to <paramref name="destination"/>'s length from a regular file at
    /// <paramref name="offset"/>; NFS3ERR_ISDIR for a directory, NFS3ERR_INVAL for other types.</summary>
    Nfs3Status Read(NodeId file, ulong offset, Span<byte> destination, Instant now, out int count, out bool endOfFile);

    /// <summary>Writes all of <paramref name="data"/> at <paramref name="offset"/>, stable as
    /// <paramref name="stable"/> asks; NFS3ERR_FBIG past <see cref="MaxFileSize"/>.</summary>
    Nfs3Status Write(NodeId file, ulong offset, ReadOnlySpan<byte> data, StableHow stable, Instant now);

    /// <summary>Makes everything written to <paramref name="file"/> stable.</summary>
    Nfs3Status Commit(NodeId file);

    /// <summary>Creates (or, per <paramref name="mode"/>, reuses) a regular file (RFC 1813 §3.3.8). EXCLUSIVE stores
    /// <paramref name="verifier"/> with the file, and a later EXCLUSIVE create of the same name succeeds only with the
    /// same verifier.</summary>
    Nfs3Status CreateFile(NodeId directory, string name, CreateMode mode, Sattr3 attributes, ulong verifier, NodeOwner owner, Instant now, out NodeId created);

    /// <summary>Creates a directory; NFS3ERR_EXIST if the name is taken.</summary>
    Nfs3Status MakeDirectory(NodeId directory, string name, Sattr3 attributes, NodeOwner owner, Instant now, out NodeId created);

    /// <summary>Creates a symbolic link holding <paramref name="target"/> (already checked not to be absolute).</summary>
    Nfs3Status MakeSymlink(NodeId directory, string name, string target, Sattr3 attributes, NodeOwner owner, Instant now, out NodeId created);

    /// <summary>Creates a device, socket or FIFO (RFC 1813 §3.3.11), or answers NFS3ERR_NOTSUPP.</summary>
    Nfs3Status MakeNode(NodeId directory, string name, FileType3 type, SpecData3 device, Sattr3 attributes, NodeOwner owner, Instant now, out NodeId created);

    /// <summary>Removes a non-directory entry; NFS3ERR_ISDIR for a directory.</summary>
    Nfs3Status Remove(NodeId directory, string name, Instant now);

    /// <summary>Removes an empty directory; NFS3ERR_NOTEMPTY if it is not, NFS3ERR_NOTDIR if it is not one.</summary>
    Nfs3Status RemoveDirectory(NodeId directory, string name, Instant now);

    /// <summary>Renames atomically, replacing a compatible target (RFC 1813 §3.3.14).</summary>
    Nfs3Status Rename(NodeId fromDirectory, string fromName, NodeId toDirectory, string toName, Instant now);

    /// <summary>Adds a hard link to a non-directory, or answers NFS3ERR_NOTSUPP.</summary>
    Nfs3Status Link(NodeId file, NodeId directory, string name, Instant now);

    /// <summary>The directory's entries in a stable order, and a verifier that changes whenever that order may have
    /// changed (READDIR cookies are positions in it).</summary>
    Nfs3Status ReadDirectory(NodeId directory, out IReadOnlyList<DirectoryEntry> entries, out ulong cookieVerifier);

    /// <summary>Space and file counts for FSSTAT.</summary>
    FileSystemStatistics GetStatistics();
}
