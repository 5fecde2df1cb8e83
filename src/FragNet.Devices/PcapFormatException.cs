namespace FragNet.Devices;

/// <summary>
/// A capture file that is not a pcap file, or is truncated or corrupt. <see cref="Offset"/> is the byte offset in the
/// file of the structure that could not be read, so the damage can be inspected with a hex dump.
/// </summary>
public sealed class PcapFormatException : IOException
{
    public PcapFormatException()
    {
    }

    public PcapFormatException(string message)
        : base(message)
    {
    }

    public PcapFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for the structure at <paramref name="offset"/>.</summary>
    public PcapFormatException(string message, long offset)
        : base(message) => Offset = offset;

    /// <summary>Byte offset in the file of the header or data that was truncated or corrupt.</summary>
    public long Offset { get; }
}
