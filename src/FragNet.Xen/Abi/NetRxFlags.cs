using System.Diagnostics.CodeAnalysis;

namespace FragNet.Xen.Abi;

/// <summary>The <c>flags</c> of a <see cref="NetifRxResponse"/> (netif.h, <c>NETRXF_*</c>). Note the first two bits
/// are in the opposite order from <see cref="NetTxFlags"/>.</summary>
[Flags]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The field is netif_rx_response.flags.")]
public enum NetRxFlags : ushort
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary><c>NETRXF_data_validated</c> (bit 0): the packet data has been validated against its checksum.</summary>
    DataValidated = 1,

    /// <summary><c>NETRXF_csum_blank</c> (bit 1): the protocol checksum field is blank.</summary>
    CsumBlank = 2,

    /// <summary><c>NETRXF_more_data</c> (bit 2): the packet continues in the next response slot.</summary>
    MoreData = 4,

    /// <summary><c>NETRXF_extra_info</c> (bit 3): a <see cref="NetifExtraInfo"/> slot follows this response.</summary>
    ExtraInfo = 8,

    /// <summary><c>NETRXF_gso_prefix</c> (bit 4): GSO prefix descriptor (the legacy "GSO prefix" mode); this slot
    /// carries GSO information, the packet starts in the next.</summary>
    GsoPrefix = 0x10,
}
