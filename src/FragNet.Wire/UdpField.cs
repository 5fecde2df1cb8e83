namespace FragNet.Wire;

/// <summary>Byte offsets of the UDP header (RFC 768).</summary>
public static class UdpField
{
    /// <summary>Source port, 2 bytes (0 = none).</summary>
    public const int SourcePort = 0;

    /// <summary>Destination port, 2 bytes.</summary>
    public const int DestinationPort = 2;

    /// <summary>Length of header and data, 2 bytes (at least 8).</summary>
    public const int Length = 4;

    /// <summary>Checksum over pseudo-header, header and data, 2 bytes (0 = none was computed).</summary>
    public const int Checksum = 6;

    /// <summary>First data byte.</summary>
    public const int Payload = 8;

    /// <summary>Bytes in the header.</summary>
    public const int HeaderLength = 8;
}
