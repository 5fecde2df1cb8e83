using System.Buffers.Binary;
using FragNet.Buffers;

namespace FragNet.Wire;

/// <summary>
/// A read-only view of an IPv4 datagram (RFC 791 §3.1) over bytes it does not own.
/// </summary>
/// <remarks>
/// <para>Contract: once <see cref="TryCreate(ReadOnlySpan{byte}, out Ipv4Packet, out DropReason)"/> (or
/// <see cref="TryCreateHeader"/>) has returned true, no accessor throws, whatever the bytes are: the version is 4, the
/// header (IHL × 4 bytes, 20–60) is within the buffer, and header length ≤ total length ≤ the packet's length.
/// <see cref="CreateUnchecked"/> skips those checks; accessors of a view over bad bytes may then throw
/// <see cref="IndexOutOfRangeException"/> or <see cref="ArgumentOutOfRangeException"/>, so it is for bytes the caller
/// has already checked (or built).</para>
/// <para>The checksum and the options' structure are not checked here: <see cref="Ipv4Repr.TryParse"/> does that.
/// Bytes past the total length (Ethernet padding) are ignored.</para>
/// </remarks>
public readonly ref struct Ipv4Packet
{
    private readonly ReadOnlySpan<byte> _buffer;

    private Ipv4Packet(ReadOnlySpan<byte> buffer) => _buffer = buffer;

    /// <summary>The bytes the view was made over (possibly longer than the datagram, or only its start).</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>The version field (4 in a checked view).</summary>
    public int Version => _buffer[Ipv4Field.VersionAndHeaderLength] >> 4;

    /// <summary>Header length in bytes: IHL × 4, 20–60 in a checked view.</summary>
    public int HeaderLength => (_buffer[Ipv4Field.VersionAndHeaderLength] & 0xF) * 4;

    /// <summary>Differentiated Services code point (RFC 2474), 0–63.</summary>
    public byte Dscp => (byte)(_buffer[Ipv4Field.DscpAndEcn] >> 2);

    /// <summary>Explicit Congestion Notification bits (RFC 3168), 0–3.</summary>
    public byte Ecn => (byte)(_buffer[Ipv4Field.DscpAndEcn] & 0x3);

    /// <summary>Total length of the datagram, header included.</summary>
    public int TotalLength => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Ipv4Field.TotalLength..]);

    /// <summary>Identification (the same in every fragment of one datagram).</summary>
    public ushort Identification => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Ipv4Field.Identification..]);

    /// <summary>Don't Fragment flag.</summary>
    public bool DontFragment => (FlagsAndOffset & Ipv4Field.FlagDontFragment) != 0;

    /// <summary>More Fragments flag.</summary>
    public bool MoreFragments => (FlagsAndOffset & Ipv4Field.FlagMoreFragments) != 0;

    /// <summary>Fragment offset in bytes (the field counts 8-byte units).</summary>
    public int FragmentOffset => (FlagsAndOffset & Ipv4Field.FragmentOffsetMask) * 8;

    /// <summary>True for a fragment of a larger datagram: More Fragments set or a non-zero offset.</summary>
    public bool IsFragment => (FlagsAndOffset & (Ipv4Field.FlagMoreFragments | Ipv4Field.FragmentOffsetMask)) != 0;

    /// <summary>Time to live.</summary>
    public byte TimeToLive => _buffer[Ipv4Field.TimeToLive];

    /// <summary>The protocol of the payload.</summary>
    public IpProtocol Protocol => (IpProtocol)_buffer[Ipv4Field.Protocol];

    /// <summary>The header checksum field as sent.</summary>
    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Ipv4Field.Checksum..]);

    /// <summary>Source address.</summary>
    public Ipv4Address Source => new(_buffer.Slice(Ipv4Field.Source, Ipv4Address.Size));

    /// <summary>Destination address.</summary>
    public Ipv4Address Destination => new(_buffer.Slice(Ipv4Field.Destination, Ipv4Address.Size));

    /// <summary>The header, options included.</summary>
    public ReadOnlySpan<byte> Header => _buffer[..HeaderLength];

    /// <summary>The option bytes (header length minus 20), padding included.</summary>
    public ReadOnlySpan<byte> Options => _buffer[Ipv4Field.Options..HeaderLength];

    /// <summary>The payload bytes present in the buffer: from the end of the header to the total length (all of it for
    /// a view from <see cref="TryCreate(ReadOnlySpan{byte}, out Ipv4Packet, out DropReason)"/>; only what the buffer
    /// holds for one from <see cref="TryCreateHeader"/>).</summary>
    public ReadOnlySpan<byte> Payload => _buffer[HeaderLength..Math.Min(TotalLength, _buffer.Length)];

    private ushort FlagsAndOffset => BinaryPrimitives.ReadUInt16BigEndian(_buffer[Ipv4Field.FlagsAndFragmentOffset..]);

    /// <summary>True if the header checksum is right (the one's-complement sum over the header is all ones).</summary>
    public bool VerifyChecksum() => InternetChecksum.Sum(Header) == 0xFFFF;

    /// <summary>A checked view over a whole datagram (trailing bytes allowed). False with
    /// <see cref="DropReason.PacketTooSmall"/> below 20 bytes, <see cref="DropReason.IpVersionOrHeaderLength"/> for a
    /// version other than 4 or an IHL below 5, and <see cref="DropReason.BadLength"/> if the header runs past the buffer
    /// or the total length is below the header length or past the buffer.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> buffer, out Ipv4Packet packet, out DropReason reason) =>
        TryCreateHeader(buffer, buffer.Length, out packet, out reason);

    /// <summary>A checked view over the start of a datagram whose bytes are not all contiguous (a buffer whose payload
    /// is in paged fragments): <paramref name="buffer"/> must hold at least the header, and
    /// <paramref name="packetLength"/> is the length of the whole packet from the header on (e.g.
    /// <see cref="SkBuff.Len"/>). Fails as <see cref="TryCreate(ReadOnlySpan{byte}, out Ipv4Packet, out DropReason)"/>
    /// does, with the total length checked against <paramref name="packetLength"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="packetLength"/> is less than the buffer's length.</exception>
    public static bool TryCreateHeader(ReadOnlySpan<byte> buffer, int packetLength, out Ipv4Packet packet, out DropReason reason)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(packetLength, buffer.Length);
        packet = default;
        if (buffer.Length < Ipv4Field.MinHeaderLength)
        {
            reason = DropReason.PacketTooSmall;
            return false;
        }

        byte versionAndIhl = buffer[Ipv4Field.VersionAndHeaderLength];
        int headerLength = (versionAndIhl & 0xF) * 4;
        if (versionAndIhl >> 4 != Ipv4Field.Version4 || headerLength < Ipv4Field.MinHeaderLength)
        {
            reason = DropReason.IpVersionOrHeaderLength;
            return false;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(buffer[Ipv4Field.TotalLength..]);
        if (headerLength > buffer.Length || totalLength < headerLength || totalLength > packetLength)
        {
            reason = DropReason.BadLength;
            return false;
        }

        packet = new Ipv4Packet(buffer);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>A view without checks (see the type's contract).</summary>
    public static Ipv4Packet CreateUnchecked(ReadOnlySpan<byte> buffer) => new(buffer);
}
