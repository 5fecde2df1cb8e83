namespace FragNet.Devices.Internal;

/// <summary>A token: its kind, where it starts in the expression, its text, and for numbers and addresses its value
/// (an address's <see cref="Bits"/> is 8 per dotted part given, as libpcap's <c>__pcap_atoin</c> counts them).</summary>
internal readonly record struct FilterToken(FilterTokenKind Kind, int Position, string Text, uint Value, int Bits)
{
    public bool Is(FilterTokenKind kind) => Kind == kind;

    public bool IsWord(string word) => Kind == FilterTokenKind.Word && Text == word;

    /// <summary>How an error message names the token.</summary>
    public string Display => Kind == FilterTokenKind.End ? "end of expression" : $"'{Text}'";
}
