namespace FragNet.Wire;

/// <summary>Byte offsets of the ICMPv4 header (RFC 792): 8 bytes, then data.</summary>
public static class Icmpv4Field
{
    /// <summary>Type, 1 byte.</summary>
    public const int Type = 0;

    /// <summary>Code, 1 byte.</summary>
    public const int Code = 1;

    /// <summary>Checksum over the whole ICMP message, 2 bytes.</summary>
    public const int Checksum = 2;

    /// <summary>The type-specific second word ("rest of header"), 4 bytes.</summary>
    public const int RestOfHeader = 4;

    /// <summary>Echo identifier, 2 bytes (echo request and reply).</summary>
    public const int Identifier = 4;

    /// <summary>Echo sequence number, 2 bytes (echo request and reply).</summary>
    public const int SequenceNumber = 6;

    /// <summary>Next-hop MTU, 2 bytes (destination unreachable, code 4; RFC 1191 §4).</summary>
    public const int NextHopMtu = 6;

    /// <summary>First data byte: echo data, or the quoted original datagram of an error.</summary>
    public const int Data = 8;

    /// <summary>Bytes in the header.</summary>
    public const int HeaderLength = 8;

    /// <summary>Bytes of the original datagram's data an error must quote after its header (RFC 792: "64 bits").</summary>
    public const int QuotedDataLength = 8;
}
