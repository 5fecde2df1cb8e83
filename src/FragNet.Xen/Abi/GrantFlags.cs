using System.Diagnostics.CodeAnalysis;

namespace FragNet.Xen.Abi;

/// <summary>
/// The <c>flags</c> field of a v1 grant entry (grant_table.h, <c>GTF_*</c>). The low two bits are the entry's type
/// (<see cref="TypeMask"/>); the rest are set by the granting domain (<see cref="Readonly"/>, the cache attributes) or
/// by the hypervisor while the frame is in use (<see cref="Reading"/>, <see cref="Writing"/>).
/// </summary>
/// <remarks>
/// A guest may not end access (clear the type) while <see cref="Reading"/> or <see cref="Writing"/> is set: the
/// frame is mapped or being copied. For the accept-transfer type grant_table.h reuses bits 2 and 3 as
/// <c>GTF_transfer_committed</c> and <c>GTF_transfer_completed</c>; transfers are not modelled, so those aliases are
/// not listed. <c>GTF_transitive</c> (type 3) and <c>GTF_sub_page</c> (bit 8) exist only in grant table v2, which
/// this model does not speak.
/// </remarks>
[Flags]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The field is grant_entry_v1.flags.")]
public enum GrantFlags : ushort
{
    /// <summary><c>GTF_invalid</c>: type 0, the entry grants nothing.</summary>
    None = 0,

    /// <summary><c>GTF_permit_access</c>: type 1, the domain in <c>domid</c> may map or copy the frame.</summary>
    PermitAccess = 1,

    /// <summary><c>GTF_accept_transfer</c>: type 2, the domain in <c>domid</c> may transfer a page to us.</summary>
    AcceptTransfer = 2,

    /// <summary><c>GTF_type_mask</c>: the bits that hold the entry type.</summary>
    TypeMask = 3,

    /// <summary><c>GTF_readonly</c> (bit 2): the grantee may only read the frame.</summary>
    Readonly = 0x4,

    /// <summary><c>GTF_reading</c> (bit 3): set by the hypervisor while the frame is mapped or copied for reading.</summary>
    Reading = 0x8,

    /// <summary><c>GTF_writing</c> (bit 4): set by the hypervisor while the frame is mapped or copied for writing.</summary>
    Writing = 0x10,

    /// <summary><c>GTF_PWT</c> (bit 5): map with write-through caching (x86 page attribute).</summary>
    Pwt = 0x20,

    /// <summary><c>GTF_PCD</c> (bit 6): map with caching disabled (x86 page attribute).</summary>
    Pcd = 0x40,

    /// <summary><c>GTF_PAT</c> (bit 7): the x86 PAT bit of the mapping.</summary>
    Pat = 0x80,
}
