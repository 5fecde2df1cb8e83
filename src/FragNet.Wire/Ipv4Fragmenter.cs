using FragNet.Buffers;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// Splits an IPv4 datagram into fragments that fit a link MTU (RFC 791 §3.2, "Fragmentation"): an allocation-free
/// enumerator of <see cref="Ipv4Fragment"/> descriptors; the caller emits each header and copies (or shares) the
/// payload range it names.
/// </summary>
/// <remarks>
/// <para>Every fragment but the last carries a multiple of 8 payload bytes (offsets count 8-byte units) and has More
/// Fragments set; the last keeps the datagram's own More Fragments flag, so a fragment can itself be fragmented
/// further. The first fragment (offset 0 of the original datagram) carries all the options; later ones carry only the
/// options with the copied flag (<see cref="Ipv4Options.CopiedOptions"/>), so their headers may be shorter and their
/// payloads longer. A datagram that fits the MTU is one "fragment": itself, unchanged.</para>
/// <para>A datagram with Don't Fragment that does not fit is refused with <see cref="DropReason.PacketTooBig"/> (the
/// caller answers with ICMP "fragmentation needed", RFC 1191).</para>
/// </remarks>
public struct Ipv4Fragmenter
{
    private readonly Ipv4Repr _datagram;       // the datagram being split
    private readonly Ipv4Options _laterOptions; // the copied options, for every fragment after the first
    private readonly int _mtu;                 // largest fragment, header included
    private int _sent;       // payload bytes placed in fragments so far
    private bool _done;      // the last fragment has been produced
    private Ipv4Fragment _current;

    private Ipv4Fragmenter(in Ipv4Repr datagram, int mtu)
    {
        _datagram = datagram;
        _laterOptions = datagram.Options.CopiedOptions();
        _mtu = mtu;
        _sent = 0;
        _done = false;
        _current = default;
    }

    /// <summary>The fragment the last <see cref="MoveNext"/> produced.</summary>
    public readonly Ipv4Fragment Current => _current;

    /// <summary>How many fragments the datagram makes.</summary>
    public readonly int Count
    {
        get
        {
            Ipv4Fragmenter copy = new(_datagram, _mtu);
            int n = 0;
            while (copy.MoveNext())
            {
                n++;
            }

            return n;
        }
    }

    /// <summary>Plans the fragments of <paramref name="datagram"/> (its header, and its payload length) for a link of
    /// <paramref name="mtu"/> bytes. False with <see cref="DropReason.PacketTooBig"/> if it has Don't Fragment set and
    /// does not fit.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mtu"/> below 68, the least every IPv4 link carries
    /// (RFC 791 §3.2).</exception>
    public static bool TryCreate(in Ipv4Repr datagram, int mtu, out Ipv4Fragmenter fragments, out DropReason reason)
    {
        if (mtu < Ipv4Field.MinMtu)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(mtu), mtu, "an IPv4 link MTU is at least 68 bytes (RFC 791 §3.2)");
        }

        if (datagram.FragmentOffset + datagram.PayloadLength > Ipv4Field.MaxTotalLength - Ipv4Field.MinHeaderLength)
        {
            ThrowHelper.ThrowArgument(nameof(datagram), "the datagram's payload runs past 65515 bytes (RFC 791 §3.1 total length)");
        }

        if (datagram.TotalLength > mtu && datagram.DontFragment)
        {
            fragments = default;
            reason = DropReason.PacketTooBig;
            return false;
        }

        fragments = new Ipv4Fragmenter(datagram, mtu);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>Returns this enumerator, so <c>foreach</c> walks the fragments.</summary>
    public readonly Ipv4Fragmenter GetEnumerator() => this;

    /// <summary>Produces the next fragment; false once every payload byte has been placed.</summary>
    public bool MoveNext()
    {
        if (_done)
        {
            return false;
        }

        if (_sent == 0 && _datagram.TotalLength <= _mtu)
        {
            _current = new Ipv4Fragment(_datagram, 0);
            _done = true;
            return true;
        }

        bool first = _sent == 0 && _datagram.FragmentOffset == 0;
        Ipv4Options options = first ? _datagram.Options : _laterOptions;
        int headerLength = Ipv4Field.MinHeaderLength + options.Length;
        int remaining = _datagram.PayloadLength - _sent;
        bool last = headerLength + remaining <= _mtu;

        // Every fragment but the last carries a multiple of 8 bytes; the MTU floor of 68 leaves at least 8 after a
        // 60-byte header, so each step makes progress.
        int length = last ? remaining : (_mtu - headerLength) & ~7;
        _current = new Ipv4Fragment(
            _datagram with
            {
                FragmentOffset = _datagram.FragmentOffset + _sent,
                MoreFragments = !last || _datagram.MoreFragments,
                PayloadLength = length,
                Options = options,
            },
            _sent);
        _sent += length;
        _done = last;
        return true;
    }
}
