using FragNet.Nfs.Protocol;
using Microsoft.Win32.SafeHandles;

namespace FragNet.Nfs.Server;

/// <summary>
/// Exports a directory on disk (System.IO). Regular files, directories and symlinks; MKNOD and LINK answer
/// NFS3ERR_NOTSUPP (no portable managed API makes device nodes or hard links), and FSINFO says so.
/// </summary>
/// <remarks>
/// <para><b>Confinement.</b> Nothing a client sends may reach outside the root. Names are checked
/// (<see cref="NameRules"/>), so a path is always the root plus components that were each looked up. The server never
/// follows a symlink: LOOKUP returns the link itself, and an operation that would follow one (READ, WRITE, SETATTR,
/// READDIR, creating inside it) sees a symlink type and refuses. Every call re-checks that no component between the
/// root and the object has become a symlink since it was looked up (a local user may swap a directory for a link), and
/// that the full path still lies under the root; a handle whose path fails is NFS3ERR_STALE. SYMLINK refuses targets
/// that are absolute or climb above the root lexically. What this cannot close is the race between that check and the
/// open that follows (it would need <c>openat2(RESOLVE_BENEATH)</c>); the root should not be writable by untrusted
/// local users.</para>
/// <para><b>Ids.</b> System.IO exposes no inode numbers, so file ids are assigned here on first sight of a path and
/// kept in memory (an id is lost, and handles go stale, when the server restarts). A path whose object vanished or
/// changed type is forgotten; its id is reused later with a higher generation.</para>
/// <para><b>Times.</b> Operations that change data or entries set the mtime to the call's time
/// (<c>RpcCallContext.Now</c>, taking virtual time zero as the Unix epoch), so both backends report the same times;
/// ctime is reported as the mtime (no managed API reads ctime). Owners are reported as 0:0 (no managed API reads them);
/// SETATTR of another owner is NFS3ERR_PERM.</para>
/// <para>Not thread-safe (see <see cref="INfsBackend"/>).</para>
/// </remarks>
public sealed class DiskBackend : INfsBackend
{
    private readonly string _root;                                          // canonical full path of the export
    private readonly ulong _fileSystemId;
    private readonly Dictionary<ulong, DiskNode> _byId = [];                // live ids
    private readonly Dictionary<string, ulong> _byPath = new(StringComparer.Ordinal); // relative path → id
    private readonly Dictionary<ulong, uint> _nextGeneration = [];          // freed ids: generation of next use
    private readonly Stack<ulong> _freeIds = new();                         // freed ids, reused last-in first-out
    private ulong _nextFileId = 1;

    /// <summary>Exports <paramref name="rootDirectory"/>, which must exist (a symlink to a directory is resolved
    /// once, here).</summary>
    public DiskBackend(string rootDirectory, ulong fileSystemId = 2)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"the export root {full} is not a directory");
        }

        FileSystemInfo? resolved = Directory.ResolveLinkTarget(full, returnFinalTarget: true);
        _root = resolved is null ? full : Path.TrimEndingDirectorySeparator(resolved.FullName);
        _fileSystemId = fileSystemId;
        Root = Assign(string.Empty, FileType3.Directory);
    }

    /// <summary>The exported directory's canonical full path.</summary>
    public string RootPath => _root;

    /// <inheritdoc/>
    public NodeId Root { get; }

    /// <inheritdoc/>
    public ulong MaxFileSize => long.MaxValue;

    /// <inheritdoc/>
    public FsInfoProperties Properties => FsInfoProperties.Symlink | FsInfoProperties.Homogeneous | FsInfoProperties.CanSetTime;

    /// <inheritdoc/>
    public Nfs3Status GetAttributes(NodeId node, out Fattr3 attributes)
    {
        attributes = null!;
        try
        {
            Nfs3Status s = Resolve(node, out string rel, out FileType3 type);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            attributes = ReadAttributes(rel, type, node.FileId);
            return Nfs3Status.Ok;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status SetAttributes(NodeId node, Sattr3 changes, Instant now)
    {
        ArgumentNullException.ThrowIfNull(changes);
        try
        {
            Nfs3Status s = Resolve(node, out string rel, out FileType3 type);
            return s != Nfs3Status.Ok ? s : Apply(rel, type, changes, now);
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status Lookup(NodeId directory, string name, out NodeId child)
    {
        child = default;
        try
        {
            Nfs3Status s = ResolveDirectory(directory, out string dir);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            if (NameRules.CheckEntryName(name) != Nfs3Status.Ok)
            {
                return Nfs3Status.NoEnt;
            }

            string rel = Child(dir, name);
            FileType3 type = Kind(rel);
            if (type == FileType3.None)
            {
                return Nfs3Status.NoEnt;
            }

            child = Assign(rel, type);
            return Nfs3Status.Ok;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status LookupParent(NodeId directory, out NodeId parent)
    {
        parent = default;
        Nfs3Status s = ResolveDirectory(directory, out string dir);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        parent = dir.Length == 0 ? Root : Assign(ParentOf(dir), FileType3.Directory);
        return Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public Nfs3Status ReadLink(NodeId node, out string target)
    {
        target = string.Empty;
        try
        {
            Nfs3Status s = Resolve(node, out string rel, out FileType3 type);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            if (type != FileType3.Symlink)
            {
                return Nfs3Status.Inval;
            }

            target = new FileInfo(Full(rel)).LinkTarget ?? string.Empty;
            return Nfs3Status.Ok;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status Read(NodeId file, ulong offset, Span<byte> destination, Instant now, out int count, out bool endOfFile)
    {
        count = 0;
        endOfFile = false;
        try
        {
            Nfs3Status s = ResolveRegular(file, out string rel);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            using SafeFileHandle h = File.OpenHandle(Full(rel), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            long length = RandomAccess.GetLength(h);
            if (offset >= (ulong)length)
            {
                endOfFile = true;
                return Nfs3Status.Ok;
            }

            int want = (int)Math.Min(destination.Length, length - (long)offset);
            while (count < want)
            {
                int n = RandomAccess.Read(h, destination[count..want], (long)offset + count);
                if (n == 0)
                {
                    break;
                }

                count += n;
            }

            endOfFile = (long)offset + count >= length;
            return Nfs3Status.Ok;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status Write(NodeId file, ulong offset, ReadOnlySpan<byte> data, StableHow stable, Instant now)
    {
        try
        {
            Nfs3Status s = ResolveRegular(file, out string rel);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            if (offset > MaxFileSize || (ulong)data.Length > MaxFileSize - offset)
            {
                return Nfs3Status.FBig;
            }

            using SafeFileHandle h = File.OpenHandle(Full(rel), FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.Write(h, data, (long)offset);
            File.SetLastWriteTimeUtc(h, ToDateTime(now));
            if (stable != StableHow.Unstable)
            {
                Flush(h);
            }

            return Nfs3Status.Ok;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status Commit(NodeId file)
    {
        try
        {
            Nfs3Status s = Resolve(file, out string rel, out FileType3 type);
            if (s != Nfs3Status.Ok || type != FileType3.Regular)
            {
                return s;
            }

            // fsync applies to the file, not the descriptor, so a fresh handle flushes what earlier handles wrote.
            using SafeFileHandle h = File.OpenHandle(Full(rel), FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            Flush(h);
            return Nfs3Status.Ok;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status CreateFile(NodeId directory, string name, CreateMode mode, Sattr3 attributes, ulong verifier, NodeOwner owner, Instant now, out NodeId created)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        created = default;
        try
        {
            Nfs3Status s = PrepareEntry(directory, name, out string dir);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            string rel = Child(dir, name);
            FileType3 existing = Kind(rel);
            if (existing != FileType3.None)
            {
                if (existing != FileType3.Regular || mode == CreateMode.Guarded)
                {
                    return Nfs3Status.Exist;
                }

                NodeId id = Assign(rel, existing);
                if (mode == CreateMode.Exclusive)
                {
                    if (_byId[id.FileId].CreateVerifier != verifier)
                    {
                        return Nfs3Status.Exist;
                    }

                    created = id; // a retransmitted EXCLUSIVE CREATE: the same call, so the same answer
                    return Nfs3Status.Ok;
                }

                created = id;
                return Apply(rel, existing, attributes with { Uid = null, Gid = null }, now);
            }

            using (File.OpenHandle(Full(rel), FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
            }

            created = Assign(rel, FileType3.Regular);
            if (mode == CreateMode.Exclusive)
            {
                _byId[created.FileId].CreateVerifier = verifier;
                attributes = Sattr3.Empty;
            }

            s = Apply(rel, FileType3.Regular, attributes with { Uid = null, Gid = null, Mode = attributes.Mode ?? 0x1A4 }, now, initial: true);
            TouchDirectory(dir, now);
            return s;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status MakeDirectory(NodeId directory, string name, Sattr3 attributes, NodeOwner owner, Instant now, out NodeId created)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        created = default;
        try
        {
            Nfs3Status s = PrepareEntry(directory, name, out string dir);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            string rel = Child(dir, name);
            if (Kind(rel) != FileType3.None)
            {
                return Nfs3Status.Exist;
            }

            Directory.CreateDirectory(Full(rel));
            created = Assign(rel, FileType3.Directory);
            s = Apply(rel, FileType3.Directory, attributes with { Uid = null, Gid = null, Mode = attributes.Mode ?? 0x1ED }, now, initial: true);
            TouchDirectory(dir, now);
            return s;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status MakeSymlink(NodeId directory, string name, string target, Sattr3 attributes, NodeOwner owner, Instant now, out NodeId created)
    {
        created = default;
        try
        {
            Nfs3Status s = PrepareEntry(directory, name, out string dir);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            s = NameRules.CheckSymlinkTarget(target);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            if (ClimbsAboveRoot(dir, target))
            {
                return Nfs3Status.Acces;
            }

            string rel = Child(dir, name);
            if (Kind(rel) != FileType3.None)
            {
                return Nfs3Status.Exist;
            }

            File.CreateSymbolicLink(Full(rel), target);
            created = Assign(rel, FileType3.Symlink);
            TouchDirectory(dir, now); // a link's own attributes cannot be set without following it: ignored
            return Nfs3Status.Ok;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status MakeNode(NodeId directory, string name, FileType3 type, SpecData3 device, Sattr3 attributes, NodeOwner owner, Instant now, out NodeId created)
    {
        created = default;
        return Nfs3Status.NotSupp; // RFC 1813 §3.3.11 lets a server that cannot make special files say so
    }

    /// <inheritdoc/>
    public Nfs3Status Remove(NodeId directory, string name, Instant now)
    {
        try
        {
            Nfs3Status s = FindEntry(directory, name, out string dir, out string rel, out FileType3 type);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            if (type == FileType3.Directory)
            {
                return Nfs3Status.IsDir;
            }

            File.Delete(Full(rel)); // unlink: a symlink goes, not its target
            ForgetPath(rel);
            TouchDirectory(dir, now);
            return Nfs3Status.Ok;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status RemoveDirectory(NodeId directory, string name, Instant now)
    {
        try
        {
            Nfs3Status s = FindEntry(directory, name, out string dir, out string rel, out FileType3 type);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            if (type != FileType3.Directory)
            {
                return Nfs3Status.NotDir;
            }

            if (Directory.EnumerateFileSystemEntries(Full(rel)).Any())
            {
                return Nfs3Status.NotEmpty;
            }

            Directory.Delete(Full(rel), recursive: false);
            ForgetPath(rel);
            TouchDirectory(dir, now);
            return Nfs3Status.Ok;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status Rename(NodeId fromDirectory, string fromName, NodeId toDirectory, string toName, Instant now)
    {
        try
        {
            Nfs3Status s = FindEntry(fromDirectory, fromName, out string fromDir, out string from, out FileType3 type);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            s = PrepareEntry(toDirectory, toName, out string toDir);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            string to = Child(toDir, toName);
            if (from == to)
            {
                return Nfs3Status.Ok;
            }

            if (type == FileType3.Directory && (to + "/").StartsWith(from + "/", StringComparison.Ordinal))
            {
                return Nfs3Status.Inval; // into itself or below itself (RFC 1813 §3.3.14)
            }

            FileType3 targetType = Kind(to);
            if (targetType != FileType3.None)
            {
                bool compatible = (type == FileType3.Directory) == (targetType == FileType3.Directory)
                    && (targetType != FileType3.Directory || !Directory.EnumerateFileSystemEntries(Full(to)).Any());
                if (!compatible)
                {
                    return Nfs3Status.Exist; // RFC 1813 §3.3.14: incompatible types or a non-empty target directory
                }
            }

            if (type == FileType3.Directory)
            {
                if (targetType == FileType3.Directory)
                {
                    Directory.Delete(Full(to), recursive: false);
                }

                Directory.Move(Full(from), Full(to));
            }
            else
            {
                File.Move(Full(from), Full(to), overwrite: true); // rename(2): atomic, moves a symlink itself
            }

            ForgetPath(to);
            Repath(from, to);
            TouchDirectory(fromDir, now);
            TouchDirectory(toDir, now);
            return Nfs3Status.Ok;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public Nfs3Status Link(NodeId file, NodeId directory, string name, Instant now) =>
        Nfs3Status.NotSupp; // FSINFO does not advertise FSF3_LINK (RFC 1813 §3.3.19)

    /// <inheritdoc/>
    public Nfs3Status ReadDirectory(NodeId directory, out IReadOnlyList<DirectoryEntry> entries, out ulong cookieVerifier)
    {
        entries = [];
        cookieVerifier = 0;
        try
        {
            Nfs3Status s = ResolveDirectory(directory, out string dir);
            if (s != Nfs3Status.Ok)
            {
                return s;
            }

            var names = new List<string>();
            foreach (FileSystemInfo fi in new DirectoryInfo(Full(dir)).EnumerateFileSystemInfos())
            {
                names.Add(fi.Name);
            }

            names.Sort(StringComparer.Ordinal);
            var list = new List<DirectoryEntry>(names.Count);
            ulong hash = 14695981039346656037UL; // FNV-1a over the sorted names: the verifier changes when they do
            foreach (string n in names)
            {
                string rel = Child(dir, n);
                FileType3 type = Kind(rel);
                if (type == FileType3.None)
                {
                    continue; // vanished while listing
                }

                list.Add(new DirectoryEntry(n, Assign(rel, type)));
                foreach (char c in n)
                {
                    hash = (hash ^ c) * 1099511628211UL;
                }

                hash = (hash ^ '/') * 1099511628211UL;
            }

            entries = list;
            cookieVerifier = hash == 0 ? 1 : hash;
            return Nfs3Status.Ok;
        }
        catch (Exception e) when (IsFileSystemError(e))
        {
            return Map(e);
        }
    }

    /// <inheritdoc/>
    public FileSystemStatistics GetStatistics()
    {
        try
        {
            var drive = new DriveInfo(_root);
            ulong total = (ulong)drive.TotalSize, free = (ulong)drive.TotalFreeSpace, avail = (ulong)drive.AvailableFreeSpace;
            return new FileSystemStatistics(total, free, avail, 1UL << 32, 1UL << 31, 1UL << 31);
        }
        catch (Exception e) when (IsFileSystemError(e) || e is ArgumentException)
        {
            return new FileSystemStatistics(0, 0, 0, 0, 0, 0);
        }
    }

    private static bool IsFileSystemError(Exception e) => e is IOException or UnauthorizedAccessException or PlatformNotSupportedException;

    private static Nfs3Status Map(Exception e) => e switch
    {
        UnauthorizedAccessException => Nfs3Status.Acces,
        FileNotFoundException or DirectoryNotFoundException => Nfs3Status.NoEnt,
        PlatformNotSupportedException => Nfs3Status.NotSupp,
        _ => Nfs3Status.IO,
    };

    private static void Flush(SafeFileHandle handle)
    {
        using var stream = new FileStream(handle, FileAccess.Write, bufferSize: 0);
        stream.Flush(flushToDisk: true);
    }

    private static DateTime ToDateTime(Instant now)
    {
        long maxUs = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        return DateTime.UnixEpoch.AddTicks(Math.Clamp(now.TotalMicroseconds, 0, maxUs) * 10);
    }

    private static NfsTime3 ToNfsTime(DateTime utc)
    {
        long ticks = Math.Max(0, (utc - DateTime.UnixEpoch).Ticks);
        return new NfsTime3((uint)(ticks / TimeSpan.TicksPerSecond), (uint)(ticks % TimeSpan.TicksPerSecond * 100));
    }

    private string Full(string rel) => rel.Length == 0 ? _root : _root + "/" + rel;

    private static string Child(string dir, string name) => dir.Length == 0 ? name : dir + "/" + name;

    private static string ParentOf(string rel)
    {
        int slash = rel.LastIndexOf('/');
        return slash < 0 ? string.Empty : rel[..slash];
    }

    /// <summary>The object's type by <c>lstat</c> (a symlink is a symlink, whatever it points at), or
    /// <see cref="FileType3.None"/> if nothing is there.</summary>
    private FileType3 Kind(string rel)
    {
        var fi = new FileInfo(Full(rel));
        if (fi.LinkTarget is not null)
        {
            return FileType3.Symlink;
        }

        FileAttributes a = fi.Attributes;
        if ((int)a == -1)
        {
            return FileType3.None;
        }

        return (a & FileAttributes.Directory) != 0 ? FileType3.Directory : FileType3.Regular;
    }

    /// <summary>True if every component between the root and <paramref name="rel"/> (exclusive) is still a real
    /// directory, and the full path is still under the root.</summary>
    private bool IsConfined(string rel)
    {
        string full = Path.GetFullPath(Full(rel));
        if (full != _root && !full.StartsWith(_root + "/", StringComparison.Ordinal))
        {
            return false;
        }

        for (int slash = rel.IndexOf('/'); slash >= 0; slash = rel.IndexOf('/', slash + 1))
        {
            if (Kind(rel[..slash]) != FileType3.Directory)
            {
                return false;
            }
        }

        return true;
    }

    private Nfs3Status Resolve(NodeId node, out string rel, out FileType3 type)
    {
        rel = string.Empty;
        type = FileType3.None;
        if (!_byId.TryGetValue(node.FileId, out DiskNode? n) || n.Generation != node.Generation)
        {
            return Nfs3Status.Stale;
        }

        rel = n.Path;
        type = IsConfined(rel) ? Kind(rel) : FileType3.None;
        if (type != n.Type)
        {
            Forget(node.FileId); // gone, replaced by another kind of object, or no longer reachable safely
            return Nfs3Status.Stale;
        }

        return Nfs3Status.Ok;
    }

    private Nfs3Status ResolveDirectory(NodeId node, out string rel)
    {
        Nfs3Status s = Resolve(node, out rel, out FileType3 type);
        return s != Nfs3Status.Ok ? s : type == FileType3.Directory ? Nfs3Status.Ok : Nfs3Status.NotDir;
    }

    private Nfs3Status ResolveRegular(NodeId node, out string rel)
    {
        Nfs3Status s = Resolve(node, out rel, out FileType3 type);
        return s != Nfs3Status.Ok ? s : type switch
        {
            FileType3.Regular => Nfs3Status.Ok,
            FileType3.Directory => Nfs3Status.IsDir,
            _ => Nfs3Status.Inval, // a symlink is never followed
        };
    }

    private Nfs3Status PrepareEntry(NodeId directory, string name, out string dir)
    {
        Nfs3Status s = ResolveDirectory(directory, out dir);
        return s != Nfs3Status.Ok ? s : NameRules.CheckEntryName(name);
    }

    private Nfs3Status FindEntry(NodeId directory, string name, out string dir, out string rel, out FileType3 type)
    {
        rel = string.Empty;
        type = FileType3.None;
        Nfs3Status s = PrepareEntry(directory, name, out dir);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        rel = Child(dir, name);
        type = Kind(rel);
        return type == FileType3.None ? Nfs3Status.NoEnt : Nfs3Status.Ok;
    }

    /// <summary>True if <paramref name="target"/>, read relative to the directory <paramref name="dir"/>, climbs
    /// above the root ("../../etc").</summary>
    private static bool ClimbsAboveRoot(string dir, string target)
    {
        int depth = dir.Length == 0 ? 0 : dir.Split('/').Length;
        foreach (string part in target.Split('/'))
        {
            if (part == "..")
            {
                if (--depth < 0)
                {
                    return true;
                }
            }
            else if (part.Length != 0 && part != ".")
            {
                depth++;
            }
        }

        return false;
    }

    private Fattr3 ReadAttributes(string rel, FileType3 type, ulong fileId)
    {
        string full = Full(rel);
        FileSystemInfo fi = type == FileType3.Directory ? new DirectoryInfo(full) : new FileInfo(full);
        ulong size = type switch
        {
            FileType3.Regular => (ulong)((FileInfo)fi).Length,
            FileType3.Directory => 4096,
            _ => (ulong)System.Text.Encoding.UTF8.GetByteCount(fi.LinkTarget ?? string.Empty),
        };
        uint mode = type == FileType3.Symlink || OperatingSystem.IsWindows() ? 0x1FF : (uint)fi.UnixFileMode & 0xFFF;
        NfsTime3 mtime = ToNfsTime(fi.LastWriteTimeUtc);
        return new Fattr3(type, mode, type == FileType3.Directory ? 2u : 1u, 0, 0, size, (size + 4095) & ~4095UL, default,
            _fileSystemId, fileId, ToNfsTime(fi.LastAccessTimeUtc), mtime, mtime);
    }

    private Nfs3Status Apply(string rel, FileType3 type, Sattr3 changes, Instant now, bool initial = false)
    {
        string full = Full(rel);
        if (type == FileType3.Symlink)
        {
            return changes == Sattr3.Empty ? Nfs3Status.Ok : Nfs3Status.NotSupp; // would follow the link
        }

        if ((changes.Uid is uint uid && uid != 0) || (changes.Gid is uint gid && gid != 0))
        {
            return Nfs3Status.Perm; // no managed API changes owners
        }

        if (changes.Size is ulong size)
        {
            if (type != FileType3.Regular)
            {
                return type == FileType3.Directory ? Nfs3Status.IsDir : Nfs3Status.Inval;
            }

            if (size > MaxFileSize)
            {
                return Nfs3Status.FBig;
            }

            using SafeFileHandle h = File.OpenHandle(full, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            RandomAccess.SetLength(h, (long)size);
        }

        if (changes.Mode is uint mode && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(full, (UnixFileMode)(mode & 0xFFF));
        }

        DateTime server = ToDateTime(now);
        FileSystemInfo fi = type == FileType3.Directory ? new DirectoryInfo(full) : new FileInfo(full);
        DateTime? atime = changes.Atime.How switch
        {
            TimeHow.SetToServerTime => server,
            TimeHow.SetToClientTime => DateTime.UnixEpoch.AddSeconds(changes.Atime.Time.Seconds).AddTicks(changes.Atime.Time.Nanoseconds / 100),
            _ => initial ? server : null,
        };
        DateTime? mtime = changes.Mtime.How switch
        {
            TimeHow.SetToServerTime => server,
            TimeHow.SetToClientTime => DateTime.UnixEpoch.AddSeconds(changes.Mtime.Time.Seconds).AddTicks(changes.Mtime.Time.Nanoseconds / 100),
            _ => initial || changes.Size.HasValue ? server : null,
        };
        if (atime is DateTime a)
        {
            fi.LastAccessTimeUtc = a;
        }

        if (mtime is DateTime m)
        {
            fi.LastWriteTimeUtc = m;
        }

        return Nfs3Status.Ok;
    }

    private void TouchDirectory(string dir, Instant now) => Directory.SetLastWriteTimeUtc(Full(dir), ToDateTime(now));

    private NodeId Assign(string rel, FileType3 type)
    {
        if (_byPath.TryGetValue(rel, out ulong known))
        {
            DiskNode n = _byId[known];
            if (n.Type == type)
            {
                return new NodeId(known, n.Generation);
            }

            Forget(known); // another object now lives at this path
        }

        ulong fileId = _freeIds.Count > 0 ? _freeIds.Pop() : _nextFileId++;
        uint generation = _nextGeneration.GetValueOrDefault(fileId);
        _byId.Add(fileId, new DiskNode(rel, type, generation));
        _byPath.Add(rel, fileId);
        return new NodeId(fileId, generation);
    }

    private void Forget(ulong fileId)
    {
        if (!_byId.Remove(fileId, out DiskNode? n))
        {
            return;
        }

        _byPath.Remove(n.Path);
        _nextGeneration[fileId] = n.Generation + 1;
        _freeIds.Push(fileId);
    }

    private void ForgetPath(string rel)
    {
        if (_byPath.TryGetValue(rel, out ulong id))
        {
            Forget(id);
        }
    }

    /// <summary>After a rename, every id at or below <paramref name="from"/> now lives under <paramref name="to"/>.</summary>
    private void Repath(string from, string to)
    {
        string prefix = from + "/";
        var moved = new List<(string Old, ulong Id)>();
        foreach ((string path, ulong id) in _byPath)
        {
            if (path == from || path.StartsWith(prefix, StringComparison.Ordinal))
            {
                moved.Add((path, id));
            }
        }

        foreach ((string old, ulong id) in moved)
        {
            _byPath.Remove(old);
        }

        foreach ((string old, ulong id) in moved)
        {
            string now = to + old[from.Length..];
            _byId[id].Path = now;
            _byPath[now] = id;
        }
    }

    /// <summary>What the backend remembers of one id.</summary>
    private sealed class DiskNode(string path, FileType3 type, uint generation)
    {
        public string Path { get; set; } = path;

        public FileType3 Type { get; } = type;

        public uint Generation { get; } = generation;

        public ulong? CreateVerifier { get; set; }
    }
}
