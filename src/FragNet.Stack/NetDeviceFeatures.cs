namespace FragNet.Stack;

/// <summary>What a device does in hardware (Linux <c>NETIF_F_*</c>).</summary>
[Flags]
public enum NetDeviceFeatures
{
    None = 0,

    /// <summary>Transmits paged buffers (NETIF_F_SG); without it every frame is linearized first.</summary>
    ScatterGather = 1,

    /// <summary>Segments TCP super-packets itself (NETIF_F_TSO); without it the stack segments in software (GSO).</summary>
    Tso = 2,

    /// <summary>Fills in transport checksums (NETIF_F_HW_CSUM): the stack hands it <c>ChecksumState.Partial</c>.</summary>
    TxChecksum = 4,

    /// <summary>Verifies received checksums (<c>ChecksumState.Unnecessary</c> on receive).</summary>
    RxChecksum = 8,
}
