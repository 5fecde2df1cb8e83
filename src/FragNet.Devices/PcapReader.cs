using System.Buffers.Binary;

namespace FragNet.Devices;

/// <summary>
/// Reads a libpcap capture file (<see cref="PcapFormat"/>): microsecond (a1b2c3d4) and nanosecond (a1b23c4d) magics,
/// written in either byte order, any link type. pcapng files are recognised and refused.
/// </summary>
/// <remarks>
/// <para><b>Records.</b> <see cref="TryReadPacket"/> returns one record at a time in a buffer the reader reuses, so a
/// whole file is read with no allocation per record; <see cref="PcapRecord.Copy"/> keeps one. <see cref="ReadAll"/>
/// reads a whole stream into owned records.</para>
/// <para><b>Damage.</b> A file that ends exactly after a record is complete. Anything else — a short file header, an
/// unknown magic, a version other than 2.x, a record header cut short, a captured length above the reader's limit (a
/// corrupt length, as libpcap judges it: there is no way to resynchronise), a timestamp fraction of a second or more,
/// packet data cut short — throws <see cref="PcapFormatException"/> naming the byte offset of the damaged structure.
/// The limit also bounds what a corrupt file can make the reader allocate; reading never runs past the stream's end
/// and never loops. After an exception the reader is failed and throws on further reads.</para>
/// <para>Not thread-safe.</para>
/// </remarks>
public sealed class PcapReader : IDisposable
{
    private readonly Stream _stream;   // the capture file, read strictly forward
    private readonly bool _leaveOpen;  // whether Dispose leaves the stream to its owner
    private readonly bool _bigEndian;  // the file's fields are big-endian (written on a big-endian host)
    private readonly int _maxCaptureLength; // incl_len above this is corruption, not a packet
    private byte[] _buffer = new byte[2048]; // the current record's bytes; grows to the largest record seen
    private long _offset;              // file offset of the next byte to read
    private bool _failed;              // a format error was thrown; the position is no longer meaningful
    private bool _disposed;

    /// <summary>Opens a capture: reads and checks the 24-byte file header.</summary>
    /// <param name="stream">A readable stream positioned at the start of the file.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open when the reader is disposed.</param>
    /// <param name="maxCaptureLength">Largest <c>incl_len</c> accepted (libpcap's limit for Ethernet by default).</param>
    /// <exception cref="PcapFormatException">The header is short, the magic unknown or the version not 2.x.</exception>
    public PcapReader(Stream stream, bool leaveOpen = false, int maxCaptureLength = PcapFormat.MaxSnapLength)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw new ArgumentException("the capture stream must be readable", nameof(stream));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxCaptureLength, 1);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _maxCaptureLength = maxCaptureLength;

        Span<byte> header = stackalloc byte[PcapFormat.FileHeaderLength];
        int got = _stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
        {
            throw new PcapFormatException(
                $"truncated pcap file header at offset 0: {got} of {PcapFormat.FileHeaderLength} bytes", 0);
        }

        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        switch (magic)
        {
            case PcapFormat.MagicMicroseconds:
                break;
            case PcapFormat.MagicNanoseconds:
                IsNanosecond = true;
                break;
            case 0xD4C3B2A1: // a1b2c3d4 written big-endian
                _bigEndian = true;
                break;
            case 0x4D3CB2A1: // a1b23c4d written big-endian
                _bigEndian = true;
                IsNanosecond = true;
                break;
            case 0x0A0D0D0A:
                throw new PcapFormatException(
                    "pcapng file (section header block 0x0a0d0d0a at offset 0) is not supported; convert it with "
                    + "'editcap -F pcap'", 0);
            default:
                throw new PcapFormatException($"not a pcap file: unknown magic 0x{magic:x8} at offset 0", 0);
        }

        VersionMajor = ReadU16(header[4..]);
        VersionMinor = ReadU16(header[6..]);
        if (VersionMajor != PcapFormat.VersionMajor)
        {
            throw new PcapFormatException(
                $"unsupported pcap version {VersionMajor}.{VersionMinor} at offset 4 (only 2.x exists)", 4);
        }

        SnapLength = ReadU32(header[16..]);
        LinkType = ReadU32(header[20..]);
        _offset = PcapFormat.FileHeaderLength;
    }

    /// <summary>True if record timestamps carry nanoseconds (magic a1b23c4d), false for microseconds.</summary>
    public bool IsNanosecond { get; }

    /// <summary>True if the file was written big-endian (its magic reads a1b2c3d4 / a1b23c4d in big-endian).</summary>
    public bool IsBigEndian => _bigEndian;

    /// <summary>Major version from the header (always 2).</summary>
    public ushort VersionMajor { get; }

    /// <summary>Minor version from the header (4 in every modern file).</summary>
    public ushort VersionMinor { get; }

    /// <summary>Snapshot length from the header: the most bytes the capturer kept per frame.</summary>
    public uint SnapLength { get; }

    /// <summary>The header's link type field as stored (<see cref="PcapFormat.LinkTypeEthernet"/> for Ethernet; its
    /// upper bits may carry FCS information).</summary>
    public uint LinkType { get; }

    /// <summary>Records read so far.</summary>
    public long PacketCount { get; private set; }

    /// <summary>File offset of the next record header.</summary>
    public long Position => _offset;

    /// <summary>Reads the whole of <paramref name="stream"/> into records that own their bytes.</summary>
    public static IReadOnlyList<PcapRecord> ReadAll(Stream stream)
    {
        using var reader = new PcapReader(stream, leaveOpen: true);
        var records = new List<PcapRecord>();
        while (reader.TryReadPacket(out PcapRecord record))
        {
            records.Add(record.Copy());
        }

        return records;
    }

    /// <summary>Reads the next record. Returns false at a clean end of file (right after a complete record).</summary>
    /// <param name="record">The record; its <see cref="PcapRecord.Data"/> is valid until the next call.</param>
    /// <exception cref="PcapFormatException">The file ends inside a record, or the record header is corrupt.</exception>
    public bool TryReadPacket(out PcapRecord record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failed)
        {
            throw new InvalidOperationException("the capture reader failed on a damaged file and cannot continue");
        }

        try
        {
            return ReadRecord(out record);
        }
        catch (PcapFormatException)
        {
            _failed = true;
            throw;
        }
    }

    /// <summary>Closes the stream unless the reader was created with <c>leaveOpen</c>. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private bool ReadRecord(out PcapRecord record)
    {
        long at = _offset;
        long number = PacketCount + 1;
        Span<byte> header = stackalloc byte[PcapFormat.RecordHeaderLength];
        int got = _stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got == 0)
        {
            record = default;
            return false;
        }

        if (got < header.Length)
        {
            throw new PcapFormatException(
                $"truncated record header of record {number} at offset {at}: {got} of {PcapFormat.RecordHeaderLength} bytes",
                at);
        }

        uint seconds = ReadU32(header);
        uint fraction = ReadU32(header[4..]);
        uint captured = ReadU32(header[8..]);
        uint original = ReadU32(header[12..]);
        uint fractionLimit = IsNanosecond ? 1_000_000_000u : 1_000_000u;
        if (fraction >= fractionLimit)
        {
            throw new PcapFormatException(
                $"corrupt record header of record {number} at offset {at}: timestamp fraction {fraction} is not below {fractionLimit}",
                at);
        }

        if (captured > (uint)_maxCaptureLength)
        {
            throw new PcapFormatException(
                $"corrupt record header of record {number} at offset {at}: captured length {captured} exceeds the maximum {_maxCaptureLength}",
                at);
        }

        if (original > int.MaxValue)
        {
            throw new PcapFormatException(
                $"corrupt record header of record {number} at offset {at}: original length {original} is impossible", at);
        }

        int length = (int)captured;
        if (_buffer.Length < length)
        {
            _buffer = new byte[Math.Max(length, Math.Min(_buffer.Length * 2, _maxCaptureLength))];
        }

        Span<byte> data = _buffer.AsSpan(0, length);
        got = _stream.ReadAtLeast(data, length, throwOnEndOfStream: false);
        if (got < length)
        {
            long dataAt = at + PcapFormat.RecordHeaderLength;
            throw new PcapFormatException(
                $"truncated packet data of record {number} at offset {dataAt}: {got} of {length} bytes", dataAt);
        }

        long nanoseconds = (seconds * 1_000_000_000L) + (IsNanosecond ? fraction : fraction * 1000L);
        _offset = at + PcapFormat.RecordHeaderLength + length;
        PacketCount = number;
        record = new PcapRecord(number, at, nanoseconds, (int)original, _buffer.AsMemory(0, length));
        return true;
    }

    private ushort ReadU16(ReadOnlySpan<byte> b) =>
        _bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private uint ReadU32(ReadOnlySpan<byte> b) =>
        _bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
}
