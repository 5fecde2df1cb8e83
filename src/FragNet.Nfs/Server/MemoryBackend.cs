using FragNet.Nfs.Protocol;

namespace FragNet.Nfs.Server;

/// <summary>
/// A file system in memory: regular files, directories, symlinks, hard links, device nodes, sockets and FIFOs. The
/// backend for tests and the simulator; <see cref="ReadAllBytes"/> lets a test or tool check what a client wrote.
/// </summary>
/// <remarks>
/// <para><b>Ids.</b> The root is file id 1. A freed file id is reused last-in first-out, with its generation bumped,
/// so a handle to a removed file is stale even when a new file gets the same id at once.</para>
/// <para><b>Stability.</b> Memory is this backend's stable storage: every WRITE is as stable as it will ever be, and
/// COMMIT has nothing to do.</para>
/// <para>Not thread-safe (see <see cref="INfsBackend"/>).</para>
/// </remarks>
public sealed class MemoryBackend : INfsBackend
{
    /// <summary>Largest file by default: 1 GiB (files are single arrays).</summary>
    public const ulong DefaultMaxFileSize = 1UL << 30;

    private const ulong RootFileId = 1;

    private readonly Dictionary<ulong, MemoryNode> _nodes = [];       // live nodes by file id
    private readonly Dictionary<ulong, uint> _nextGeneration = [];    // freed ids: the generation of their next use
    private readonly Stack<ulong> _freeIds = new();                   // freed ids, reused last-in first-out
    private readonly ulong _fileSystemId;
    private readonly MemoryNode _root;
    private ulong _nextFileId = RootFileId;                           // next never-used id
    private long _bytesStored;                                        // sum of regular file lengths

    /// <summary>An empty file system: a root directory (mode 0777, owner 0:0) created at <paramref name="created"/>.</summary>
    /// <param name="fileSystemId">The <c>fsid</c> attributes report.</param>
    /// <param name="maxFileSize">Largest file size (at most <see cref="Array.MaxLength"/>).</param>
    /// <param name="created">The root's times.</param>
    public MemoryBackend(ulong fileSystemId = 1, ulong maxFileSize = DefaultMaxFileSize, Instant created = default)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFileSize, (ulong)Array.MaxLength);
        _fileSystemId = fileSystemId;
        MaxFileSize = maxFileSize;
        _root = NewNode(FileType3.Directory, created);
        _root.Mode = 0x1FF; // 0777
        _root.Parent = _root;
    }

    /// <inheritdoc/>
    public NodeId Root => _root.Id;

    /// <inheritdoc/>
    public ulong MaxFileSize { get; }

    /// <summary>Bytes FSSTAT reports as the file system's size.</summary>
    public ulong Capacity { get; init; } = 64UL << 30;

    /// <inheritdoc/>
    public FsInfoProperties Properties => FsInfoProperties.Link | FsInfoProperties.Symlink | FsInfoProperties.Homogeneous | FsInfoProperties.CanSetTime;

    /// <summary>Live objects, the root included.</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>The contents of the regular file at <paramref name="path"/> ("/round-0", "dir/file"; relative to the
    /// export's root; symlinks are not followed).</summary>
    /// <exception cref="FileNotFoundException">No regular file there.</exception>
    public byte[] ReadAllBytes(string path)
    {
        MemoryNode? node = Walk(path);
        if (node is null || node.Type != FileType3.Regular)
        {
            throw new FileNotFoundException($"no regular file at {path} in the in-memory export", path);
        }

        return node.Data.AsSpan(0, (int)node.Length).ToArray();
    }

    /// <summary>True if something exists at <paramref name="path"/>.</summary>
    public bool Exists(string path) => Walk(path) is not null;

    /// <summary>Creates or replaces the regular file at <paramref name="path"/> (its directory must exist) holding
    /// <paramref name="data"/>: test and tool set-up without going through NFS.</summary>
    public void WriteAllBytes(string path, ReadOnlySpan<byte> data, Instant now = default)
    {
        (MemoryNode dir, string name) = WalkParent(path);
        Nfs3Status s = CreateFile(dir.Id, name, CreateMode.Unchecked, Sattr3.Empty with { Size = 0 }, 0, default, now, out NodeId id);
        if (s == Nfs3Status.Ok)
        {
            s = Write(id, 0, data, StableHow.FileSync, now);
        }

        if (s != Nfs3Status.Ok)
        {
            throw new IOException($"cannot write {path}: {s}");
        }
    }

    /// <summary>Creates the directory at <paramref name="path"/> (its parent must exist).</summary>
    public void CreateDirectory(string path, Instant now = default)
    {
        (MemoryNode dir, string name) = WalkParent(path);
        Nfs3Status s = MakeDirectory(dir.Id, name, Sattr3.Empty, default, now, out _);
        if (s != Nfs3Status.Ok)
        {
            throw new IOException($"cannot create directory {path}: {s}");
        }
    }

    /// <inheritdoc/>
    public Nfs3Status GetAttributes(NodeId node, out Fattr3 attributes)
    {
        MemoryNode? n = Find(node);
        attributes = n?.Attributes(_fileSystemId)!;
        return n is null ? Nfs3Status.Stale : Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public Nfs3Status SetAttributes(NodeId node, Sattr3 changes, Instant now)
    {
        ArgumentNullException.ThrowIfNull(changes);
        MemoryNode? n = Find(node);
        if (n is null)
        {
            return Nfs3Status.Stale;
        }

        return Apply(n, changes, NfsTime3.FromInstant(now));
    }

    /// <inheritdoc/>
    public Nfs3Status Lookup(NodeId directory, string name, out NodeId child)
    {
        child = default;
        Nfs3Status s = FindDirectory(directory, out MemoryNode dir);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        if (NameRules.CheckEntryName(name) != Nfs3Status.Ok || !dir.Children!.TryGetValue(name, out MemoryNode? c))
        {
            return Nfs3Status.NoEnt;
        }

        child = c.Id;
        return Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public Nfs3Status LookupParent(NodeId directory, out NodeId parent)
    {
        parent = default;
        Nfs3Status s = FindDirectory(directory, out MemoryNode dir);
        if (s == Nfs3Status.Ok)
        {
            parent = dir.Parent!.Id;
        }

        return s;
    }

    /// <inheritdoc/>
    public Nfs3Status ReadLink(NodeId node, out string target)
    {
        target = string.Empty;
        MemoryNode? n = Find(node);
        if (n is null)
        {
            return Nfs3Status.Stale;
        }

        if (n.Type != FileType3.Symlink)
        {
            return Nfs3Status.Inval;
        }

        target = n.Target;
        return Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public Nfs3Status Read(NodeId file, ulong offset, Span<byte> destination, Instant now, out int count, out bool endOfFile)
    {
        count = 0;
        endOfFile = false;
        Nfs3Status s = FindRegular(file, out MemoryNode n);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        if (offset >= (ulong)n.Length)
        {
            endOfFile = true;
            return Nfs3Status.Ok;
        }

        int at = (int)offset;
        count = (int)Math.Min(destination.Length, n.Length - at);
        n.Data.AsSpan(at, count).CopyTo(destination);
        endOfFile = at + count >= n.Length;
        n.Atime = NfsTime3.FromInstant(now);
        return Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public Nfs3Status Write(NodeId file, ulong offset, ReadOnlySpan<byte> data, StableHow stable, Instant now)
    {
        Nfs3Status s = FindRegular(file, out MemoryNode n);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        if (offset > MaxFileSize || (ulong)data.Length > MaxFileSize - offset)
        {
            return Nfs3Status.FBig;
        }

        long end = (long)offset + data.Length;
        EnsureCapacity(n, end);
        data.CopyTo(n.Data.AsSpan((int)offset));
        if (end > n.Length)
        {
            _bytesStored += end - n.Length;
            n.Length = end;
        }

        NfsTime3 t = NfsTime3.FromInstant(now);
        n.Mtime = t;
        n.Ctime = t;
        return Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public Nfs3Status Commit(NodeId file) => Find(file) is null ? Nfs3Status.Stale : Nfs3Status.Ok;

    /// <inheritdoc/>
    public Nfs3Status CreateFile(NodeId directory, string name, CreateMode mode, Sattr3 attributes, ulong verifier, NodeOwner owner, Instant now, out NodeId created)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        created = default;
        Nfs3Status s = PrepareEntry(directory, name, out MemoryNode dir);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        NfsTime3 t = NfsTime3.FromInstant(now);
        if (dir.Children!.TryGetValue(name, out MemoryNode? existing))
        {
            switch (mode)
            {
                case CreateMode.Unchecked when existing.Type == FileType3.Regular:
                    created = existing.Id;
                    return Apply(existing, attributes, t);
                case CreateMode.Exclusive when existing.Type == FileType3.Regular && existing.CreateVerifier == verifier:
                    created = existing.Id; // a retransmitted EXCLUSIVE CREATE: the same call, so the same answer
                    return Nfs3Status.Ok;
                default:
                    return Nfs3Status.Exist;
            }
        }

        MemoryNode n = NewNode(FileType3.Regular, now);
        InitOwnership(n, attributes, owner, 0x1A4); // 0644
        if (mode == CreateMode.Exclusive)
        {
            n.CreateVerifier = verifier;
        }
        else if (attributes.Size is ulong size && size > 0)
        {
            Nfs3Status sized = Apply(n, Sattr3.Empty with { Size = size }, t);
            if (sized != Nfs3Status.Ok)
            {
                Free(n);
                return sized;
            }
        }

        AddEntry(dir, name, n, t);
        created = n.Id;
        return Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public Nfs3Status MakeDirectory(NodeId directory, string name, Sattr3 attributes, NodeOwner owner, Instant now, out NodeId created)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        return MakeSimple(directory, name, FileType3.Directory, attributes, owner, 0x1ED /* 0755 */, now, out created, n => { });
    }

    /// <inheritdoc/>
    public Nfs3Status MakeSymlink(NodeId directory, string name, string target, Sattr3 attributes, NodeOwner owner, Instant now, out NodeId created)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (NameRules.CheckSymlinkTarget(target) is var ts && ts != Nfs3Status.Ok)
        {
            created = default;
            return ts;
        }

        return MakeSimple(directory, name, FileType3.Symlink, attributes, owner, 0x1FF /* 0777 */, now, out created, n => n.Target = target);
    }

    /// <inheritdoc/>
    public Nfs3Status MakeNode(NodeId directory, string name, FileType3 type, SpecData3 device, Sattr3 attributes, NodeOwner owner, Instant now, out NodeId created)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (type is not (FileType3.Character or FileType3.Block or FileType3.Socket or FileType3.Fifo))
        {
            created = default;
            return Nfs3Status.BadType; // RFC 1813 §3.3.11: regular files, directories and links have their own calls
        }

        return MakeSimple(directory, name, type, attributes, owner, 0x1A4, now, out created, n => n.Rdev = device);
    }

    /// <inheritdoc/>
    public Nfs3Status Remove(NodeId directory, string name, Instant now)
    {
        Nfs3Status s = FindEntry(directory, name, out MemoryNode dir, out MemoryNode child);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        if (child.Type == FileType3.Directory)
        {
            return Nfs3Status.IsDir;
        }

        RemoveEntry(dir, name, child, NfsTime3.FromInstant(now));
        return Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public Nfs3Status RemoveDirectory(NodeId directory, string name, Instant now)
    {
        Nfs3Status s = FindEntry(directory, name, out MemoryNode dir, out MemoryNode child);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        if (child.Type != FileType3.Directory)
        {
            return Nfs3Status.NotDir;
        }

        if (child.Children!.Count != 0)
        {
            return Nfs3Status.NotEmpty;
        }

        RemoveEntry(dir, name, child, NfsTime3.FromInstant(now));
        return Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public Nfs3Status Rename(NodeId fromDirectory, string fromName, NodeId toDirectory, string toName, Instant now)
    {
        Nfs3Status s = FindEntry(fromDirectory, fromName, out MemoryNode from, out MemoryNode node);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        s = PrepareEntry(toDirectory, toName, out MemoryNode to);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        if (node.Type == FileType3.Directory)
        {
            // A directory cannot move into itself or below itself: the tree would lose it (RFC 1813 §3.3.14).
            for (MemoryNode d = to; ; d = d.Parent!)
            {
                if (ReferenceEquals(d, node))
                {
                    return Nfs3Status.Inval;
                }

                if (ReferenceEquals(d, _root))
                {
                    break;
                }
            }
        }

        NfsTime3 t = NfsTime3.FromInstant(now);
        if (to.Children!.TryGetValue(toName, out MemoryNode? target))
        {
            if (ReferenceEquals(target, node))
            {
                return Nfs3Status.Ok; // two links to one file, or a rename onto itself: nothing to do
            }

            bool compatible = (node.Type == FileType3.Directory) == (target.Type == FileType3.Directory)
                && (target.Children is null || target.Children.Count == 0);
            if (!compatible)
            {
                return Nfs3Status.Exist; // RFC 1813 §3.3.14: incompatible types or a non-empty target directory
            }

            RemoveEntry(to, toName, target, t);
        }

        from.Children!.Remove(fromName);
        from.TouchDirectory(t);
        to.Children.Add(toName, node);
        to.TouchDirectory(t);
        if (node.Type == FileType3.Directory)
        {
            node.Parent = to;
        }

        node.Ctime = t;
        return Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public Nfs3Status Link(NodeId file, NodeId directory, string name, Instant now)
    {
        MemoryNode? n = Find(file);
        if (n is null)
        {
            return Nfs3Status.Stale;
        }

        Nfs3Status s = PrepareEntry(directory, name, out MemoryNode dir);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        if (n.Type == FileType3.Directory)
        {
            return Nfs3Status.IsDir; // hard links to directories would make the tree a graph
        }

        if (dir.Children!.ContainsKey(name))
        {
            return Nfs3Status.Exist;
        }

        NfsTime3 t = NfsTime3.FromInstant(now);
        AddEntry(dir, name, n, t);
        n.Ctime = t;
        return Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public Nfs3Status ReadDirectory(NodeId directory, out IReadOnlyList<DirectoryEntry> entries, out ulong cookieVerifier)
    {
        entries = [];
        cookieVerifier = 0;
        Nfs3Status s = FindDirectory(directory, out MemoryNode dir);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        var list = new DirectoryEntry[dir.Children!.Count];
        for (int i = 0; i < list.Length; i++)
        {
            list[i] = new DirectoryEntry(dir.Children.Keys[i], dir.Children.Values[i].Id);
        }

        entries = list;
        cookieVerifier = dir.Version + 1; // never 0, the "first call" verifier
        return Nfs3Status.Ok;
    }

    /// <inheritdoc/>
    public FileSystemStatistics GetStatistics()
    {
        ulong used = (ulong)_bytesStored;
        ulong free = Capacity > used ? Capacity - used : 0;
        const ulong files = 1UL << 24;
        ulong freeFiles = files - Math.Min(files, (ulong)_nodes.Count);
        return new FileSystemStatistics(Capacity, free, free, files, freeFiles, freeFiles);
    }

    private MemoryNode? Find(NodeId id) =>
        _nodes.TryGetValue(id.FileId, out MemoryNode? n) && n.Id.Generation == id.Generation ? n : null;

    private Nfs3Status FindDirectory(NodeId id, out MemoryNode dir)
    {
        dir = Find(id)!;
        if (dir is null)
        {
            return Nfs3Status.Stale;
        }

        return dir.Type == FileType3.Directory ? Nfs3Status.Ok : Nfs3Status.NotDir;
    }

    private Nfs3Status FindRegular(NodeId id, out MemoryNode file)
    {
        file = Find(id)!;
        if (file is null)
        {
            return Nfs3Status.Stale;
        }

        return file.Type switch
        {
            FileType3.Regular => Nfs3Status.Ok,
            FileType3.Directory => Nfs3Status.IsDir,
            _ => Nfs3Status.Inval,
        };
    }

    /// <summary>A directory in which <paramref name="name"/> may be created.</summary>
    private Nfs3Status PrepareEntry(NodeId directory, string name, out MemoryNode dir)
    {
        Nfs3Status s = FindDirectory(directory, out dir);
        return s != Nfs3Status.Ok ? s : NameRules.CheckEntryName(name);
    }

    /// <summary>An existing, removable entry.</summary>
    private Nfs3Status FindEntry(NodeId directory, string name, out MemoryNode dir, out MemoryNode child)
    {
        child = null!;
        Nfs3Status s = PrepareEntry(directory, name, out dir);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        return dir.Children!.TryGetValue(name, out child!) ? Nfs3Status.Ok : Nfs3Status.NoEnt;
    }

    private Nfs3Status MakeSimple(NodeId directory, string name, FileType3 type, Sattr3 attributes, NodeOwner owner, uint defaultMode, Instant now, out NodeId created, Action<MemoryNode> init)
    {
        created = default;
        Nfs3Status s = PrepareEntry(directory, name, out MemoryNode dir);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        if (dir.Children!.ContainsKey(name))
        {
            return Nfs3Status.Exist;
        }

        MemoryNode n = NewNode(type, now);
        InitOwnership(n, attributes, owner, defaultMode);
        init(n);
        if (type == FileType3.Directory)
        {
            n.Parent = dir;
        }

        AddEntry(dir, name, n, NfsTime3.FromInstant(now));
        created = n.Id;
        return Nfs3Status.Ok;
    }

    private static void InitOwnership(MemoryNode n, Sattr3 attributes, NodeOwner owner, uint defaultMode)
    {
        n.Mode = (attributes.Mode ?? defaultMode) & 0xFFF;
        n.Uid = attributes.Uid ?? owner.Uid;
        n.Gid = attributes.Gid ?? owner.Gid;
        if (attributes.Atime.How == TimeHow.SetToClientTime)
        {
            n.Atime = attributes.Atime.Time;
        }

        if (attributes.Mtime.How == TimeHow.SetToClientTime)
        {
            n.Mtime = attributes.Mtime.Time;
        }
    }

    private Nfs3Status Apply(MemoryNode n, Sattr3 changes, NfsTime3 now)
    {
        if (changes.Size is ulong size)
        {
            if (n.Type != FileType3.Regular)
            {
                return n.Type == FileType3.Directory ? Nfs3Status.IsDir : Nfs3Status.Inval;
            }

            if (size > MaxFileSize)
            {
                return Nfs3Status.FBig;
            }

            long newLength = (long)size;
            if (newLength < n.Length)
            {
                n.Data.AsSpan((int)newLength, (int)(n.Length - newLength)).Clear(); // keep the zero-tail invariant
            }
            else
            {
                EnsureCapacity(n, newLength);
            }

            _bytesStored += newLength - n.Length;
            n.Length = newLength;
            n.Mtime = now;
        }

        if (changes.Mode is uint mode)
        {
            n.Mode = mode & 0xFFF;
        }

        if (changes.Uid is uint uid)
        {
            n.Uid = uid;
        }

        if (changes.Gid is uint gid)
        {
            n.Gid = gid;
        }

        n.Atime = changes.Atime.How switch
        {
            TimeHow.SetToServerTime => now,
            TimeHow.SetToClientTime => changes.Atime.Time,
            _ => n.Atime,
        };
        n.Mtime = changes.Mtime.How switch
        {
            TimeHow.SetToServerTime => now,
            TimeHow.SetToClientTime => changes.Mtime.Time,
            _ => n.Mtime,
        };
        n.Ctime = now;
        return Nfs3Status.Ok;
    }

    private static void EnsureCapacity(MemoryNode n, long needed)
    {
        if (needed <= n.Data.Length)
        {
            return;
        }

        long grown = Math.Max(needed, Math.Min((long)n.Data.Length * 2, Array.MaxLength));
        var bigger = new byte[Math.Max(grown, 4096)];
        n.Data.AsSpan(0, (int)n.Length).CopyTo(bigger);
        n.Data = bigger;
    }

    private MemoryNode NewNode(FileType3 type, Instant now)
    {
        ulong fileId = _freeIds.Count > 0 ? _freeIds.Pop() : _nextFileId++;
        uint generation = _nextGeneration.GetValueOrDefault(fileId);
        var n = new MemoryNode(new NodeId(fileId, generation), type, now);
        _nodes.Add(fileId, n);
        return n;
    }

    private void Free(MemoryNode n)
    {
        _nodes.Remove(n.Id.FileId);
        _nextGeneration[n.Id.FileId] = n.Id.Generation + 1;
        _freeIds.Push(n.Id.FileId);
        if (n.Type == FileType3.Regular)
        {
            _bytesStored -= n.Length;
        }
    }

    private static void AddEntry(MemoryNode dir, string name, MemoryNode n, NfsTime3 now)
    {
        dir.Children!.Add(name, n);
        dir.TouchDirectory(now);
        if (n.Type != FileType3.Directory)
        {
            n.LinkCount++;
        }
    }

    private void RemoveEntry(MemoryNode dir, string name, MemoryNode n, NfsTime3 now)
    {
        dir.Children!.Remove(name);
        dir.TouchDirectory(now);
        if (n.Type == FileType3.Directory)
        {
            Free(n);
            return;
        }

        n.Ctime = now;
        if (--n.LinkCount == 0)
        {
            Free(n);
        }
    }

    private MemoryNode? Walk(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        MemoryNode n = _root;
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                n = n.Parent ?? _root;
                continue;
            }

            if (n.Children is null || !n.Children.TryGetValue(part, out MemoryNode? next))
            {
                return null;
            }

            n = next;
        }

        return n;
    }

    private (MemoryNode Directory, string Name) WalkParent(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string trimmed = path.TrimEnd('/');
        int slash = trimmed.LastIndexOf('/');
        string name = trimmed[(slash + 1)..];
        MemoryNode? dir = Walk(slash < 0 ? string.Empty : trimmed[..slash]);
        if (dir is null || dir.Type != FileType3.Directory || NameRules.CheckEntryName(name) != Nfs3Status.Ok)
        {
            throw new DirectoryNotFoundException($"no directory to hold {path} in the in-memory export");
        }

        return (dir, name);
    }
}
