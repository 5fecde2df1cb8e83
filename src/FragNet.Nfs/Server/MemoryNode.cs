using FragNet.Nfs.Protocol;

namespace FragNet.Nfs.Server;

/// <summary>One object of a <see cref="MemoryBackend"/>: a regular file, directory, symlink or special file.</summary>
/// <remarks>
/// Invariant (regular files): <c>Data[Length..]</c> is all zeros, so extending a file — by a write past the end or
/// a SETATTR size — exposes zeros, as a hole must read (RFC 1813 §3.3.2, §3.3.7).
/// </remarks>
internal sealed class MemoryNode
{
    public MemoryNode(NodeId id, FileType3 type, Instant now)
    {
        Id = id;
        Type = type;
        NfsTime3 t = NfsTime3.FromInstant(now);
        Atime = t;
        Mtime = t;
        Ctime = t;
        if (type == FileType3.Directory)
        {
            Children = new SortedList<string, MemoryNode>(StringComparer.Ordinal);
        }
    }

    /// <summary>File id and generation; fixed for the node's life.</summary>
    public NodeId Id { get; }

    public FileType3 Type { get; }

    /// <summary>Permission bits (07777).</summary>
    public uint Mode { get; set; }

    public uint Uid { get; set; }

    public uint Gid { get; set; }

    public NfsTime3 Atime { get; set; }

    public NfsTime3 Mtime { get; set; }

    public NfsTime3 Ctime { get; set; }

    /// <summary>Regular files: storage, at least <see cref="Length"/> bytes, zero past it.</summary>
    public byte[] Data { get; set; } = [];

    /// <summary>Regular files: the file's size.</summary>
    public long Length { get; set; }

    /// <summary>Directories: entries by name, in ordinal order (READDIR cookies are positions in it).</summary>
    public SortedList<string, MemoryNode>? Children { get; }

    /// <summary>Directories: the containing directory (the root's is itself).</summary>
    public MemoryNode? Parent { get; set; }

    /// <summary>Directories: bumped on every change of <see cref="Children"/>; the READDIR cookie verifier.</summary>
    public ulong Version { get; set; }

    /// <summary>Non-directories: directory entries naming this node. At zero the node is freed.</summary>
    public uint LinkCount { get; set; }

    /// <summary>Symlinks: the text.</summary>
    public string Target { get; set; } = string.Empty;

    /// <summary>Devices: major and minor numbers.</summary>
    public SpecData3 Rdev { get; set; }

    /// <summary>Regular files made by an EXCLUSIVE CREATE: its verifier (RFC 1813 §3.3.8).</summary>
    public ulong? CreateVerifier { get; set; }

    /// <summary>The <c>fattr3.size</c> value.</summary>
    public ulong Size => Type switch
    {
        FileType3.Regular => (ulong)Length,
        FileType3.Directory => 4096,
        FileType3.Symlink => (ulong)System.Text.Encoding.UTF8.GetByteCount(Target),
        _ => 0,
    };

    /// <summary>Directories: "." and the parent's entry, plus each subdirectory's "..". Others: their links.</summary>
    public uint NlinkValue
    {
        get
        {
            if (Children is null)
            {
                return LinkCount;
            }

            uint n = 2;
            foreach (MemoryNode c in Children.Values)
            {
                if (c.Type == FileType3.Directory)
                {
                    n++;
                }
            }

            return n;
        }
    }

    public Fattr3 Attributes(ulong fileSystemId) => new(
        Type, Mode, NlinkValue, Uid, Gid, Size, (Size + 4095) & ~4095UL, Rdev, fileSystemId, Id.FileId, Atime, Mtime, Ctime);

    /// <summary>Marks a change of the directory's entries at <paramref name="now"/>.</summary>
    public void TouchDirectory(NfsTime3 now)
    {
        Mtime = now;
        Ctime = now;
        Version++;
    }
}
