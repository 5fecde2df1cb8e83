namespace FragNet.Devices;

/// <summary>
/// A filter expression that does not compile: a syntax error, an unknown or unsupported name, or a semantic error
/// libpcap also reports (<c>illegal port number 70000 &gt; 65535</c>, <c>non-network bits set</c>,
/// <c>division by zero</c>...). The message names the offending token and its position.
/// </summary>
public sealed class PacketFilterException : FormatException
{
    public PacketFilterException()
    {
    }

    public PacketFilterException(string message)
        : base(message)
    {
    }

    public PacketFilterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="token"/> at <paramref name="position"/> of
    /// <paramref name="expression"/>.</summary>
    public PacketFilterException(string reason, string expression, int position, string token)
        : base(Describe(reason, expression, position, token))
    {
        Reason = reason;
        Expression = expression;
        Position = position;
        Token = token;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; } = string.Empty;

    /// <summary>The expression that failed to compile.</summary>
    public string Expression { get; } = string.Empty;

    /// <summary>0-based character offset of the offending token in <see cref="Expression"/> (its length at the end).</summary>
    public int Position { get; }

    /// <summary>The offending token's text; empty when the expression ended too early.</summary>
    public string Token { get; } = string.Empty;

    private static string Describe(string reason, string expression, int position, string token)
    {
        string where = token.Length == 0
            ? $"at the end of the expression (position {position})"
            : $"at position {position} ('{token}')";
        return $"filter \"{expression}\": {reason}, {where}";
    }
}
