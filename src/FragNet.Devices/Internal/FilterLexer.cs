using System.Globalization;

namespace FragNet.Devices.Internal;

/// <summary>
/// Splits a pcap-filter expression into tokens the way libpcap's scanner does where it matters for meaning:
/// a name may contain <c>-</c>, <c>_</c> and <c>.</c> inside it (so <c>tcp-syn</c> is one token and <c>len-1</c> is an
/// unknown name, not a subtraction — write <c>len - 1</c>); numbers are decimal, <c>0x</c> hex or leading-zero octal,
/// at most 32 bits; an address is 2 to 4 dotted decimal parts of at most 255.
/// </summary>
internal static class FilterLexer
{
    public static List<FilterToken> Tokenize(string text)
    {
        var tokens = new List<FilterToken>();
        int i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i >= text.Length)
            {
                tokens.Add(new FilterToken(FilterTokenKind.End, text.Length, string.Empty, 0, 0));
                return tokens;
            }

            char c = text[i];
            if (IsAsciiLetterOrDigit(c))
            {
                int start = i;
                while (i < text.Length && IsWordChar(text[i]))
                {
                    i++;
                }

                // A name ends with a letter, digit or '.', never with '-' or '_' (libpcap's ID pattern).
                while (text[i - 1] is '-' or '_')
                {
                    i--;
                }

                tokens.Add(Classify(text, start, i));
                continue;
            }

            char next = i + 1 < text.Length ? text[i + 1] : '\0';
            (FilterTokenKind kind, int length) = (c, next) switch
            {
                ('(', _) => (FilterTokenKind.LParen, 1),
                (')', _) => (FilterTokenKind.RParen, 1),
                ('[', _) => (FilterTokenKind.LBracket, 1),
                (']', _) => (FilterTokenKind.RBracket, 1),
                (':', _) => (FilterTokenKind.Colon, 1),
                ('/', _) => (FilterTokenKind.Slash, 1),
                ('+', _) => (FilterTokenKind.Plus, 1),
                ('-', _) => (FilterTokenKind.Minus, 1),
                ('*', _) => (FilterTokenKind.Star, 1),
                ('%', _) => (FilterTokenKind.Percent, 1),
                ('^', _) => (FilterTokenKind.Caret, 1),
                ('&', '&') => (FilterTokenKind.AndAnd, 2),
                ('&', _) => (FilterTokenKind.Amp, 1),
                ('|', '|') => (FilterTokenKind.OrOr, 2),
                ('|', _) => (FilterTokenKind.Pipe, 1),
                ('<', '<') => (FilterTokenKind.ShiftLeft, 2),
                ('<', '=') => (FilterTokenKind.LessEqual, 2),
                ('<', _) => (FilterTokenKind.Less, 1),
                ('>', '>') => (FilterTokenKind.ShiftRight, 2),
                ('>', '=') => (FilterTokenKind.GreaterEqual, 2),
                ('>', _) => (FilterTokenKind.Greater, 1),
                ('=', '=') => (FilterTokenKind.Equal, 2),
                ('=', _) => (FilterTokenKind.Equal, 1),
                ('!', '=') => (FilterTokenKind.NotEqual, 2),
                ('!', _) => (FilterTokenKind.Bang, 1),
                _ => (FilterTokenKind.End, 0),
            };
            if (length == 0)
            {
                string shown = char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString();
                throw new PacketFilterException($"unexpected character '{shown}'", text, i, shown);
            }

            tokens.Add(new FilterToken(kind, i, text.Substring(i, length), 0, 0));
            i += length;
        }
    }

    private static bool IsAsciiLetterOrDigit(char c) => char.IsAsciiLetterOrDigit(c);

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    private static FilterToken Classify(string text, int start, int end)
    {
        string word = text[start..end];
        if (word.Contains('.', StringComparison.Ordinal) && IsDottedDecimal(word))
        {
            return ParseAddress(text, start, word);
        }

        if (char.IsAsciiDigit(word[0]) && IsNumberShaped(word))
        {
            return new FilterToken(FilterTokenKind.Number, start, word, ParseNumber(text, start, word), 32);
        }

        return new FilterToken(FilterTokenKind.Word, start, word, 0, 0);
    }

    private static bool IsDottedDecimal(string word)
    {
        foreach (char c in word)
        {
            if (c != '.' && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsNumberShaped(string word)
    {
        if (word.Length > 2 && word[0] == '0' && word[1] is 'x' or 'X')
        {
            foreach (char c in word.AsSpan(2))
            {
                if (!char.IsAsciiHexDigit(c))
                {
                    return false;
                }
            }

            return true;
        }

        foreach (char c in word)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static uint ParseNumber(string text, int start, string word)
    {
        ulong value = 0;
        if (word.Length > 2 && word[0] == '0' && word[1] is 'x' or 'X')
        {
            foreach (char c in word.AsSpan(2))
            {
                value = (value << 4) | HexDigit(c);
                if (value > uint.MaxValue)
                {
                    throw new PacketFilterException($"number {word} overflows 32 bits", text, start, word);
                }
            }

            return (uint)value;
        }

        int radix = word.Length > 1 && word[0] == '0' ? 8 : 10;
        foreach (char c in word)
        {
            int digit = c - '0';
            if (digit >= radix)
            {
                throw new PacketFilterException($"number {word} contains non-octal digit", text, start, word);
            }

            value = (value * (uint)radix) + (uint)digit;
            if (value > uint.MaxValue)
            {
                throw new PacketFilterException($"number {word} overflows 32 bits", text, start, word);
            }
        }

        return (uint)value;
    }

    private static uint HexDigit(char c) => (uint)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);

    private static FilterToken ParseAddress(string text, int start, string word)
    {
        string[] parts = word.Split('.');
        if (parts.Length is < 2 or > 4)
        {
            throw new PacketFilterException($"invalid IPv4 address '{word}'", text, start, word);
        }

        uint value = 0;
        foreach (string part in parts)
        {
            if (part.Length == 0
                || !uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out uint octet) || octet > 255)
            {
                throw new PacketFilterException($"invalid IPv4 address '{word}'", text, start, word);
            }

            value = (value << 8) | octet;
        }

        return new FilterToken(FilterTokenKind.Address, start, word, value, parts.Length * 8);
    }
}
