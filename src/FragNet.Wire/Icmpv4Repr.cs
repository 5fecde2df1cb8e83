using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// An ICMPv4 message (RFC 792) as values: type, code, the second header word, and for the two errors this stack
/// interprets the quoted original IPv4 header; the data after the header(s) is the caller's, described only by its
/// length.
/// </summary>
/// <remarks>
/// <para>What each type means here:</para>
/// <list type="bullet">
/// <item><description>Echo request and reply: <see cref="Identifier"/> and <see cref="SequenceNumber"/> (the two halves
/// of <see cref="RestOfHeader"/>); the data is the echo data.</description></item>
/// <item><description>Destination unreachable and time exceeded (errors): <see cref="OriginalHeader"/> is the quoted
/// header of the datagram that caused the error, and the data is the first bytes of that datagram's payload, at least
/// 8 (RFC 792); for unreachable code 4, <see cref="NextHopMtu"/> is the low half of <see cref="RestOfHeader"/>
/// (RFC 1191 §4).</description></item>
/// <item><description>Every other type: kept raw (type, code, <see cref="RestOfHeader"/>, data) and re-emitted exactly.</description></item>
/// </list>
/// <para>The rest-of-header word is kept as sent for every type, so unused bits survive parse and emit. The quoted
/// header of an error is re-emitted with a recomputed checksum (it differs from the original only if the quoted
/// checksum was wrong). The payload is never held: <see cref="Emit"/> expects it in place after
/// <see cref="HeaderLength"/>, as the other transport reprs do.</para>
/// </remarks>
public readonly record struct Icmpv4Repr
{
    private readonly int _dataLength;

    /// <summary>Message type.</summary>
    public Icmpv4Type Type { get; init; }

    /// <summary>Message code.</summary>
    public byte Code { get; init; }

    /// <summary>The second header word as sent (echo identifier and sequence, next-hop MTU, or unused).</summary>
    public uint RestOfHeader { get; init; }

    /// <summary>The quoted header of the datagram that caused an error; default for other types.</summary>
    public Ipv4Repr OriginalHeader { get; init; }

    /// <summary>Bytes after <see cref="HeaderLength"/>: echo data, the quoted original payload of an error, or the data
    /// of a raw type.</summary>
    public int DataLength
    {
        get => _dataLength;
        init
        {
            if (value < 0 || value > Ipv4Field.MaxTotalLength)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(DataLength), value, "ICMP data is 0 to 65535 bytes");
            }

            _dataLength = value;
        }
    }

    /// <summary>Echo identifier: the high half of <see cref="RestOfHeader"/>.</summary>
    public ushort Identifier => (ushort)(RestOfHeader >> 16);

    /// <summary>Echo sequence number: the low half of <see cref="RestOfHeader"/>.</summary>
    public ushort SequenceNumber => (ushort)RestOfHeader;

    /// <summary>Next-hop MTU of a "fragmentation needed" error: the low half of <see cref="RestOfHeader"/>.</summary>
    public ushort NextHopMtu => (ushort)RestOfHeader;

    /// <summary>True for the errors whose quoted header is interpreted: destination unreachable and time exceeded.</summary>
    public bool IsError => IsErrorType(Type);

    /// <summary>Bytes before the data: 8, plus the quoted original header for an error.</summary>
    public int HeaderLength => Icmpv4Field.HeaderLength + (IsError ? OriginalHeader.HeaderLength : 0);

    /// <summary>Bytes of the whole message: <see cref="HeaderLength"/> plus <see cref="DataLength"/>.</summary>
    public int BufferLength => HeaderLength + _dataLength;

    /// <summary>An echo request (RFC 792, type 8) with <paramref name="dataLength"/> bytes of echo data.</summary>
    public static Icmpv4Repr EchoRequest(ushort identifier, ushort sequenceNumber, int dataLength) =>
        new() { Type = Icmpv4Type.EchoRequest, RestOfHeader = ((uint)identifier << 16) | sequenceNumber, DataLength = dataLength };

    /// <summary>An echo reply (RFC 792, type 0) with <paramref name="dataLength"/> bytes of echo data.</summary>
    public static Icmpv4Repr EchoReply(ushort identifier, ushort sequenceNumber, int dataLength) =>
        new() { Type = Icmpv4Type.EchoReply, RestOfHeader = ((uint)identifier << 16) | sequenceNumber, DataLength = dataLength };

    /// <summary>A destination unreachable error quoting <paramref name="originalHeader"/> and
    /// <paramref name="dataLength"/> (at least 8) bytes of its payload; <paramref name="nextHopMtu"/> only with
    /// <see cref="Icmpv4UnreachableCode.FragmentationNeeded"/> (RFC 1191 §4).</summary>
    public static Icmpv4Repr DestinationUnreachable(Icmpv4UnreachableCode code, Ipv4Repr originalHeader, int dataLength, ushort nextHopMtu = 0)
    {
        if (nextHopMtu != 0 && code != Icmpv4UnreachableCode.FragmentationNeeded)
        {
            ThrowHelper.ThrowArgument(nameof(nextHopMtu), "only a fragmentation-needed error carries a next-hop MTU");
        }

        return Error(Icmpv4Type.DestinationUnreachable, (byte)code, nextHopMtu, originalHeader, dataLength);
    }

    /// <summary>A time exceeded error quoting <paramref name="originalHeader"/> and <paramref name="dataLength"/>
    /// (at least 8) bytes of its payload.</summary>
    public static Icmpv4Repr TimeExceeded(Icmpv4TimeExceededCode code, Ipv4Repr originalHeader, int dataLength) =>
        Error(Icmpv4Type.TimeExceeded, (byte)code, 0, originalHeader, dataLength);

    /// <summary>A message of a type kept raw: header fields as given, <paramref name="dataLength"/> bytes of data.</summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> is one of the interpreted errors (use its factory).</exception>
    public static Icmpv4Repr Raw(Icmpv4Type type, byte code, uint restOfHeader, int dataLength)
    {
        if (IsErrorType(type))
        {
            ThrowHelper.ThrowArgument(nameof(type), "destination unreachable and time exceeded quote a header: use their factories");
        }

        return new() { Type = type, Code = code, RestOfHeader = restOfHeader, DataLength = dataLength };
    }

    /// <summary>Reads a checked view. False with <see cref="DropReason.BadLength"/> for a view longer than 65535 bytes,
    /// <see cref="DropReason.IcmpChecksum"/> if
    /// <paramref name="verifyChecksum"/> and the checksum over the message is wrong; for an error, with the reason
    /// the quoted header fails for (<see cref="DropReason.PacketTooSmall"/>, <see cref="DropReason.IpVersionOrHeaderLength"/>,
    /// <see cref="DropReason.BadLength"/>, <see cref="DropReason.IpOptionMalformed"/>), or
    /// <see cref="DropReason.PacketTooSmall"/> if fewer than 8 bytes of the original payload follow it.</summary>
    public static bool TryParse(Icmpv4Packet packet, out Icmpv4Repr repr, out DropReason reason, bool verifyChecksum = true)
    {
        repr = default;
        if (packet.Buffer.Length > Ipv4Field.MaxTotalLength)
        {
            reason = DropReason.BadLength; // no IPv4 payload is this long
            return false;
        }

        if (verifyChecksum && !packet.VerifyChecksum())
        {
            reason = DropReason.IcmpChecksum;
            return false;
        }

        Icmpv4Type type = packet.Type;
        Ipv4Repr original = default;
        int headerLength = Icmpv4Field.HeaderLength;
        if (IsErrorType(type))
        {
            ReadOnlySpan<byte> quoted = packet.Data;
            if (!Ipv4Repr.TryParseQuoted(quoted, out original, out int quotedHeaderLength, out reason))
            {
                return false;
            }

            if (quoted.Length - quotedHeaderLength < Icmpv4Field.QuotedDataLength)
            {
                reason = DropReason.PacketTooSmall;
                return false;
            }

            headerLength += quotedHeaderLength;
        }

        repr = new Icmpv4Repr
        {
            Type = type,
            Code = packet.Code,
            RestOfHeader = packet.RestOfHeader,
            OriginalHeader = original,
            DataLength = packet.Buffer.Length - headerLength,
        };
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>Writes the header (and, for an error, the quoted original header) into the start of
    /// <paramref name="buffer"/>, then the checksum over the whole message, whose data must already be in place at
    /// <c>[HeaderLength, BufferLength)</c>.</summary>
    /// <exception cref="ArgumentException">The buffer is shorter than <see cref="BufferLength"/>, or
    /// <paramref name="checksum"/> is <see cref="ChecksumMode.Partial"/> (ICMP has no pseudo-header).</exception>
    /// <exception cref="InvalidOperationException">An error quoting fewer than 8 bytes of its original payload.</exception>
    public void Emit(Span<byte> buffer, ChecksumMode checksum = ChecksumMode.Compute)
    {
        int length = BufferLength;
        if (buffer.Length < length)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(buffer), length, buffer.Length);
        }

        if (checksum is not (ChecksumMode.Compute or ChecksumMode.Zero))
        {
            ThrowHelper.ThrowArgument(nameof(checksum), "the ICMP checksum is computed in software or left zero");
        }

        Span<byte> message = buffer[..length];
        message[Icmpv4Field.Type] = (byte)Type;
        message[Icmpv4Field.Code] = Code;
        BinaryPrimitives.WriteUInt16BigEndian(message[Icmpv4Field.Checksum..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(message[Icmpv4Field.RestOfHeader..], RestOfHeader);
        if (IsError)
        {
            if (_dataLength < Icmpv4Field.QuotedDataLength)
            {
                ThrowHelper.ThrowInvalidOperation("an ICMP error quotes at least 8 bytes of the original payload (RFC 792)");
            }

            OriginalHeader.Emit(message[Icmpv4Field.Data..]);
        }

        if (checksum == ChecksumMode.Compute)
        {
            BinaryPrimitives.WriteUInt16BigEndian(message[Icmpv4Field.Checksum..], InternetChecksum.Compute(message));
        }
    }

    private static bool IsErrorType(Icmpv4Type type) => type is Icmpv4Type.DestinationUnreachable or Icmpv4Type.TimeExceeded;

    private static Icmpv4Repr Error(Icmpv4Type type, byte code, uint restOfHeader, Ipv4Repr originalHeader, int dataLength)
    {
        if (dataLength < Icmpv4Field.QuotedDataLength)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(dataLength), dataLength, "an ICMP error quotes at least 8 bytes of the original payload (RFC 792)");
        }

        return new() { Type = type, Code = code, RestOfHeader = restOfHeader, OriginalHeader = originalHeader, DataLength = dataLength };
    }
}
