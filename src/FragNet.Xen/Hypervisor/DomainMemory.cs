using FragNet.Buffers;

namespace FragNet.Xen.Hypervisor;

/// <summary>
/// Where a new <see cref="Domain"/>'s memory and grant table live. <see cref="Local"/> allocates both (the in-process
/// deployment); <see cref="Shared"/> wraps memory the caller mapped — a guest's <c>memfd</c> seen by the backend and
/// the guest process alike — so the grant entries the guest writes are the ones the hypervisor checks.
/// </summary>
/// <param name="FrameCount">Frames of memory.</param>
/// <param name="GrantEntries">Entries in the grant table.</param>
/// <param name="Frames">The frames, or null to allocate them.</param>
/// <param name="GrantFrames">The grant table's frames (at least <c>GrantEntries × 8</c> bytes), or null to allocate.</param>
/// <param name="FrameMapper">How grant maps of this domain's frames are made; null: in place.</param>
public sealed record DomainMemory(int FrameCount, int GrantEntries, UserBuffer? Frames = null, UserBuffer? GrantFrames = null, IGrantFrameMapper? FrameMapper = null)
{
    /// <summary>Frames needed for a grant table of <paramref name="entries"/> v1 entries.</summary>
    public static int GrantFramesFor(int entries) => (entries * Abi.GrantEntryV1.Size + Page.Size - 1) / Page.Size;

    /// <summary>Memory and grant table allocated in this process.</summary>
    public static DomainMemory Local(int frames, int grantEntries = 1024) => new(frames, grantEntries);

    /// <summary>Memory and grant table in buffers the caller mapped (their <see cref="UserBuffer.Dispose"/> is the
    /// domain's).</summary>
    public static DomainMemory Shared(UserBuffer frames, UserBuffer grantFrames, int grantEntries, IGrantFrameMapper? mapper = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(grantFrames);
        if (grantFrames.PageCount < GrantFramesFor(grantEntries))
        {
            throw new ArgumentException($"{grantEntries} grant entries need {GrantFramesFor(grantEntries)} frames, not {grantFrames.PageCount}", nameof(grantFrames));
        }

        return new(frames.PageCount, grantEntries, frames, grantFrames, mapper);
    }
}
