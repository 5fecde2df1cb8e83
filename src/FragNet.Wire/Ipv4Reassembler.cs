using System.Diagnostics;
using FragNet.Buffers;
using FragNet.Wire.Internal;

namespace FragNet.Wire;

/// <summary>
/// Reassembles IPv4 datagrams from fragments (RFC 791 §3.2 "Reassembly"; RFC 815), sans-IO: time comes in as an
/// <see cref="Instant"/> and <see cref="PollAt"/> says when <see cref="Poll"/> next has work.
/// </summary>
/// <remarks>
/// <para>DOC: ownership. <see cref="Add"/> always takes the caller's hold on the fragment's buffer. Every buffer taken
/// is, exactly once, either returned inside a completed datagram or freed: with <see cref="SkBuff.Drop"/> and a
/// reason when it or its datagram is dropped, or with <see cref="SkBuff.Consume"/> when its bytes were already held
/// (a duplicate; Linux drops those as <c>SKB_DROP_REASON_DUP_FRAG</c>, for which FragNet has no reason yet, so they
/// are counted in <see cref="DuplicateFragments"/>). A completed datagram is the buffer of its first fragment with
/// the others, in order, on its frag list (<see cref="SkBuff.AppendToFragList"/>): no payload byte is copied on the
/// common path. A shared buffer (<see cref="SkBuff.IsShared"/>) is cloned first (Linux <c>skb_share_check</c>), and
/// one that has a frag list of its own is linearized, since frag lists are one level deep.</para>
/// <para>DOC: datagrams. Fragments belong together when source, destination, protocol and identification match
/// (RFC 791). The held pieces of a datagram are disjoint and sorted. A fragment that overlaps held pieces must agree
/// with them byte for byte: then only its new bytes are kept (the front is pulled, the back trimmed, pieces it covers
/// entirely are replaced) and a fragment with nothing new is a duplicate. Disagreeing bytes, a fragment past 65515
/// payload bytes (65535 with the smallest header), an empty fragment, a non-final fragment whose length is not a
/// multiple of 8, or two different ends drop the whole datagram with <see cref="DropReason.IpFragmentMalformed"/>.
/// (Linux, since 2018, drops on any partial overlap; comparing the bytes keeps consistent retransmissions and still
/// defeats overlap attacks, which need different bytes.)</para>
/// <para>DOC: limits. At most <see cref="MaxDatagrams"/> datagrams in progress and <see cref="MaxBytes"/> payload bytes
/// held (bytes of packet, not buffer memory). A fragment that would start a datagram beyond either limit is dropped
/// with <see cref="DropReason.IpReassemblyLimit"/>; one that would push an existing datagram past the byte limit drops
/// that datagram too (it cannot complete without it). A datagram not complete <see cref="Timeout"/> after its first
/// fragment arrived (30 s, Linux <c>ipfrag_time</c>; RFC 791 suggests 15 s as the initial timer setting) is dropped
/// with <see cref="DropReason.IpReassemblyTimeout"/> by the next <see cref="Poll"/> or <see cref="Add"/> at or after
/// its deadline.</para>
/// <para>Not thread-safe: one poll loop owns it. After <see cref="Dispose"/> (which drops everything held with
/// <see cref="DropReason.OwnerClosed"/>) it must not be used.</para>
/// </remarks>
public sealed class Ipv4Reassembler : IDisposable
{
    /// <summary>Default <see cref="MaxDatagrams"/>.</summary>
    public const int DefaultMaxDatagrams = 64;

    /// <summary>Default <see cref="MaxBytes"/>: 4 MiB, Linux's <c>ipfrag_high_thresh</c>.</summary>
    public const int DefaultMaxBytes = 4 * 1024 * 1024;

    /// <summary>Highest payload end offset: the 65535-byte total length minus the smallest header.</summary>
    private const int MaxPayloadEnd = Ipv4Field.MaxTotalLength - Ipv4Field.MinHeaderLength;

    private static readonly int ReasonCount = (int)Enum.GetValues<DropReason>().Max() + 1;

    private readonly Dictionary<DatagramKey, Datagram> _datagrams; // datagrams in progress
    private readonly Stack<Datagram> _spare = new();               // finished datagram records, for reuse
    private readonly long[] _fragmentDrops = new long[ReasonCount]; // buffers dropped, by reason
    private readonly long[] _datagramDrops = new long[ReasonCount]; // datagrams dropped, by reason
    private int _bytesHeld;                                          // Σ payload bytes of every held piece
    private Instant _pollAt = Instant.MaxValue;                      // earliest deadline of a datagram in progress
    private bool _disposed;                                          // Dispose dropped everything; no more use

    /// <summary>A reassembler with the given limits.</summary>
    /// <param name="maxDatagrams">Datagrams in progress at once (at least 1).</param>
    /// <param name="maxBytes">Payload bytes held at once (at least 65535, one whole datagram).</param>
    /// <param name="timeout">How long a datagram may stay incomplete; 30 s when null.</param>
    public Ipv4Reassembler(int maxDatagrams = DefaultMaxDatagrams, int maxBytes = DefaultMaxBytes, Duration? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDatagrams, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, Ipv4Field.MaxTotalLength);
        Duration t = timeout ?? DefaultTimeout;
        if (t <= Duration.Zero)
        {
            ThrowHelper.ThrowArgumentOutOfRange(nameof(timeout), t, "the reassembly timeout must be positive");
        }

        MaxDatagrams = maxDatagrams;
        MaxBytes = maxBytes;
        Timeout = t;
        _datagrams = new Dictionary<DatagramKey, Datagram>(maxDatagrams);
    }

    /// <summary>Default <see cref="Timeout"/>: 30 s, Linux's <c>ipfrag_time</c>.</summary>
    public static Duration DefaultTimeout => Duration.FromSeconds(30);

    /// <summary>Most datagrams in progress at once.</summary>
    public int MaxDatagrams { get; }

    /// <summary>Most payload bytes held at once.</summary>
    public int MaxBytes { get; }

    /// <summary>How long after its first fragment a datagram may stay incomplete.</summary>
    public Duration Timeout { get; }

    /// <summary>Datagrams with fragments held.</summary>
    public int DatagramsInProgress => _datagrams.Count;

    /// <summary>Payload bytes held.</summary>
    public int BytesHeld => _bytesHeld;

    /// <summary>Datagrams completed and returned.</summary>
    public long Reassembled { get; private set; }

    /// <summary>Fragments whose bytes were all held already (freed with <see cref="SkBuff.Consume"/>, not dropped).</summary>
    public long DuplicateFragments { get; private set; }

    /// <summary>Fragment buffers dropped for <paramref name="reason"/> (each buffer counted once).</summary>
    public long FragmentsDropped(DropReason reason) => _fragmentDrops[(int)reason];

    /// <summary>Datagrams in progress dropped for <paramref name="reason"/>.</summary>
    public long DatagramsDropped(DropReason reason) => _datagramDrops[(int)reason];

    /// <summary>When <see cref="Poll"/> next has work: the earliest deadline of a datagram in progress, or
    /// <see cref="Instant.MaxValue"/> when none is.</summary>
    public Instant PollAt() => _pollAt;

    /// <summary>Drops every datagram whose deadline is at or before <paramref name="now"/> with
    /// <see cref="DropReason.IpReassemblyTimeout"/>; returns how many. For those whose first fragment had arrived,
    /// <paramref name="onExpired"/> is told its header and first payload bytes (up to 8), which is what an ICMP
    /// "fragment reassembly time exceeded" quotes (RFC 792, RFC 1122 §3.3.2).</summary>
    public int Poll(Instant now, ExpiredDatagram? onExpired = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (now < _pollAt)
        {
            return 0;
        }

        int expired = 0;
        Span<byte> first = stackalloc byte[8];
        foreach (Datagram d in _datagrams.Values)
        {
            if (d.Deadline <= now)
            {
                if (onExpired is not null && d.HasFirst && d.Pieces.Count > 0 && d.Pieces[0].Offset == 0)
                {
                    SkBuff piece = d.Pieces[0].Skb;
                    int n = Math.Min(8, piece.Len);
                    piece.CopyBits(0, first[..n]);
                    onExpired(d.FirstHeader, first[..n]);
                }

                DropDatagram(d, DropReason.IpReassemblyTimeout); // Dictionary allows Remove while enumerating
                expired++;
            }
        }

        return expired;
    }

    /// <summary>
    /// Takes a fragment: <paramref name="header"/> is its parsed IPv4 header and <paramref name="payload"/> its
    /// payload (the bytes after the header; longer buffers, as with Ethernet padding, are trimmed to the header's
    /// payload length). Returns the reassembled datagram when this fragment completes one, with its header (the first
    /// fragment's, unfragmented) in <paramref name="datagramHeader"/>; otherwise null, with
    /// <paramref name="reason"/> <see cref="DropReason.NotDroppedYet"/> if the fragment is held (or was a duplicate)
    /// and the drop reason if it was dropped. A packet that is not a fragment is returned as it is.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="payload"/> is linked in a queue (<see cref="SkBuff.Next"/>);
    /// it is not taken.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="payload"/> is already held here (handed over twice;
    /// detected when the two hand-overs overlap).</exception>
    /// <exception cref="ObjectDisposedException">The reassembler was disposed.</exception>
    public SkBuff? Add(in Ipv4Repr header, SkBuff payload, Instant now, out Ipv4Repr datagramHeader, out DropReason reason)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Next is not null)
        {
            ThrowHelper.ThrowArgument(nameof(payload), "a fragment must be a single buffer, not linked in a queue");
        }

        datagramHeader = default;
        reason = DropReason.NotDroppedYet;
        SkBuff skb = TakeOwnership(payload);
        if (skb.Len < header.PayloadLength)
        {
            return DropFragment(skb, DropReason.BadLength, out reason);
        }

        if (skb.Len > header.PayloadLength)
        {
            skb.Trim(header.PayloadLength);
        }

        if (!header.IsFragment)
        {
            datagramHeader = header;
            return skb;
        }

        Poll(now);
        var key = new DatagramKey(header.Source, header.Destination, header.Protocol, header.Identification);
        _datagrams.TryGetValue(key, out Datagram? d);
        int offset = header.FragmentOffset;
        int end = offset + header.PayloadLength;
        if (end == offset || end > MaxPayloadEnd || (header.MoreFragments && (header.PayloadLength & 7) != 0)
            || (d is not null && !EndIsConsistent(d, end, header.MoreFragments)))
        {
            return DropMalformed(d, skb, out reason);
        }

        if (d is null)
        {
            if (_datagrams.Count >= MaxDatagrams || header.PayloadLength > MaxBytes - _bytesHeld)
            {
                return DropFragment(skb, DropReason.IpReassemblyLimit, out reason);
            }

            d = StartDatagram(key, now + Timeout);
        }

        if (!header.MoreFragments)
        {
            d.Total = end; // consistent (checked above), and known even if the fragment turns out a duplicate
        }

        if (!Insert(d, header, skb, offset, end, out reason) && reason != DropReason.NotDroppedYet)
        {
            return null; // dropped, with its datagram
        }

        if (d.Total < 0 || d.Bytes != d.Total)
        {
            return null;
        }

        Debug.Assert(d.HasFirst, "a piece at offset 0 comes from the fragment with offset 0");
        if (d.Total + d.FirstHeader.HeaderLength > Ipv4Field.MaxTotalLength)
        {
            return DropMalformed(d, null, out reason);
        }

        datagramHeader = d.FirstHeader with { MoreFragments = false, FragmentOffset = 0, PayloadLength = d.Total };
        return Complete(d);
    }

    /// <summary>Drops everything held with <paramref name="reason"/> (a device going down, a namespace closing).</summary>
    public void Clear(DropReason reason)
    {
        foreach (Datagram d in _datagrams.Values)
        {
            DropDatagram(d, reason);
        }
    }

    /// <summary>Drops everything held with <see cref="DropReason.OwnerClosed"/>; the reassembler may not be used after.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            Clear(DropReason.OwnerClosed);
            _disposed = true;
        }
    }

    /// <summary>True if a fragment ending at <paramref name="end"/> agrees with the datagram's known end: a last
    /// fragment must match it (or be the first to set it, beyond every held piece); any other must not pass it.</summary>
    private static bool EndIsConsistent(Datagram d, int end, bool moreFragments)
    {
        int heldEnd = d.Pieces.Count == 0 ? 0 : d.Pieces[^1].End;
        return moreFragments
            ? d.Total < 0 || end <= d.Total
            : d.Total < 0 ? heldEnd <= end : d.Total == end;
    }

    /// <summary>True if <paramref name="length"/> bytes of <paramref name="a"/> from <paramref name="aOffset"/> equal
    /// those of <paramref name="b"/> from <paramref name="bOffset"/>, walking both buffers' pieces without copying.</summary>
    private static bool SameBytes(SkBuff a, int aOffset, SkBuff b, int bOffset, int length)
    {
        SkbBytes.Enumerator ea = a.Bytes(aOffset, length).GetEnumerator();
        SkbBytes.Enumerator eb = b.Bytes(bOffset, length).GetEnumerator();
        ReadOnlySpan<byte> pa = default;
        ReadOnlySpan<byte> pb = default;
        while (length > 0)
        {
            if (pa.IsEmpty && ea.MoveNext())
            {
                pa = ea.Current;
            }

            if (pb.IsEmpty && eb.MoveNext())
            {
                pb = eb.Current;
            }

            int n = Math.Min(pa.Length, pb.Length);
            Debug.Assert(n > 0, "both views hold length bytes");
            if (!pa[..n].SequenceEqual(pb[..n]))
            {
                return false;
            }

            pa = pa[n..];
            pb = pb[n..];
            length -= n;
        }

        return true;
    }

    /// <summary>A buffer this reassembler alone holds and may chain: a shared one is cloned (<c>skb_share_check</c>),
    /// one with its own frag list linearized.</summary>
    private static SkBuff TakeOwnership(SkBuff payload)
    {
        SkBuff skb = payload;
        if (skb.IsShared)
        {
            skb = payload.Clone();
            payload.Consume(); // drops only the caller's hold; the other holders keep theirs
        }

        if (skb.FragList is not null)
        {
            skb.Linearize();
        }

        return skb;
    }

    /// <summary>Places a fragment's new bytes among the held pieces (see "DOC: datagrams"). False if it was dropped
    /// (with its datagram; <paramref name="reason"/> says why) or was a duplicate (<paramref name="reason"/>
    /// <see cref="DropReason.NotDroppedYet"/>, the datagram still in progress).</summary>
    private bool Insert(Datagram d, in Ipv4Repr header, SkBuff skb, int offset, int end, out DropReason reason)
    {
        List<Piece> pieces = d.Pieces;

        // Pieces are disjoint and sorted, so their ends are sorted too: the first overlap candidate is the first
        // piece ending after this fragment's start.
        int first = 0;
        while (first < pieces.Count && pieces[first].End <= offset)
        {
            first++;
        }

        int last = first; // one past the last overlapping piece
        int cutFront = 0;
        int cutBack = 0;
        int replaced = 0; // bytes of held pieces this fragment covers entirely
        for (; last < pieces.Count && pieces[last].Offset < end; last++)
        {
            Piece p = pieces[last];
            if (ReferenceEquals(p.Skb, skb))
            {
                ThrowHelper.ThrowInvalidOperation("this buffer is already held by the reassembler (handed over twice)");
            }

            int from = Math.Max(offset, p.Offset);
            int to = Math.Min(end, p.End);
            if (!SameBytes(skb, from - offset, p.Skb, from - p.Offset, to - from))
            {
                DropMalformed(d, skb, out reason);
                return false;
            }

            if (p.Offset <= offset && p.End >= end)
            {
                return Duplicate(d, header, skb, out reason);
            }

            if (p.Offset < offset)
            {
                cutFront = p.End - offset;
            }
            else if (p.End > end)
            {
                cutBack = end - p.Offset;
            }
            else
            {
                replaced += p.End - p.Offset;
            }
        }

        int keptOffset = offset + cutFront;
        int keptEnd = end - cutBack;
        if (keptEnd <= keptOffset)
        {
            return Duplicate(d, header, skb, out reason);
        }

        if (keptEnd - keptOffset - replaced > MaxBytes - _bytesHeld)
        {
            DropDatagram(d, DropReason.IpReassemblyLimit);
            DropFragment(skb, DropReason.IpReassemblyLimit, out reason);
            return false;
        }

        if (cutFront > 0)
        {
            bool pulled = skb.Pull(cutFront);
            Debug.Assert(pulled, "the front cut is shorter than the fragment");
        }

        if (cutBack > 0)
        {
            skb.Trim(keptEnd - keptOffset);
        }

        // Pieces [first, last) that are neither the cut-front one nor the cut-back one lie inside the fragment: their
        // bytes are equal to its, so they go and the fragment takes their place.
        int removeFrom = first + (cutFront > 0 ? 1 : 0);
        int removeTo = last - (cutBack > 0 ? 1 : 0);
        for (int i = removeFrom; i < removeTo; i++)
        {
            pieces[i].Skb.Consume();
            DuplicateFragments++;
        }

        pieces.RemoveRange(removeFrom, removeTo - removeFrom);
        pieces.Insert(removeFrom, new Piece(keptOffset, keptEnd, skb));
        int added = keptEnd - keptOffset - replaced;
        d.Bytes += added;
        _bytesHeld += added;
        NoteFirst(d, header);
        reason = DropReason.NotDroppedYet;
        return true;
    }

    /// <summary>Frees a fragment whose bytes are all held already.</summary>
    private bool Duplicate(Datagram d, in Ipv4Repr header, SkBuff skb, out DropReason reason)
    {
        NoteFirst(d, header);
        skb.Consume();
        DuplicateFragments++;
        reason = DropReason.NotDroppedYet;
        return false;
    }

    /// <summary>Keeps the header of the fragment at offset 0: it has every option, so it becomes the datagram's.</summary>
    private static void NoteFirst(Datagram d, in Ipv4Repr header)
    {
        if (!d.HasFirst && header.FragmentOffset == 0)
        {
            d.FirstHeader = header;
            d.HasFirst = true;
        }
    }

    /// <summary>Chains the pieces of a complete datagram onto the first one's frag list and retires the record.</summary>
    private SkBuff Complete(Datagram d)
    {
        List<Piece> pieces = d.Pieces;
        SkBuff head = pieces[0].Skb;
        if (head.IsCloned)
        {
            head.ExpandHead(0, 0); // the frag list lives in the shared info, which a clone would see
        }

        for (int i = 1; i < pieces.Count; i++)
        {
            head.AppendToFragList(pieces[i].Skb);
        }

        // The pieces' checksum states described them one by one; the whole is unverified.
        head.IpSummed = ChecksumState.None;
        head.Csum = 0;
        _bytesHeld -= d.Bytes;
        Retire(d);
        Reassembled++;
        return head;
    }

    private Datagram StartDatagram(DatagramKey key, Instant deadline)
    {
        Datagram d = _spare.Count > 0 ? _spare.Pop() : new Datagram();
        d.Key = key;
        d.Deadline = deadline;
        d.Total = -1;
        d.Bytes = 0;
        d.HasFirst = false;
        d.FirstHeader = default;
        _datagrams.Add(key, d);
        _pollAt = Instant.Min(_pollAt, deadline);
        return d;
    }

    /// <summary>Drops a malformed fragment and, if it has one, its whole datagram.</summary>
    private SkBuff? DropMalformed(Datagram? d, SkBuff? skb, out DropReason reason)
    {
        if (d is not null)
        {
            DropDatagram(d, DropReason.IpFragmentMalformed);
        }

        reason = DropReason.IpFragmentMalformed;
        if (skb is not null)
        {
            DropFragment(skb, reason, out _);
        }

        return null;
    }

    private SkBuff? DropFragment(SkBuff skb, DropReason why, out DropReason reason)
    {
        skb.Drop(why);
        _fragmentDrops[(int)why]++;
        reason = why;
        return null;
    }

    private void DropDatagram(Datagram d, DropReason why)
    {
        foreach (Piece p in d.Pieces)
        {
            p.Skb.Drop(why);
            _fragmentDrops[(int)why]++;
        }

        _bytesHeld -= d.Bytes;
        _datagramDrops[(int)why]++;
        Retire(d);
    }

    /// <summary>Forgets a datagram (its pieces already handed on or freed) and keeps the record for reuse.</summary>
    private void Retire(Datagram d)
    {
        _datagrams.Remove(d.Key);
        d.Pieces.Clear();
        d.FirstHeader = default;
        _spare.Push(d);
        if (d.Deadline == _pollAt)
        {
            _pollAt = Instant.MaxValue;
            foreach (Datagram other in _datagrams.Values)
            {
                _pollAt = Instant.Min(_pollAt, other.Deadline);
            }
        }
    }

    /// <summary>RFC 791's reassembly key.</summary>
    private readonly record struct DatagramKey(Ipv4Address Source, Ipv4Address Destination, IpProtocol Protocol, ushort Identification);

    /// <summary>A held piece: payload bytes [Offset, End) of the datagram, in <see cref="Skb"/>.</summary>
    private readonly record struct Piece(int Offset, int End, SkBuff Skb);

    /// <summary>A datagram in progress (records are reused, so no allocation per datagram in steady state).</summary>
    private sealed class Datagram
    {
        public DatagramKey Key;                  // its entry in _datagrams
        public Instant Deadline;                 // first fragment's arrival + Timeout
        public int Total;                        // payload length, known once the last fragment arrived; -1 before
        public int Bytes;                        // Σ piece lengths; complete when it equals Total
        public bool HasFirst;                    // the fragment at offset 0 has arrived
        public Ipv4Repr FirstHeader;             // its header (valid when HasFirst)
        public readonly List<Piece> Pieces = []; // disjoint, sorted by offset
    }
}
