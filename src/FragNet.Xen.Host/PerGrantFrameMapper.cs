using FragNet.Buffers;
using FragNet.Xen.CrossProcess;
using FragNet.Xen.Host.Interop;
using FragNet.Xen.Hypervisor;

namespace FragNet.Xen.Host;

/// <summary>
/// The per-grant mapping model: every grant map of a guest frame is its own <c>mmap</c> of that one page of the
/// guest's <see cref="MemoryFile"/> (read-only for a read-only map, so a write through it faults as it would under
/// Xen), and every unmap a <c>munmap</c> — a new VMA, page-table entries and, at unmap, a TLB flush: the cost shape
/// of Xen's <c>GNTTABOP_map_grant_ref</c>/<c>unmap_grant_ref</c>.
/// </summary>
public sealed class PerGrantFrameMapper : IGrantFrameMapper
{
    private readonly MemoryFile _file;
    private readonly GuestMemoryLayout _layout;

    public PerGrantFrameMapper(MemoryFile file, GuestMemoryLayout layout)
    {
        ArgumentNullException.ThrowIfNull(file);
        _file = file;
        _layout = layout;
    }

    /// <summary><c>mmap</c> calls so far.</summary>
    public long Maps { get; private set; }

    /// <summary><c>munmap</c> calls so far.</summary>
    public long Unmaps { get; private set; }

    /// <summary>Views alive now.</summary>
    public long Live => Maps - Unmaps;

    public nint MapFrame(int frame, bool writable)
    {
        nint a = Libc.Mmap(0, Page.Size, Libc.ProtRead | (writable ? Libc.ProtWrite : 0), Libc.MapShared | Libc.MapPopulate, _file.Fd, _layout.FrameOffset(frame));
        if (a == Libc.MapFailed)
        {
            return 0;
        }

        Maps++;
        return a;
    }

    public void UnmapFrame(nint view)
    {
        Libc.Check(Libc.Munmap(view, Page.Size), "munmap");
        Unmaps++;
    }
}
