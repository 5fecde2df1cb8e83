using System.Buffers.Binary;

namespace FragNet.Host.Tap;

/// <summary>
/// <c>struct virtio_net_hdr</c> (linux/virtio_net.h), the 10 bytes a TAP opened with <c>IFF_VNET_HDR</c> puts before
/// every frame in both directions: how the frame's checksum and segmentation are left to the other side.
/// </summary>
/// <remarks>
/// <para>Layout, little-endian (the fields are <c>__virtio16</c>: the host's order unless <c>TUNSETVNETBE</c>, and
/// FragNet runs on little-endian x64):</para>
/// <code>
///   0  u8  flags        NEEDS_CSUM 1, DATA_VALID 2, RSC_INFO 4
///   1  u8  gso_type     NONE 0, TCPV4 1, UDP 3, TCPV6 4, | ECN 0x80
///   2  u16 hdr_len      Ethernet + IP + TCP header bytes (a hint; the kernel raises it to cover the checksum field)
///   4  u16 gso_size     payload bytes per segment (the MSS)
///   6  u16 csum_start   where checksumming starts, from the start of the Ethernet header
///   8  u16 csum_offset  where the checksum goes, from csum_start (16 for TCP, 6 for UDP)
/// </code>
/// <para>With NEEDS_CSUM the transport checksum field holds only the folded pseudo-header sum (Linux's
/// <c>CHECKSUM_PARTIAL</c> convention); the receiver completes it over <c>[csum_start, end)</c>. A GSO frame must carry
/// NEEDS_CSUM and more than <c>gso_size</c> payload bytes, or the kernel refuses it with EINVAL.</para>
/// </remarks>
public readonly record struct VirtioNetHeader(byte Flags, byte GsoType, ushort HeaderLength, ushort GsoSize, ushort CsumStart, ushort CsumOffset)
{
    /// <summary>Bytes on the wire (<c>sizeof(struct virtio_net_hdr)</c>; the v1 header's <c>num_buffers</c> is not used by TAP).</summary>
    public const int Size = 10;

    /// <summary><c>VIRTIO_NET_HDR_F_NEEDS_CSUM</c>: complete the checksum from <see cref="CsumStart"/>.</summary>
    public const byte FlagNeedsCsum = 1;

    /// <summary><c>VIRTIO_NET_HDR_F_DATA_VALID</c>: the checksum was verified.</summary>
    public const byte FlagDataValid = 2;

    /// <summary><c>VIRTIO_NET_HDR_GSO_NONE</c>.</summary>
    public const byte GsoNone = 0;

    /// <summary><c>VIRTIO_NET_HDR_GSO_TCPV4</c>: a TCP over IPv4 super-packet.</summary>
    public const byte GsoTcpV4 = 1;

    /// <summary><c>VIRTIO_NET_HDR_GSO_ECN</c>: the super-packet has CWR set (TSO with ECN).</summary>
    public const byte GsoEcn = 0x80;

    /// <summary>A header asking nothing: the frame is complete.</summary>
    public static VirtioNetHeader None => default;

    /// <summary>The header of a TCP/IPv4 super-packet: segment at <paramref name="mss"/>, complete each checksum.</summary>
    public static VirtioNetHeader TcpV4Gso(int ethernetAndIpLength, int tcpHeaderLength, int mss) =>
        new(FlagNeedsCsum, GsoTcpV4, checked((ushort)(ethernetAndIpLength + tcpHeaderLength)), checked((ushort)mss), checked((ushort)ethernetAndIpLength), TcpChecksumOffset);

    /// <summary>The header of a frame whose transport checksum the receiver completes (no segmentation).</summary>
    public static VirtioNetHeader PartialChecksum(int csumStart, int csumOffset) =>
        new(FlagNeedsCsum, GsoNone, checked((ushort)(csumStart + csumOffset + 2)), 0, checked((ushort)csumStart), checked((ushort)csumOffset));

    /// <summary>Offset of the checksum in a TCP header.</summary>
    public const int TcpChecksumOffset = 16;

    /// <summary>True when the receiver need not verify the transport checksum (it is valid, or only partial because
    /// the sender is the local kernel and the bytes never crossed a wire).</summary>
    public bool ChecksumTrusted => (Flags & (FlagNeedsCsum | FlagDataValid)) != 0;

    /// <summary>True for a super-packet the receiver segments.</summary>
    public bool IsGso => (GsoType & ~GsoEcn) != GsoNone;

    /// <summary>Writes the 10 bytes.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"a virtio_net_hdr needs {Size} bytes", nameof(destination));
        }

        destination[0] = Flags;
        destination[1] = GsoType;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], GsoSize);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], CsumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], CsumOffset);
    }

    /// <summary>Reads the 10 bytes (the caller checked the length).</summary>
    public static VirtioNetHeader Read(ReadOnlySpan<byte> source) =>
        source.Length < Size
            ? throw new ArgumentException($"a virtio_net_hdr is {Size} bytes", nameof(source))
            : new(
                source[0],
                source[1],
                BinaryPrimitives.ReadUInt16LittleEndian(source[2..]),
                BinaryPrimitives.ReadUInt16LittleEndian(source[4..]),
                BinaryPrimitives.ReadUInt16LittleEndian(source[6..]),
                BinaryPrimitives.ReadUInt16LittleEndian(source[8..]));
}
