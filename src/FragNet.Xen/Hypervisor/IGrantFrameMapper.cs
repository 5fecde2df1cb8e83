namespace FragNet.Xen.Hypervisor;

/// <summary>
/// How a mapper's address space gets a view of a granted frame of one domain: the <c>host_addr</c> half of
/// <c>GNTTABOP_map_grant_ref</c> and <c>GNTTABOP_unmap_grant_ref</c>.
/// </summary>
/// <remarks>
/// <para>A domain without one is mapped in place: the alias page points at the frame where the hypervisor already
/// sees it. That is the in-process model (one address space) and the cross-process <em>premapped</em> model (the
/// backend maps the guest's memory once, as a vhost-user backend does), where a map costs the grant check and the
/// bookkeeping only.</para>
/// <para>With one, every map makes a new view of that one frame and every unmap removes it — the cost shape of Xen's
/// per-grant mapping (a page-table update and, at unmap, a TLB flush). The hypervisor calls
/// <see cref="UnmapFrame"/> only once the alias page came back, so nothing can reach a view after it is gone.</para>
/// </remarks>
public interface IGrantFrameMapper
{
    /// <summary>A new page-aligned view of frame <paramref name="frame"/> (read-only when <paramref name="writable"/> is false); 0 when the view
    /// could not be made (the map then fails with <see cref="Abi.GrantStatus.NoDeviceSpace"/>).</summary>
    nint MapFrame(int frame, bool writable);

    /// <summary>Removes a view <see cref="MapFrame"/> made.</summary>
    void UnmapFrame(nint view);
}
