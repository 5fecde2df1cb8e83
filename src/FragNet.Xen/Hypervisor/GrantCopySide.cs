using FragNet.Buffers;

namespace FragNet.Xen.Hypervisor;

/// <summary>One side of a <c>gnttab_copy</c>: a grant reference of domain <see cref="Domain"/> (when
/// <see cref="IsGref"/>), or a page the calling domain owns (a frame of its memory, or a page of its own pools — what
/// Xen calls a local GMFN), and an offset in it.</summary>
public readonly record struct GrantCopySide(bool IsGref, uint RefOrFrame, ushort Domain, ushort Offset, Page? LocalPage = null)
{
    public static GrantCopySide Gref(ushort domain, uint gref, ushort offset) => new(true, gref, domain, offset);

    public static GrantCopySide LocalFrame(int frame, ushort offset) => new(false, (uint)frame, 0, offset);

    public static GrantCopySide Local(Page page, ushort offset) => new(false, 0, 0, offset, page);
}
