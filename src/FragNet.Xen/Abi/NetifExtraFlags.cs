using System.Diagnostics.CodeAnalysis;

namespace FragNet.Xen.Abi;

/// <summary>The <c>flags</c> of a <see cref="NetifExtraInfo"/> slot (netif.h, <c>XEN_NETIF_EXTRA_FLAG_*</c>).</summary>
[Flags]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The field is netif_extra_info.flags.")]
public enum NetifExtraFlags : byte
{
    /// <summary>No flags: this is the last extra-info slot.</summary>
    None = 0,

    /// <summary><c>XEN_NETIF_EXTRA_FLAG_MORE</c> (bit 0): another extra-info slot follows.</summary>
    More = 1,
}
