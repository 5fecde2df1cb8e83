namespace FragNet.Buffers;

/// <summary>
/// What is known about a buffer's checksum (Linux <c>ip_summed</c>; see "DOC: skb checksums" in skbuff.h).
/// </summary>
public enum ChecksumState : byte
{
    /// <summary>Receive: nothing verified. Transmit: the checksum is already complete in the packet.</summary>
    None = 0,

    /// <summary>Receive: the device (or an earlier layer) verified it; nobody needs to look again.</summary>
    Unnecessary = 1,

    /// <summary>Receive: <see cref="SkBuff.Csum"/> holds the sum of the bytes from <c>Data</c> on.</summary>
    Complete = 2,

    /// <summary>Transmit: the checksum must still be computed from <c>CsumStart</c> and stored at
    /// <c>CsumStart + CsumOffset</c> (by the device, or in software before it).</summary>
    Partial = 3,
}
