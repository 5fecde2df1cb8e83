namespace FragNet.Wire;

/// <summary>One IPv4 option as found by <see cref="Ipv4Options.Enumerator"/>: its type octet and the bytes after the
/// type and length octets.</summary>
public readonly ref struct Ipv4Option
{
    internal Ipv4Option(byte type, ReadOnlySpan<byte> data)
    {
        Type = type;
        Data = data;
    }

    /// <summary>The type octet (see <see cref="Ipv4OptionKind"/>).</summary>
    public byte Type { get; }

    /// <summary>Bytes after the type and length octets.</summary>
    public ReadOnlySpan<byte> Data { get; }

    /// <summary>True if the option goes into every fragment (copied flag, RFC 791 §3.2).</summary>
    public bool IsCopied => (Type & Ipv4OptionKind.CopiedFlag) != 0;

    /// <summary>The option class, bits 5–6 (0 control, 2 debugging and measurement).</summary>
    public int Class => (Type >> 5) & 0x3;

    /// <summary>The option number, bits 0–4.</summary>
    public int Number => Type & 0x1F;
}
