using FragNet.Buffers;
using FragNet.Xen.CrossProcess;
using FragNet.Xen.Hypervisor;

namespace FragNet.Xen.Host;

/// <summary>
/// One process's view of a cross-process guest's memory: the whole <see cref="MemoryFile"/> mapped once, the control
/// page, and the grant table and frames as <see cref="UserBuffer"/>s over that mapping, ready to become a
/// <see cref="Domain"/>'s memory (<see cref="AsDomainMemory"/>). In the backend this whole mapping is the hypervisor's
/// (Xen's direct map: grant checks and grant copies read it); what netback's stack may reach depends on the mapping
/// model (<see cref="MappingModel"/>).
/// </summary>
/// <remarks>
/// The mapping outlives every page on it: <see cref="Dispose"/> unmaps only once both buffers reported every page
/// back; if a page is still referenced (a leak the report names), the memory stays mapped rather than turn a leak
/// into a crash.
/// </remarks>
public sealed class SharedGuestMemory : IDisposable
{
    private readonly Mapping _whole;
    private int _buffersBack;
    private UserBuffer? _frames;
    private UserBuffer? _grantFrames;

    public SharedGuestMemory(MemoryFile file, GuestMemoryLayout layout)
    {
        ArgumentNullException.ThrowIfNull(file);
        File = file;
        Layout = layout;
        _whole = file.Map(0, layout.TotalBytes, writable: true);
    }

    public MemoryFile File { get; }

    public GuestMemoryLayout Layout { get; }

    /// <summary>The control page.</summary>
    public GuestControlPage Control => new(_whole.Span(0, Page.Size));

    /// <summary>The guest's memory and grant table for <see cref="XenHypervisor.CreateDomain(string, DomainMemory)"/>
    /// (made once; the domain disposes the buffers).</summary>
    public DomainMemory AsDomainMemory(string name, IGrantFrameMapper? mapper)
    {
        if (_frames is not null)
        {
            throw new InvalidOperationException("the guest's memory already belongs to a domain");
        }

        _grantFrames = new UserBuffer(_whole.Address + ((nint)GuestMemoryLayout.FirstGrantPage * Page.Size), Layout.GrantPages, $"{name}-grant-table", BufferBack);
        _frames = new UserBuffer(_whole.Address + ((nint)Layout.FirstGuestPage * Page.Size), Layout.GuestFrames, name, BufferBack);
        return DomainMemory.Shared(_frames, _grantFrames, Layout.GrantEntries, mapper);
    }

    /// <summary>True when no page of the guest's memory is referenced any more (or it never became a domain's).</summary>
    public bool AllPagesBack => _frames is null || Volatile.Read(ref _buffersBack) == 2;

    public void Dispose()
    {
        if (AllPagesBack)
        {
            _whole.Dispose();
        }
    }

    private void BufferBack() => Interlocked.Increment(ref _buffersBack);
}
