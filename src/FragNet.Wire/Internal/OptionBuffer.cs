using System.Runtime.CompilerServices;

namespace FragNet.Wire.Internal;

/// <summary>
/// Inline storage for the options of one header: 40 bytes is the most either an IPv4 header (IHL 15) or a TCP header
/// (data offset 15) can carry. Held by value in <see cref="Ipv4Options"/> and <see cref="TcpOptions"/>, so a parsed
/// representation keeps its options without a heap allocation.
/// </summary>
[InlineArray(Length)]
internal struct OptionBuffer
{
    /// <summary>Capacity in bytes: 60-byte maximum header minus the 20-byte fixed part (RFC 791 §3.1, RFC 9293 §3.1).</summary>
    public const int Length = 40;

    private byte _element0;
}
