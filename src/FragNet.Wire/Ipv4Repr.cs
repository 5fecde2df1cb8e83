using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// An IPv4 header (RFC 791 §3.1) as values: everything but the version, the header length and the checksum, which
/// follow from the rest. Options are kept raw (<see cref="Ipv4Options"/>) and re-emitted as they were.
/// </summary>
/// <remarks>
/// <para>Invariants, checked when a property is set: <see cref="Dscp"/> ≤ 63, <see cref="Ecn"/> ≤ 3,
/// <see cref="FragmentOffset"/> a multiple of 8 up to 65528, <see cref="PayloadLength"/> ≥ 0. <see cref="Emit"/> also
/// checks that <see cref="TotalLength"/> fits 16 bits. The reserved flag bit is ignored on receive and sent as zero.</para>
/// <para><see cref="Emit"/> writes the header only; the payload follows it (in the same buffer, or in the paged
/// fragments of a <see cref="SkBuff"/>), written by the layer above.</para>
/// </remarks>
public readonly record struct Ipv4Repr
{
    /// <summary>The time to live a host sends with when nothing else is configured (Linux <c>ip_default_ttl</c>).</summary>
    public const byte DefaultTimeToLive = 64;

    private readonly byte _dscp;
    private readonly byte _ecn;
    private readonly int _fragmentOffset;
    private readonly int _payloadLength;

    /// <summary>A header for an unfragmented datagram.</summary>
    public Ipv4Repr(Ipv4Address source, Ipv4Address destination, IpProtocol protocol, int payloadLength, byte timeToLive = DefaultTimeToLive)
    {
        Source = source;
        Destination = destination;
        Protocol = protocol;
        PayloadLength = payloadLength;
        TimeToLive = timeToLive;
    }

    /// <summary>Source address.</summary>
    public Ipv4Address Source { get; init; }

    /// <summary>Destination address.</summary>
    public Ipv4Address Destination { get; init; }

    /// <summary>Protocol of the payload.</summary>
    public IpProtocol Protocol { get; init; }

    /// <summary>Bytes after the header (total length minus header length).</summary>
    public int PayloadLength
    {
        get => _payloadLength;
        init
        {
            if (value < 0 || value > Ipv4Field.MaxTotalLength)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(PayloadLength), value, "an IPv4 payload is 0 to 65535 bytes");
            }

            _payloadLength = value;
        }
    }

    /// <summary>Time to live.</summary>
    public byte TimeToLive { get; init; }

    /// <summary>Differentiated Services code point (RFC 2474), 0–63.</summary>
    public byte Dscp
    {
        get => _dscp;
        init
        {
            if (value > 63)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(Dscp), value, "DSCP is 6 bits");
            }

            _dscp = value;
        }
    }

    /// <summary>ECN bits (RFC 3168), 0–3.</summary>
    public byte Ecn
    {
        get => _ecn;
        init
        {
            if (value > 3)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(Ecn), value, "ECN is 2 bits");
            }

            _ecn = value;
        }
    }

    /// <summary>Identification.</summary>
    public ushort Identification { get; init; }

    /// <summary>Don't Fragment.</summary>
    public bool DontFragment { get; init; }

    /// <summary>More Fragments.</summary>
    public bool MoreFragments { get; init; }

    /// <summary>Fragment offset in bytes: a multiple of 8, at most 65528.</summary>
    public int FragmentOffset
    {
        get => _fragmentOffset;
        init
        {
            if (value < 0 || value > Ipv4Field.MaxFragmentOffset || (value & 7) != 0)
            {
                ThrowHelper.ThrowArgumentOutOfRange(nameof(FragmentOffset), value, "a fragment offset is a multiple of 8 from 0 to 65528");
            }

            _fragmentOffset = value;
        }
    }

    /// <summary>Options, raw (empty by default).</summary>
    public Ipv4Options Options { get; init; }

    /// <summary>True for a fragment of a larger datagram: More Fragments set or a non-zero offset.</summary>
    public bool IsFragment => MoreFragments || _fragmentOffset != 0;

    /// <summary>Header bytes: 20 plus the options.</summary>
    public int HeaderLength => Ipv4Field.MinHeaderLength + Options.Length;

    /// <summary>The total length field: header plus payload.</summary>
    public int TotalLength => HeaderLength + _payloadLength;

    /// <summary>Bytes of the whole datagram, header and payload (<see cref="TotalLength"/>). <see cref="Emit"/> itself
    /// writes only the first <see cref="HeaderLength"/> of them.</summary>
    public int BufferLength => TotalLength;

    /// <summary>Reads the header of a checked view. False with <see cref="DropReason.IpChecksum"/> if
    /// <paramref name="verifyChecksum"/> and the header checksum is wrong, and <see cref="DropReason.IpOptionMalformed"/>
    /// if the options are not a well-formed list. Pass <paramref name="verifyChecksum"/> false only when the checksum
    /// is already known good (<see cref="ChecksumState.Unnecessary"/>).</summary>
    public static bool TryParse(Ipv4Packet packet, out Ipv4Repr repr, out DropReason reason, bool verifyChecksum = true)
    {
        if (verifyChecksum && !packet.VerifyChecksum())
        {
            repr = default;
            reason = DropReason.IpChecksum;
            return false;
        }

        return TryRead(packet, out repr, out reason);
    }

    /// <summary>Reads the original header quoted in an ICMP error (RFC 792): version 4, IHL at least 5, the header and
    /// well-formed options within <paramref name="quoted"/>, total length at least the header length. The quoted
    /// datagram is truncated, so its total length is not checked against the bytes, and its checksum is not checked.</summary>
    internal static bool TryParseQuoted(ReadOnlySpan<byte> quoted, out Ipv4Repr repr, out int headerLength, out DropReason reason)
    {
        repr = default;
        headerLength = 0;
        if (quoted.Length < Ipv4Field.MinHeaderLength)
        {
            reason = DropReason.PacketTooSmall;
            return false;
        }

        byte versionAndIhl = quoted[Ipv4Field.VersionAndHeaderLength];
        headerLength = (versionAndIhl & 0xF) * 4;
        if (versionAndIhl >> 4 != Ipv4Field.Version4 || headerLength < Ipv4Field.MinHeaderLength)
        {
            reason = DropReason.IpVersionOrHeaderLength;
            return false;
        }

        if (headerLength > quoted.Length)
        {
            reason = DropReason.PacketTooSmall;
            return false;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(quoted[Ipv4Field.TotalLength..]) < headerLength)
        {
            reason = DropReason.BadLength;
            return false;
        }

        return TryRead(Ipv4Packet.CreateUnchecked(quoted), out repr, out reason);
    }

    /// <summary>Writes the header, checksum included unless <paramref name="checksum"/> is
    /// <see cref="ChecksumMode.Zero"/>, into the first <see cref="HeaderLength"/> bytes of <paramref name="buffer"/>.</summary>
    /// <exception cref="ArgumentException">The buffer is shorter than the header, or <paramref name="checksum"/> is
    /// <see cref="ChecksumMode.Partial"/> (the IPv4 header has no pseudo-header to offload).</exception>
    /// <exception cref="InvalidOperationException">The total length does not fit 16 bits.</exception>
    public void Emit(Span<byte> buffer, ChecksumMode checksum = ChecksumMode.Compute)
    {
        int headerLength = HeaderLength;
        if (buffer.Length < headerLength)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(buffer), headerLength, buffer.Length);
        }

        if (checksum is not (ChecksumMode.Compute or ChecksumMode.Zero))
        {
            ThrowHelper.ThrowArgument(nameof(checksum), "the IPv4 header checksum is computed in software or left zero");
        }

        if (TotalLength > Ipv4Field.MaxTotalLength)
        {
            ThrowHelper.ThrowInvalidOperation($"IPv4 total length {TotalLength} exceeds 65535");
        }

        Span<byte> header = buffer[..headerLength];
        header[Ipv4Field.VersionAndHeaderLength] = (byte)((Ipv4Field.Version4 << 4) | (headerLength / 4));
        header[Ipv4Field.DscpAndEcn] = (byte)((_dscp << 2) | _ecn);
        BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Field.TotalLength..], (ushort)TotalLength);
        BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Field.Identification..], Identification);
        int flags = (DontFragment ? Ipv4Field.FlagDontFragment : 0) | (MoreFragments ? Ipv4Field.FlagMoreFragments : 0);
        BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Field.FlagsAndFragmentOffset..], (ushort)(flags | (_fragmentOffset / 8)));
        header[Ipv4Field.TimeToLive] = TimeToLive;
        header[Ipv4Field.Protocol] = (byte)Protocol;
        BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Field.Checksum..], 0);
        Source.CopyTo(header[Ipv4Field.Source..]);
        Destination.CopyTo(header[Ipv4Field.Destination..]);
        Options.CopyTo(header[Ipv4Field.Options..]);
        if (checksum == ChecksumMode.Compute)
        {
            BinaryPrimitives.WriteUInt16BigEndian(header[Ipv4Field.Checksum..], InternetChecksum.Compute(header));
        }
    }

    private static bool TryRead(Ipv4Packet packet, out Ipv4Repr repr, out DropReason reason)
    {
        if (!Ipv4Options.TryCreate(packet.Options, out Ipv4Options options, out reason))
        {
            repr = default;
            return false;
        }

        repr = new Ipv4Repr
        {
            Source = packet.Source,
            Destination = packet.Destination,
            Protocol = packet.Protocol,
            PayloadLength = packet.TotalLength - packet.HeaderLength,
            TimeToLive = packet.TimeToLive,
            Dscp = packet.Dscp,
            Ecn = packet.Ecn,
            Identification = packet.Identification,
            DontFragment = packet.DontFragment,
            MoreFragments = packet.MoreFragments,
            FragmentOffset = packet.FragmentOffset,
            Options = options,
        };
        reason = DropReason.NotDroppedYet;
        return true;
    }
}
