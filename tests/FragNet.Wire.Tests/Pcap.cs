using System.Buffers.Binary;

namespace FragNet.Wire.Tests;

/// <summary>
/// A tiny reader for classic pcap files (not pcapng): a 24-byte global header whose magic says the byte order and the
/// timestamp unit (0xa1b2c3d4 microseconds, 0xa1b23c4d nanoseconds, in either byte order), then records of a 16-byte
/// header (seconds, sub-seconds, captured length, original length) followed by the captured bytes.
/// </summary>
public static class Pcap
{
    /// <summary>Link type of Ethernet (LINKTYPE_ETHERNET).</summary>
    public const uint LinkTypeEthernet = 1;

    private const int GlobalHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    /// <summary>Reads every record of <paramref name="file"/>; throws <see cref="InvalidDataException"/> on a file
    /// that is not classic pcap, is not Ethernet, or ends inside a record.</summary>
    public static IReadOnlyList<PcapRecord> Read(ReadOnlySpan<byte> file)
    {
        if (file.Length < GlobalHeaderLength)
        {
            throw new InvalidDataException("shorter than a pcap global header");
        }

        bool bigEndian = BinaryPrimitives.ReadUInt32LittleEndian(file) switch
        {
            0xa1b2c3d4 or 0xa1b23c4d => false,
            0xd4c3b2a1 or 0x4d3cb2a1 => true,
            uint magic => throw new InvalidDataException($"not a classic pcap file (magic 0x{magic:x8})"),
        };

        uint linkType = Read32(file[20..], bigEndian);
        if (linkType != LinkTypeEthernet)
        {
            throw new InvalidDataException($"link type {linkType}, not Ethernet");
        }

        var records = new List<PcapRecord>();
        int pos = GlobalHeaderLength;
        while (pos < file.Length)
        {
            if (file.Length - pos < RecordHeaderLength)
            {
                throw new InvalidDataException($"truncated record header at byte {pos}");
            }

            int captured = checked((int)Read32(file[(pos + 8)..], bigEndian));
            int original = checked((int)Read32(file[(pos + 12)..], bigEndian));
            pos += RecordHeaderLength;
            if (file.Length - pos < captured)
            {
                throw new InvalidDataException($"truncated record data at byte {pos}");
            }

            records.Add(new PcapRecord(records.Count + 1, file.Slice(pos, captured).ToArray(), original));
            pos += captured;
        }

        return records;
    }

    private static uint Read32(ReadOnlySpan<byte> bytes, bool bigEndian) =>
        bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
}
