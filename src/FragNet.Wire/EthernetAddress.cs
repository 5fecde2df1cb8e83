using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// A 48-bit IEEE 802 MAC address, as it appears in an Ethernet header (transmission order, most significant byte
/// first). Formats and parses as six colon-separated hexadecimal pairs, <c>aa:bb:cc:dd:ee:ff</c>.
/// </summary>
/// <remarks>
/// Held as one 64-bit integer (the six bytes big-endian in the low 48 bits), so copying and comparing it is one
/// machine word. Bit 0 of the first byte is the individual/group bit (multicast), bit 1 the universal/local bit
/// (IEEE 802-2014 §8.2).
/// </remarks>
public readonly struct EthernetAddress : IEquatable<EthernetAddress>, ISpanFormattable
{
    /// <summary>Bytes in an Ethernet address.</summary>
    public const int Size = 6;

    private const ulong Mask = 0xFFFF_FFFF_FFFF;

    /// <summary>The six bytes, big-endian, in the low 48 bits; the top 16 bits are always zero.</summary>
    private readonly ulong _value;

    private EthernetAddress(ulong value) => _value = value & Mask;

    /// <summary>An address from its six bytes in transmission order.</summary>
    public EthernetAddress(byte b0, byte b1, byte b2, byte b3, byte b4, byte b5)
        : this(((ulong)b0 << 40) | ((ulong)b1 << 32) | ((ulong)b2 << 24) | ((ulong)b3 << 16) | ((ulong)b4 << 8) | b5)
    {
    }

    /// <summary>An address from the first six bytes of <paramref name="bytes"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than six bytes.</exception>
    public EthernetAddress(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(bytes), Size, bytes.Length);
        }

        _value = ((ulong)BinaryPrimitives.ReadUInt16BigEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32BigEndian(bytes[2..]);
    }

    /// <summary>ff:ff:ff:ff:ff:ff, every station on the link.</summary>
    public static EthernetAddress Broadcast => new(Mask);

    /// <summary>00:00:00:00:00:00 (ARP's "target hardware address unknown" in a request).</summary>
    public static EthernetAddress Zero => default;

    /// <summary>The address as a 48-bit integer, first byte most significant.</summary>
    public ulong Value => _value;

    /// <summary>True for ff:ff:ff:ff:ff:ff.</summary>
    public bool IsBroadcast => _value == Mask;

    /// <summary>True if the group bit (bit 0 of the first byte) is set; broadcast is a multicast address too.</summary>
    public bool IsMulticast => (_value & (1UL << 40)) != 0;

    /// <summary>True for an individual (not group) address.</summary>
    public bool IsUnicast => !IsMulticast;

    /// <summary>True if the universal/local bit (bit 1 of the first byte) says the address was assigned locally.</summary>
    public bool IsLocallyAdministered => (_value & (2UL << 40)) != 0;

    /// <summary>True for 00:00:00:00:00:00.</summary>
    public bool IsZero => _value == 0;

    /// <summary>An address from a 48-bit integer (first byte most significant); higher bits are ignored.</summary>
    public static EthernetAddress FromValue(ulong value) => new(value);

    /// <summary>Writes the six bytes in transmission order.</summary>
    /// <exception cref="ArgumentException">Fewer than six bytes of room.</exception>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(destination), Size, destination.Length);
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(_value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)_value);
    }

    /// <summary>Parses <c>aa:bb:cc:dd:ee:ff</c> (hex digits of either case, exactly two per byte).</summary>
    public static EthernetAddress Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <summary>Parses <paramref name="s"/>; throws <see cref="FormatException"/> if it is not valid (see
    /// <see cref="TryParse(ReadOnlySpan{char}, out EthernetAddress)"/>).</summary>
    public static EthernetAddress Parse(ReadOnlySpan<char> s)
    {
        if (!TryParse(s, out EthernetAddress result))
        {
            ThrowHelper.ThrowFormat("Ethernet address", s.ToString());
        }

        return result;
    }

    /// <summary>As <see cref="TryParse(ReadOnlySpan{char}, out EthernetAddress)"/>; false for null.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out EthernetAddress result) => TryParse(s.AsSpan(), out result);

    /// <summary>Parses <c>aa:bb:cc:dd:ee:ff</c>; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out EthernetAddress result)
    {
        result = default;
        if (s.Length != (Size * 3) - 1)
        {
            return false;
        }

        ulong value = 0;
        for (int i = 0; i < Size; i++)
        {
            int at = i * 3;
            if (i > 0 && s[at - 1] != ':')
            {
                return false;
            }

            int hi = HexValue(s[at]);
            int lo = HexValue(s[at + 1]);
            if ((hi | lo) < 0)
            {
                return false;
            }

            value = (value << 8) | (uint)((hi << 4) | lo);
        }

        result = new EthernetAddress(value);
        return true;
    }

    /// <summary>Formats as <c>aa:bb:cc:dd:ee:ff</c> (lower case).</summary>
    public override string ToString() => string.Create((Size * 3) - 1, _value, static (chars, value) => Format(value, chars));

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        const int length = (Size * 3) - 1;
        if (destination.Length < length)
        {
            charsWritten = 0;
            return false;
        }

        Format(_value, destination);
        charsWritten = length;
        return true;
    }

    public bool Equals(EthernetAddress other) => _value == other._value;

    public override bool Equals(object? obj) => obj is EthernetAddress other && Equals(other);

    public override int GetHashCode() => _value.GetHashCode();

    public static bool operator ==(EthernetAddress left, EthernetAddress right) => left._value == right._value;

    public static bool operator !=(EthernetAddress left, EthernetAddress right) => left._value != right._value;

    private static void Format(ulong value, Span<char> chars)
    {
        const string digits = "0123456789abcdef";
        for (int i = 0; i < Size; i++)
        {
            int b = (int)(value >> (40 - (8 * i))) & 0xFF;
            int at = i * 3;
            if (i > 0)
            {
                chars[at - 1] = ':';
            }

            chars[at] = digits[b >> 4];
            chars[at + 1] = digits[b & 0xF];
        }
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
