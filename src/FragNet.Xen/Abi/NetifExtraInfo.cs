using System.Buffers.Binary;
using FragNet.Wire;

namespace FragNet.Xen.Abi;

/// <summary>
/// An extra-info slot (netif.h, <c>struct netif_extra_info</c>, 8 bytes): <c>u8 type @0</c>, <c>u8 flags @1</c>, then
/// the 6-byte union <c>u</c> @2. It follows a request with <see cref="NetTxFlags.ExtraInfo"/> (or a response with
/// <see cref="NetRxFlags.ExtraInfo"/>) in the next ring slot, in place of a request or response.
/// </summary>
/// <remarks>
/// <para>The union's layout by type (netif.h; offsets from the start of the slot): <c>u.gso</c> is
/// <c>u16 size @2</c> (the MSS), <c>u8 type @4</c> (<see cref="NetifGsoType"/>), <c>u8 pad @5</c>,
/// <c>u16 features @6</c>; <c>u.mcast</c> is <c>u8 addr[6] @2</c>; <c>u.hash</c> and <c>u.xdp</c> exist too but are
/// not interpreted here; <c>u.pad</c> is three u16s. The union has u16 alignment, so it starts at 2 with no
/// padding.</para>
/// <para><see cref="Union"/> holds the union's six bytes as they lie, little-endian (byte 2 of the slot in bits
/// 0–7), so a slot of a type this model does not interpret survives <see cref="Read"/> then <see cref="Write"/>
/// unchanged. Read a private copy of the slot, as for <see cref="NetifTxRequest"/>.</para>
/// </remarks>
/// <param name="Type">Which member of the union is meant.</param>
/// <param name="Flags"><c>XEN_NETIF_EXTRA_FLAG_*</c>.</param>
/// <param name="Union">The union's 6 bytes in the low 48 bits; higher bits are not written.</param>
public readonly record struct NetifExtraInfo(NetifExtraType Type, NetifExtraFlags Flags, ulong Union)
{
    /// <summary>Bytes of the structure (it fills one ring slot; TX slots are larger and keep their last 4 bytes).</summary>
    public const int Size = 8;

    /// <summary>Same as <see cref="Size"/>; every netif structure has a <c>WireSize</c>.</summary>
    public const int WireSize = Size;

    private const ulong UnionMask = (1UL << 48) - 1;

    /// <summary><c>u.gso.size</c>: the maximum segment size.</summary>
    public ushort GsoSize => (ushort)Union;

    /// <summary><c>u.gso.type</c>.</summary>
    public NetifGsoType GsoType => (NetifGsoType)(byte)(Union >> 16);

    /// <summary><c>u.gso.pad</c>: zero from a well-behaved peer; kept so a round trip is exact.</summary>
    public byte GsoPad => (byte)(Union >> 24);

    /// <summary><c>u.gso.features</c>: GSO feature flags (none are defined by netif.h; zero).</summary>
    public ushort GsoFeatures => (ushort)(Union >> 32);

    /// <summary><c>u.mcast.addr</c>: the multicast address to add or delete.</summary>
    public EthernetAddress MulticastAddress
    {
        get
        {
            Span<byte> bytes = stackalloc byte[sizeof(ulong)];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, Union);
            return new EthernetAddress(bytes[..EthernetAddress.Size]);
        }
    }

    /// <summary>A GSO slot: segment at <paramref name="size"/> bytes of payload per segment.</summary>
    public static NetifExtraInfo ForGso(ushort size, NetifGsoType type, ushort features = 0, NetifExtraFlags flags = NetifExtraFlags.None) =>
        new(NetifExtraType.Gso, flags, size | ((ulong)(byte)type << 16) | ((ulong)features << 32));

    /// <summary>A multicast filter slot (<see cref="NetifExtraType.McastAdd"/> or
    /// <see cref="NetifExtraType.McastDel"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a multicast type.</exception>
    public static NetifExtraInfo ForMulticast(NetifExtraType type, EthernetAddress address, NetifExtraFlags flags = NetifExtraFlags.None)
    {
        if (type is not (NetifExtraType.McastAdd or NetifExtraType.McastDel))
        {
            AbiThrowHelper.ThrowArgumentOutOfRange(nameof(type), type, "a multicast extra-info slot is McastAdd or McastDel");
        }

        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        bytes.Clear();
        address.CopyTo(bytes);
        return new NetifExtraInfo(type, flags, BinaryPrimitives.ReadUInt64LittleEndian(bytes));
    }

    /// <summary>Reads the first 8 bytes of <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than 8 bytes.</exception>
    public static NetifExtraInfo Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(source), Size, source.Length);
        }

        // One 8-byte little-endian read; the union is everything above the first two bytes.
        ulong all = BinaryPrimitives.ReadUInt64LittleEndian(source);
        return new NetifExtraInfo(
            (NetifExtraType)source[NetifField.ExtraType],
            (NetifExtraFlags)source[NetifField.ExtraFlags],
            all >> (8 * NetifField.ExtraUnion));
    }

    /// <summary>Writes the 8 bytes at the start of <paramref name="destination"/> (the low 48 bits of
    /// <see cref="Union"/> as the union).</summary>
    /// <exception cref="ArgumentException">Fewer than 8 bytes.</exception>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            AbiThrowHelper.ThrowBufferTooSmall(nameof(destination), Size, destination.Length);
        }

        ulong all = (byte)Type | ((ulong)(byte)Flags << 8) | ((Union & UnionMask) << (8 * NetifField.ExtraUnion));
        BinaryPrimitives.WriteUInt64LittleEndian(destination, all);
    }
}
