using System.Buffers.Binary;
using FragNet.Buffers;

namespace FragNet.Devices;

/// <summary>
/// Writes a libpcap capture file (<see cref="PcapFormat"/>): nanosecond timestamps (magic a1b23c4d), version 2.4,
/// link type Ethernet, little-endian, readable by <c>tcpdump -r</c>, <c>tshark -r</c> and <see cref="PcapReader"/>.
/// smoltcp's <c>PcapWriter</c> in FragNet form: a device wrapper calls it for every frame it sends or receives.
/// </summary>
/// <remarks>
/// <para><b>Time.</b> A record's timestamp is the <see cref="Instant"/> passed in, read as time since the Unix epoch:
/// virtual time zero is 1970-01-01T00:00:00Z. Instants before the epoch, or past the 32-bit seconds field
/// (year 2106), are rejected.</para>
/// <para><b>Buffering, flush and dispose.</b> The file header is written by the constructor, so a writer that never
/// sees a frame still leaves a valid empty capture. Each record goes straight to the stream — header, then the frame's
/// bytes — with no buffer of the writer's own, so the stream's buffering decides when bytes reach the disk (a
/// <see cref="FileStream"/> has one; wrap other streams in a <see cref="BufferedStream"/>). <see cref="Flush"/>
/// flushes the stream; <see cref="Dispose"/> flushes it and closes it unless <c>leaveOpen</c>. Writes after dispose
/// throw <see cref="ObjectDisposedException"/>.</para>
/// <para><b>Cost.</b> No allocation per record: the record header is built on the stack and an <see cref="SkBuff"/> is
/// written piece by piece from its head, frags and frag list (<see cref="SkBuff.Bytes()"/>), never linearized.</para>
/// <para>Not thread-safe: one writer per capture point, called from the thread that drives it.</para>
/// </remarks>
public sealed class PcapWriter : IDisposable
{
    private readonly Stream _stream; // the capture file; receives whole records only
    private readonly bool _leaveOpen; // whether Dispose leaves the stream to its owner
    private bool _disposed;

    /// <summary>Starts a capture on <paramref name="stream"/> and writes the file header.</summary>
    /// <param name="stream">A writable stream positioned where the file starts.</param>
    /// <param name="leaveOpen">True to leave <paramref name="stream"/> open when the writer is disposed.</param>
    /// <param name="snapLength">Most bytes stored per frame (1..262144); longer frames are truncated and keep their
    /// wire length in <c>orig_len</c>, as <c>tcpdump -s</c> does.</param>
    public PcapWriter(Stream stream, bool leaveOpen = false, int snapLength = PcapFormat.MaxSnapLength)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite)
        {
            throw new ArgumentException("the capture stream must be writable", nameof(stream));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(snapLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(snapLength, PcapFormat.MaxSnapLength);
        _stream = stream;
        _leaveOpen = leaveOpen;
        SnapLength = snapLength;

        Span<byte> header = stackalloc byte[PcapFormat.FileHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, PcapFormat.MagicNanoseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], PcapFormat.VersionMajor);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], PcapFormat.VersionMinor);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0); // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs: always 0 in practice
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], (uint)snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], PcapFormat.LinkTypeEthernet);
        _stream.Write(header);
        BytesWritten = PcapFormat.FileHeaderLength;
    }

    /// <summary>Most bytes stored per frame.</summary>
    public int SnapLength { get; }

    /// <summary>Records written so far.</summary>
    public long PacketCount { get; private set; }

    /// <summary>Bytes written to the stream so far, file header included.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Writes <paramref name="frame"/> (an Ethernet frame without FCS) seen at <paramref name="timestamp"/>.</summary>
    public void WritePacket(Instant timestamp, ReadOnlySpan<byte> frame) => WritePacket(timestamp, frame, frame.Length);

    /// <summary>Writes the captured part <paramref name="frame"/> of a frame that was <paramref name="originalLength"/>
    /// bytes long on the wire (a capture that was already truncated).</summary>
    public void WritePacket(Instant timestamp, ReadOnlySpan<byte> frame, int originalLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(originalLength, frame.Length);
        int captured = Math.Min(frame.Length, SnapLength);
        WriteRecordHeader(timestamp, captured, originalLength);
        _stream.Write(frame[..captured]);
        BytesWritten += captured;
    }

    /// <summary>Writes the bytes of <paramref name="skb"/> (from its data pointer, <see cref="SkBuff.Len"/> bytes)
    /// seen at <paramref name="timestamp"/>, piece by piece without copying. The caller keeps its reference.</summary>
    public void WritePacket(Instant timestamp, SkBuff skb)
    {
        ArgumentNullException.ThrowIfNull(skb);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int length = skb.Len;
        int captured = Math.Min(length, SnapLength);
        SkbBytes pieces = skb.Bytes(0, captured); // throws on a freed buffer before anything is written
        WriteRecordHeader(timestamp, captured, length);
        foreach (ReadOnlySpan<byte> piece in pieces)
        {
            _stream.Write(piece);
        }

        BytesWritten += captured;
    }

    /// <summary>Flushes the stream, so every record written so far is in the file (for a reader running alongside).</summary>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _stream.Flush();
    }

    /// <summary>Flushes, then closes the stream unless the writer was created with <c>leaveOpen</c>. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _stream.Flush();
        }
        finally
        {
            if (!_leaveOpen)
            {
                _stream.Dispose();
            }
        }
    }

    private void WriteRecordHeader(Instant timestamp, int captured, int originalLength)
    {
        long us = timestamp.TotalMicroseconds;
        if (us < 0 || us / 1_000_000 > uint.MaxValue)
        {
            ThrowTimestamp(timestamp);
        }

        Span<byte> header = stackalloc byte[PcapFormat.RecordHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(us / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(us % 1_000_000 * 1000)); // ns of the second
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)captured);
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)originalLength);
        _stream.Write(header);
        BytesWritten += PcapFormat.RecordHeaderLength;
        PacketCount++;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowTimestamp(Instant timestamp) =>
        throw new ArgumentOutOfRangeException(
            nameof(timestamp), timestamp, "a pcap timestamp counts unsigned 32-bit seconds from the Unix epoch");
}
