using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using FragNet.Buffers;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// A UDP header (RFC 768) as values: ports and the payload length; the checksum follows from the rest and the IPv4
/// pseudo-header. The payload is the caller's: <see cref="Emit"/> expects it in place after the header, and
/// <see cref="EmitHeader"/> takes its sum instead (for a payload in paged fragments).
/// </summary>
/// <remarks>Checksums (RFC 768): a received zero means the sender computed none, and is accepted; a computed zero is
/// sent as 0xFFFF, its one's-complement equal, so that it is not mistaken for "none".</remarks>
public readonly record struct UdpRepr
{
    private readonly int _payloadLength;

    /// <summary>A header for <paramref name="payloadLength"/> bytes of data.</summary>
    public UdpRepr(ushort sourcePort, ushort destinationPort, int payloadLength)
    {
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
        PayloadLength = payloadLength;
    }

    /// <summary>Source port (0 = none).</summary>
    public ushort SourcePort { get; init; }

    /// <summary>Destination port.</summary>
    public ushort DestinationPort { get; init; }

    /// <summary>Bytes of data: 0 to 65527 (the length field is 16 bits and counts the header).</summary>
    public int PayloadLength
    {
        get => _payloadLength;
        init
        {
            if (value < 0 || value > ushort.MaxValue - UdpField.HeaderLength)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(PayloadLength), value, "UDP data is 0 to 65527 bytes");
            }

            _payloadLength = value;
        }
    }

    /// <summary>Bytes of header: always 8.</summary>
    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Every repr has the same instance shape: HeaderLength, BufferLength, Emit.")]
    public int HeaderLength => UdpField.HeaderLength;

    /// <summary>Bytes of the whole datagram, the length field: header plus data.</summary>
    public int BufferLength => UdpField.HeaderLength + _payloadLength;

    /// <summary>Reads a checked view. False with <see cref="DropReason.UdpChecksum"/> if
    /// <paramref name="verifyChecksum"/>, the checksum field is not zero, and the checksum is wrong; and with
    /// <see cref="DropReason.Malformed"/> for destination port 0 (reserved; only the source port may be omitted).</summary>
    /// <exception cref="ArgumentException"><paramref name="verifyChecksum"/> on a view that does not hold the whole
    /// datagram (from <see cref="UdpPacket.TryCreateHeader"/>): check the checksum over the buffer instead.</exception>
    public static bool TryParse(UdpPacket packet, Ipv4Address source, Ipv4Address destination, out UdpRepr repr, out DropReason reason, bool verifyChecksum = true)
    {
        repr = default;
        if (verifyChecksum && packet.Checksum != 0)
        {
            if (!packet.IsComplete)
            {
                ThrowHelper.ThrowArgument(nameof(packet), "the checksum covers the whole datagram, which this view does not hold");
            }

            if (!Ipv4PseudoHeader.Verify(source, destination, IpProtocol.Udp, packet.Buffer[..packet.Length]))
            {
                reason = DropReason.UdpChecksum;
                return false;
            }
        }

        if (packet.DestinationPort == 0)
        {
            reason = DropReason.Malformed;
            return false;
        }

        repr = new UdpRepr(packet.SourcePort, packet.DestinationPort, packet.Length - UdpField.HeaderLength);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>Writes the header into the start of <paramref name="buffer"/> and the checksum per
    /// <paramref name="checksum"/>; with <see cref="ChecksumMode.Compute"/> the payload must already be in place at
    /// <c>[8, BufferLength)</c>.</summary>
    /// <exception cref="ArgumentException">The buffer is shorter than <see cref="BufferLength"/>.</exception>
    public void Emit(Span<byte> buffer, Ipv4Address source, Ipv4Address destination, ChecksumMode checksum = ChecksumMode.Compute)
    {
        int length = BufferLength;
        if (buffer.Length < length)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(buffer), length, buffer.Length);
        }

        Span<byte> datagram = buffer[..length];
        WriteFields(datagram);
        ushort field = checksum switch
        {
            ChecksumMode.Compute => NonZero(Ipv4PseudoHeader.Compute(source, destination, IpProtocol.Udp, datagram)),
            ChecksumMode.Partial => Ipv4PseudoHeader.Sum(source, destination, IpProtocol.Udp, length),
            _ => 0,
        };
        BinaryPrimitives.WriteUInt16BigEndian(datagram[UdpField.Checksum..], field);
    }

    /// <summary>Writes the 8-byte header into <paramref name="header"/> for a payload that is not in the same buffer;
    /// <paramref name="payloadSum"/> is the folded one's-complement sum of the payload (e.g. from
    /// <see cref="SkBuff.Checksum"/>), used with <see cref="ChecksumMode.Compute"/>.</summary>
    /// <exception cref="ArgumentException">The header buffer is shorter than 8 bytes.</exception>
    public void EmitHeader(Span<byte> header, ushort payloadSum, Ipv4Address source, Ipv4Address destination, ChecksumMode checksum = ChecksumMode.Compute)
    {
        if (header.Length < UdpField.HeaderLength)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(header), UdpField.HeaderLength, header.Length);
        }

        Span<byte> fields = header[..UdpField.HeaderLength];
        WriteFields(fields);
        ushort pseudo = Ipv4PseudoHeader.Sum(source, destination, IpProtocol.Udp, BufferLength);
        ushort field = checksum switch
        {
            ChecksumMode.Compute => NonZero((ushort)~InternetChecksum.Add(InternetChecksum.Add(pseudo, InternetChecksum.Sum(fields)), payloadSum)),
            ChecksumMode.Partial => pseudo,
            _ => 0,
        };
        BinaryPrimitives.WriteUInt16BigEndian(fields[UdpField.Checksum..], field);
    }

    /// <summary>RFC 768: "If the computed checksum is zero, it is transmitted as all ones".</summary>
    private static ushort NonZero(ushort checksum) => checksum == 0 ? (ushort)0xFFFF : checksum;

    private void WriteFields(Span<byte> header)
    {
        BinaryPrimitives.WriteUInt16BigEndian(header[UdpField.SourcePort..], SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(header[UdpField.DestinationPort..], DestinationPort);
        BinaryPrimitives.WriteUInt16BigEndian(header[UdpField.Length..], (ushort)BufferLength);
        BinaryPrimitives.WriteUInt16BigEndian(header[UdpField.Checksum..], 0);
    }
}
