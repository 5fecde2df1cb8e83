using System.Diagnostics.CodeAnalysis;

namespace FragNet.Xen.Abi;

/// <summary>The <c>flags</c> of a <see cref="NetifTxRequest"/> (netif.h, <c>NETTXF_*</c>).</summary>
[Flags]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The field is netif_tx_request.flags.")]
public enum NetTxFlags : ushort
{
    /// <summary>No flags.</summary>
    None = 0,

    /// <summary><c>NETTXF_csum_blank</c> (bit 0): the protocol checksum field is blank (a partial checksum to finish).</summary>
    CsumBlank = 1,

    /// <summary><c>NETTXF_data_validated</c> (bit 1): the packet data has been validated against its checksum.</summary>
    DataValidated = 2,

    /// <summary><c>NETTXF_more_data</c> (bit 2): the packet continues in the next request slot.</summary>
    MoreData = 4,

    /// <summary><c>NETTXF_extra_info</c> (bit 3): a <see cref="NetifExtraInfo"/> slot follows this request.</summary>
    ExtraInfo = 8,
}
