namespace FragNet.Wire;

/// <summary>Byte offsets of the TCP header (RFC 9293 §3.1).</summary>
public static class TcpField
{
    /// <summary>Source port, 2 bytes.</summary>
    public const int SourcePort = 0;

    /// <summary>Destination port, 2 bytes.</summary>
    public const int DestinationPort = 2;

    /// <summary>Sequence number, 4 bytes.</summary>
    public const int SequenceNumber = 4;

    /// <summary>Acknowledgment number, 4 bytes.</summary>
    public const int AcknowledgmentNumber = 8;

    /// <summary>Data offset (high nibble, header length in 32-bit words) and reserved bits (low nibble; its lowest bit
    /// was the historic NS flag of RFC 3540).</summary>
    public const int DataOffset = 12;

    /// <summary>Control bits (<see cref="TcpFlags"/>), 1 byte.</summary>
    public const int Flags = 13;

    /// <summary>Window, 2 bytes (unscaled).</summary>
    public const int Window = 14;

    /// <summary>Checksum over pseudo-header, header and data, 2 bytes.</summary>
    public const int Checksum = 16;

    /// <summary>Urgent pointer, 2 bytes.</summary>
    public const int UrgentPointer = 18;

    /// <summary>First option byte.</summary>
    public const int Options = 20;

    /// <summary>Header without options (data offset 5).</summary>
    public const int MinHeaderLength = 20;

    /// <summary>Header with the most options (data offset 15).</summary>
    public const int MaxHeaderLength = 60;
}
