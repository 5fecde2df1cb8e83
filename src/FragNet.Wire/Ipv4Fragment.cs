namespace FragNet.Wire;

/// <summary>
/// One fragment produced by <see cref="Ipv4Fragmenter"/>: the header to emit and the range of the original payload
/// that follows it.
/// </summary>
/// <param name="Header">The fragment's header: the datagram's, with this fragment's offset, More Fragments flag,
/// payload length and options (all of them in the first fragment, the copied ones after it).</param>
/// <param name="PayloadOffset">Where the fragment's payload starts in the original datagram's payload; its length is
/// <c>Header.PayloadLength</c>.</param>
public readonly record struct Ipv4Fragment(Ipv4Repr Header, int PayloadOffset)
{
    /// <summary>Bytes of payload in this fragment.</summary>
    public int PayloadLength => Header.PayloadLength;
}
