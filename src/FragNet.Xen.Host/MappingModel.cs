namespace FragNet.Xen.Host;

/// <summary>How netback's grant maps reach a cross-process guest's memory.</summary>
public enum MappingModel
{
    /// <summary>The backend maps the guest's memory once (as a vhost-user backend maps the memory table); a grant map
    /// is the grant check, the pin and the bookkeeping, and the alias points into that mapping.</summary>
    Premapped,

    /// <summary>Each grant map is an <c>mmap</c> of that one frame and each unmap a <c>munmap</c>
    /// (<see cref="PerGrantFrameMapper"/>): the cost shape of Xen's per-grant mapping.</summary>
    PerGrant,
}
