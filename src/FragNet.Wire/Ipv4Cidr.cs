using System.Diagnostics.CodeAnalysis;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// An IPv4 address with a prefix length (RFC 4632), such as an interface's <c>10.77.0.2/24</c>. The address keeps its
/// host bits (it is the interface's own address); <see cref="Network"/> clears them.
/// </summary>
/// <remarks>Invariant: <c>0 &lt;= PrefixLength &lt;= 32</c>, checked at construction.</remarks>
public readonly struct Ipv4Cidr : IEquatable<Ipv4Cidr>, ISpanFormattable
{
    /// <summary>The longest prefix.</summary>
    public const int MaxPrefixLength = 32;

    private readonly Ipv4Address _address;
    private readonly byte _prefixLength;

    /// <summary>An address with a prefix length.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="prefixLength"/> outside 0–32.</exception>
    public Ipv4Cidr(Ipv4Address address, int prefixLength)
    {
        if ((uint)prefixLength > MaxPrefixLength)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(prefixLength), prefixLength, "an IPv4 prefix length is 0 to 32");
        }

        _address = address;
        _prefixLength = (byte)prefixLength;
    }

    /// <summary>The address, host bits included.</summary>
    public Ipv4Address Address => _address;

    /// <summary>Leading bits that name the network, 0–32.</summary>
    public int PrefixLength => _prefixLength;

    /// <summary>The netmask: <see cref="PrefixLength"/> one bits, then zeros (255.255.255.0 for /24).</summary>
    public Ipv4Address Netmask => new(MaskBits(_prefixLength));

    /// <summary>The network: the address with its host bits cleared, same prefix.</summary>
    public Ipv4Cidr Network => new(NetworkAddress, _prefixLength);

    /// <summary>The address with its host bits cleared (10.77.0.0 for 10.77.0.2/24).</summary>
    public Ipv4Address NetworkAddress => new(_address.Value & MaskBits(_prefixLength));

    /// <summary>The directed broadcast address (host bits all ones), or null for /31 and /32, which have none
    /// (RFC 3021 §2.2: a /31 has two hosts and no broadcast).</summary>
    public Ipv4Address? Broadcast =>
        _prefixLength >= 31 ? null : new Ipv4Address(_address.Value | ~MaskBits(_prefixLength));

    /// <summary>True if <paramref name="address"/> is on this network (shares the first <see cref="PrefixLength"/> bits).</summary>
    public bool Contains(Ipv4Address address) => ((address.Value ^ _address.Value) & MaskBits(_prefixLength)) == 0;

    /// <summary>True if every address of <paramref name="other"/> is on this network.</summary>
    public bool Contains(Ipv4Cidr other) => other._prefixLength >= _prefixLength && Contains(other._address);

    /// <summary>Parses <c>a.b.c.d/n</c>.</summary>
    public static Ipv4Cidr Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan());
    }

    /// <summary>Parses <paramref name="s"/>; throws <see cref="FormatException"/> if it is not valid (see
    /// <see cref="TryParse(ReadOnlySpan{char}, out Ipv4Cidr)"/>).</summary>
    public static Ipv4Cidr Parse(ReadOnlySpan<char> s)
    {
        if (!TryParse(s, out Ipv4Cidr result))
        {
            ThrowHelper.ThrowFormat("IPv4 CIDR", s.ToString());
        }

        return result;
    }

    /// <summary>As <see cref="TryParse(ReadOnlySpan{char}, out Ipv4Cidr)"/>; false for null.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, out Ipv4Cidr result) => TryParse(s.AsSpan(), out result);

    /// <summary>Parses <c>a.b.c.d/n</c> with n 0–32 in decimal without leading zeros; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out Ipv4Cidr result)
    {
        result = default;
        int slash = s.IndexOf('/');
        if (slash < 0 || !Ipv4Address.TryParse(s[..slash], out Ipv4Address address))
        {
            return false;
        }

        ReadOnlySpan<char> digits = s[(slash + 1)..];
        if (digits.Length is 0 or > 2 || (digits.Length == 2 && digits[0] == '0'))
        {
            return false;
        }

        int prefix = 0;
        foreach (char c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            prefix = (prefix * 10) + (c - '0');
        }

        if (prefix > MaxPrefixLength)
        {
            return false;
        }

        result = new Ipv4Cidr(address, prefix);
        return true;
    }

    /// <summary>Formats as <c>a.b.c.d/n</c>.</summary>
    public override string ToString() => $"{_address}/{_prefixLength}";

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    /// <inheritdoc/>
    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        if (_address.TryFormat(destination, out int n, default, null) && n < destination.Length)
        {
            destination[n++] = '/';
            if (_prefixLength.TryFormat(destination[n..], out int m, default, System.Globalization.CultureInfo.InvariantCulture))
            {
                charsWritten = n + m;
                return true;
            }
        }

        charsWritten = 0;
        return false;
    }

    public bool Equals(Ipv4Cidr other) => _address == other._address && _prefixLength == other._prefixLength;

    public override bool Equals(object? obj) => obj is Ipv4Cidr other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_address, _prefixLength);

    public static bool operator ==(Ipv4Cidr left, Ipv4Cidr right) => left.Equals(right);

    public static bool operator !=(Ipv4Cidr left, Ipv4Cidr right) => !left.Equals(right);

    /// <summary>The mask with the top <paramref name="prefixLength"/> bits set (a shift by 32 is a no-op in C#, hence
    /// the special case).</summary>
    private static uint MaskBits(int prefixLength) => prefixLength == 0 ? 0 : uint.MaxValue << (32 - prefixLength);
}
