using System.Diagnostics.CodeAnalysis;

namespace FragNet.Xen.Abi;

/// <summary>
/// The <c>flags</c> of <c>gnttab_map_grant_ref</c> and <c>gnttab_unmap_grant_ref</c> (grant_table.h, <c>GNTMAP_*</c>).
/// A map asks for a host mapping, a device (bus) mapping or both; <see cref="Readonly"/> restricts either to reads.
/// </summary>
[Flags]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The field is gnttab_map_grant_ref.flags.")]
public enum GrantMapFlags : uint
{
    /// <summary>No flags (a map with neither a host nor a device mapping fails with <c>GNTST_general_error</c>).</summary>
    None = 0,

    /// <summary><c>GNTMAP_device_map</c> (bit 0): map for device access (return a bus address).</summary>
    DeviceMap = 1,

    /// <summary><c>GNTMAP_host_map</c> (bit 1): map into the host's address space.</summary>
    HostMap = 2,

    /// <summary><c>GNTMAP_readonly</c> (bit 2): the mapping is read-only.</summary>
    Readonly = 4,

    /// <summary><c>GNTMAP_application_map</c> (bit 3): the host mapping is user-accessible (x86 PV).</summary>
    ApplicationMap = 8,

    /// <summary><c>GNTMAP_contains_pte</c> (bit 4): <c>host_addr</c> is the address of the PTE to update (x86 PV).</summary>
    ContainsPte = 0x10,
}
