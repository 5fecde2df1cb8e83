using FragNet.Buffers;
using FragNet.Xen.Hypervisor;

namespace FragNet.Xen.CrossProcess;

/// <summary>
/// How a cross-process guest's memory file is laid out, page by page. Both processes map the same file; this is the
/// one place that says where each part is.
/// </summary>
/// <remarks>
/// <code>
///  page 0                 the control page (<see cref="GuestControlPage"/>): the toolstack's configuration and
///                         the XenStore keys of the handshake
///  pages 1 .. G           the guest's grant table, v1 entries (G = <see cref="DomainMemory.GrantFramesFor"/>)
///  pages G+1 .. G+F       the guest's frames 0 .. F−1 (its rings, its packet buffers)
/// </code>
/// In Xen the grant table lives in hypervisor memory shared with the guest; here it lives in the guest's file, which
/// is the same trust situation: the guest writes the entries whenever it likes and the hypervisor's checks must hold
/// anyway.
/// </remarks>
public readonly record struct GuestMemoryLayout(int GuestFrames, int GrantEntries)
{
    /// <summary>Page index of the control page.</summary>
    public const int ControlPage = 0;

    /// <summary>Page index of the first grant-table frame.</summary>
    public const int FirstGrantPage = 1;

    /// <summary>Grant-table frames.</summary>
    public int GrantPages => DomainMemory.GrantFramesFor(GrantEntries);

    /// <summary>Page index of guest frame 0.</summary>
    public int FirstGuestPage => FirstGrantPage + GrantPages;

    /// <summary>Pages in the file.</summary>
    public int TotalPages => FirstGuestPage + GuestFrames;

    /// <summary>Bytes in the file.</summary>
    public long TotalBytes => (long)TotalPages * Page.Size;

    /// <summary>Byte offset of guest frame <paramref name="frame"/> in the file.</summary>
    public long FrameOffset(int frame) => (long)(FirstGuestPage + frame) * Page.Size;
}
