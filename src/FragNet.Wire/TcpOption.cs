namespace FragNet.Wire;

/// <summary>One TCP option as found by <see cref="TcpOptions.Enumerator"/>: its kind and the bytes after the kind
/// and length bytes. Unknown kinds arrive here unchanged.</summary>
public readonly ref struct TcpOption
{
    internal TcpOption(byte kind, ReadOnlySpan<byte> data)
    {
        Kind = kind;
        Data = data;
    }

    /// <summary>The kind (see <see cref="TcpOptionKind"/>).</summary>
    public byte Kind { get; }

    /// <summary>Bytes after the kind and length bytes.</summary>
    public ReadOnlySpan<byte> Data { get; }
}
