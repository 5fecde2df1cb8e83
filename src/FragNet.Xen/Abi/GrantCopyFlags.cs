using System.Diagnostics.CodeAnalysis;

namespace FragNet.Xen.Abi;

/// <summary>
/// The <c>uint16_t flags</c> of <c>gnttab_copy</c> (grant_table.h, <c>GNTCOPY_*</c>): which side of the copy names a
/// grant reference (of the domain in that side's <c>domid</c>) rather than a frame of the caller.
/// </summary>
[Flags]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The field is gnttab_copy.flags.")]
public enum GrantCopyFlags : ushort
{
    /// <summary>Both sides are the caller's own frames.</summary>
    None = 0,

    /// <summary><c>GNTCOPY_source_gref</c> (bit 0): <c>source.u.ref</c> is a grant reference.</summary>
    SourceGref = 1,

    /// <summary><c>GNTCOPY_dest_gref</c> (bit 1): <c>dest.u.ref</c> is a grant reference.</summary>
    DestGref = 2,
}
