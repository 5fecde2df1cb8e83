namespace FragNet.Devices.Internal;

/// <summary>Token kinds of the pcap-filter language, as libpcap's scanner splits an expression.</summary>
internal enum FilterTokenKind : byte
{
    End,
    Number,     // 123, 0x1f, 017 (octal)
    Address,    // 10.77.0.1, 10.77 (2 to 4 dotted decimal parts: libpcap's HID)
    Word,       // keywords, named constants and anything else that looks like a name
    LParen,
    RParen,
    LBracket,
    RBracket,
    Colon,
    Slash,
    Plus,
    Minus,
    Star,
    Percent,
    Amp,
    Pipe,
    Caret,
    ShiftLeft,
    ShiftRight,
    Equal,      // == or =
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    AndAnd,     // &&
    OrOr,       // ||
    Bang,       // !
}
