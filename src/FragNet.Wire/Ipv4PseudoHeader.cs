using System.Buffers.Binary;
using FragNet.Buffers;

namespace FragNet.Wire;

/// <summary>
/// The IPv4 pseudo-header that TCP (RFC 9293 §3.1) and UDP (RFC 768) checksums cover: source, destination, a zero
/// byte, the protocol and the transport length. Built on <see cref="InternetChecksum"/>; it only lays out the
/// 12 bytes.
/// </summary>
public static class Ipv4PseudoHeader
{
    /// <summary>Bytes in the pseudo-header.</summary>
    public const int Length = 12;

    /// <summary>The folded one's-complement sum of the pseudo-header (not complemented): the starting value for a
    /// transport checksum, or the field value of a <see cref="ChecksumMode.Partial"/> checksum.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="transportLength"/> outside 0–65535.</exception>
    public static ushort Sum(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, int transportLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(transportLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(transportLength, ushort.MaxValue);
        Span<byte> header = stackalloc byte[Length];
        source.CopyTo(header);
        destination.CopyTo(header[4..]);
        header[8] = 0;
        header[9] = (byte)protocol;
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], (ushort)transportLength);
        return InternetChecksum.Sum(header);
    }

    /// <summary>The checksum field value for <paramref name="segment"/> (the transport header with a zero checksum
    /// field, and the payload): the complement of the sum over the pseudo-header and the segment.</summary>
    public static ushort Compute(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, ReadOnlySpan<byte> segment) =>
        (ushort)~SumWith(source, destination, protocol, segment);

    /// <summary>True if the checksum in <paramref name="segment"/> is right: the sum over the pseudo-header and the
    /// segment, checksum field included, is all ones.</summary>
    public static bool Verify(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, ReadOnlySpan<byte> segment) =>
        SumWith(source, destination, protocol, segment) == 0xFFFF;

    private static ushort SumWith(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, ReadOnlySpan<byte> segment)
    {
        var acc = new InternetChecksum.Accumulator(Sum(source, destination, protocol, segment.Length));
        acc.Add(segment);
        return acc.Folded;
    }
}
