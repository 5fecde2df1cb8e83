namespace FragNet.Devices;

/// <summary>
/// One record of a capture file: when the frame was seen, how long it was on the wire, and the bytes captured.
/// </summary>
/// <remarks>
/// A record from <see cref="PcapReader.TryReadPacket"/> borrows the reader's buffer: <see cref="Data"/> is valid only
/// until the next read. <see cref="Copy"/> gives a record that owns its bytes.
/// </remarks>
public readonly struct PcapRecord
{
    /// <summary>Creates a record (used by <see cref="PcapReader"/>, and by tests that build expected records).</summary>
    public PcapRecord(long number, long offset, long timestampNanoseconds, int originalLength, ReadOnlyMemory<byte> data)
    {
        Number = number;
        Offset = offset;
        TimestampNanoseconds = timestampNanoseconds;
        OriginalLength = originalLength;
        Data = data;
    }

    /// <summary>1-based position of the record in the file (Wireshark's frame number).</summary>
    public long Number { get; }

    /// <summary>Byte offset of the record header in the file.</summary>
    public long Offset { get; }

    /// <summary>The exact timestamp in nanoseconds since the Unix epoch, as stored (microsecond files: a multiple
    /// of 1000).</summary>
    public long TimestampNanoseconds { get; }

    /// <summary>The timestamp as an <see cref="Instant"/> (microseconds; a nanosecond file's sub-microsecond part is
    /// truncated). Virtual time zero is the Unix epoch, as <see cref="PcapWriter"/> writes it.</summary>
    public Instant Timestamp => new(TimestampNanoseconds / 1000);

    /// <summary>The frame's length on the wire (<c>orig_len</c>).</summary>
    public int OriginalLength { get; }

    /// <summary>The captured bytes (<c>incl_len</c> of them).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Number of captured bytes.</summary>
    public int CapturedLength => Data.Length;

    /// <summary>True when fewer bytes were captured than the frame had (snap length reached).</summary>
    public bool IsTruncated => Data.Length < OriginalLength;

    /// <summary>A record that owns a copy of the bytes, valid after the reader moves on.</summary>
    public PcapRecord Copy() => new(Number, Offset, TimestampNanoseconds, OriginalLength, Data.ToArray());

    public override string ToString() =>
        $"#{Number} @{Offset}: {TimestampNanoseconds / 1_000_000_000}.{TimestampNanoseconds % 1_000_000_000:D9} {CapturedLength}/{OriginalLength} bytes";
}
