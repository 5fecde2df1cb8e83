using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// A 32-bit IPv4 address (RFC 791 §3.1). Formats and parses as a dotted quad, <c>10.77.0.1</c>.
/// </summary>
/// <remarks>
/// Held as one 32-bit integer in host order, first octet most significant, so prefix arithmetic
/// (<see cref="Ipv4Cidr"/>) is plain shifting. Parsing is strict: exactly four decimal octets 0–255, no signs, no
/// leading zeros (inet_aton would read <c>010</c> as octal 8; rejecting it avoids the ambiguity).
/// </remarks>
public readonly struct Ipv4Address : IEquatable<Ipv4Address>, IComparable<Ipv4Address>, ISpanFormattable
{
    /// <summary>Bytes in an IPv4 address.</summary>
    public const int Size = 4;

    /// <summary>The address, first octet in the most significant byte.</summary>
    private readonly uint _value;

    /// <summary>An address from a 32-bit integer, first octet most significant.</summary>
    public Ipv4Address(uint value) => _value = value;

    /// <summary>An address from its four octets, <c>a.b.c.d</c>.</summary>
    public Ipv4Address(byte a, byte b, byte c, byte d) => _value = ((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d;

    /// <summary>An address from the first four bytes of <paramref name="bytes"/> (network order).</summary>
    /// <exception cref="ArgumentException">Fewer than four bytes.</exception>
    public Ipv4Address(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(bytes), Size, bytes.Length);
        }

        _value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    /// <summary>0.0.0.0, "this host on this network" (RFC 1122 §3.2.1.3); the unspecified address.</summary>
    public static Ipv4Address Unspecified => default;

    /// <summary>255.255.255.255, the limited broadcast address (RFC 919).</summary>
    public static Ipv4Address Broadcast => new(uint.MaxValue);

    /// <summary>127.0.0.1.</summary>
    public static Ipv4Address Loopback => new(0x7F00_0001);

    /// <summary>The address as a 32-bit integer, first octet most significant.</summary>
    public uint Value => _value;

    /// <summary>True for 0.0.0.0.</summary>
    public bool IsUnspecified => _value == 0;

    /// <summary>True for the limited broadcast address 255.255.255.255 (a subnet's directed broadcast needs its
    /// prefix: see <see cref="Ipv4Cidr.Broadcast"/>).</summary>
    public bool IsBroadcast => _value == uint.MaxValue;

    /// <summary>True for 224.0.0.0/4 (class D, RFC 5771).</summary>
    public bool IsMulticast => (_value >> 28) == 0xE;

    /// <summary>True for 127.0.0.0/8 (RFC 1122 §3.2.1.3).</summary>
    public bool IsLoopback => (_value >> 24) == 127;

    /// <summary>True for 169.254.0.0/16 (RFC 3927).</summary>
    public bool IsLinkLocal => (_value >> 16) == 0xA9FE;

    /// <summary>True for an address a single host may have: not unspecified, broadcast or multicast, and not in
    /// 240.0.0.0/4 (reserved, RFC 1112 §4).</summary>
    public bool IsUnicast => _value != 0 && (_value >> 28) < 0xE;

    /// <summary>Writes the four bytes in network order.</summary>
    /// <exception cref="ArgumentException">Fewer than four bytes of room.</exception>
    public void CopyTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            ThrowHelper.ThrowBufferTooSmall(nameof(destination), Size, destination.Length);
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, _value);
    }

    /// <summary>Parses a dotted quad such as <c>10.77.0.1</c>.</summary>
    public static Ipv4Address Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <summary>Parses <paramref name="s"/>; throws <see cref="FormatException"/> if it is not valid (see
    /// <see cref="TryParse(ReadOnlySpan{char}, out Ipv4Address)"/>).</summary>
    public static Ipv4Address Parse(ReadOnlySpan<char> s)
    {
        if (!TryParse(s, out Ipv4Address result))
        {
            ThrowHelper.ThrowFormat("IPv4 address", s.ToString());
        }

        return result;
    }

    /// <summary>As <see cref="TryParse(ReadOnlySpan{char}, out Ipv4Address)"/>; false for null.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out Ipv4Address result) => TryParse(s.AsSpan(), out result);

    /// <summary>Parses a dotted quad; false for anything else (see the remarks for what is strict).</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out Ipv4Address result)
    {
        result = default;
        uint value = 0;
        int pos = 0;
        for (int octet = 0; octet < Size; octet++)
        {
            if (octet > 0)
            {
                if (pos >= s.Length || s[pos] != '.')
                {
                    return false;
                }

                pos++;
            }

            int start = pos;
            uint part = 0;
            while (pos < s.Length && pos - start < 3 && char.IsAsciiDigit(s[pos]))
            {
                part = (part * 10) + (uint)(s[pos] - '0');
                pos++;
            }

            int digits = pos - start;
            if (digits == 0 || part > 255 || (digits > 1 && s[start] == '0'))
            {
                return false;
            }

            value = (value << 8) | part;
        }

        if (pos != s.Length)
        {
            return false;
        }

        result = new Ipv4Address(value);
        return true;
    }

    /// <summary>Formats as a dotted quad.</summary>
    public override string ToString()
    {
        Span<char> chars = stackalloc char[15];
        TryFormat(chars, out int written, default, null);
        return new string(chars[..written]);
    }

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        charsWritten = 0;
        for (int i = 0; i < Size; i++)
        {
            if (i > 0)
            {
                if (charsWritten >= destination.Length)
                {
                    charsWritten = 0;
                    return false;
                }

                destination[charsWritten++] = '.';
            }

            byte octet = (byte)(_value >> (24 - (8 * i)));
            if (!octet.TryFormat(destination[charsWritten..], out int n, default, System.Globalization.CultureInfo.InvariantCulture))
            {
                charsWritten = 0;
                return false;
            }

            charsWritten += n;
        }

        return true;
    }

    public bool Equals(Ipv4Address other) => _value == other._value;

    public override bool Equals(object? obj) => obj is Ipv4Address other && Equals(other);

    public override int GetHashCode() => _value.GetHashCode();

    /// <summary>Orders by numeric value (first octet most significant).</summary>
    public int CompareTo(Ipv4Address other) => _value.CompareTo(other._value);

    public static bool operator ==(Ipv4Address left, Ipv4Address right) => left._value == right._value;

    public static bool operator !=(Ipv4Address left, Ipv4Address right) => left._value != right._value;

    public static bool operator <(Ipv4Address left, Ipv4Address right) => left._value < right._value;

    public static bool operator >(Ipv4Address left, Ipv4Address right) => left._value > right._value;

    public static bool operator <=(Ipv4Address left, Ipv4Address right) => left._value <= right._value;

    public static bool operator >=(Ipv4Address left, Ipv4Address right) => left._value >= right._value;
}
