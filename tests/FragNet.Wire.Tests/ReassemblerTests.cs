using CsCheck;

namespace FragNet.Wire.Tests;

/// <summary>
/// IPv4 reassembly. Every test ends with the leak check of its <see cref="WireWorld"/> (declared first, so disposed
/// last): every buffer handed to the reassembler came back inside a datagram or was freed, and every page is back.
/// </summary>
public sealed class ReassemblerTests
{
    private static readonly Ipv4Address A = Ipv4Address.Parse("10.0.0.1");
    private static readonly Ipv4Address B = Ipv4Address.Parse("10.0.0.2");
    private static readonly Instant T0 = Instant.FromSeconds(1000);

    private static Ipv4Repr Header(int offset, int length, bool more, ushort id = 1) =>
        new Ipv4Repr(A, B, IpProtocol.Udp, length) { Identification = id, FragmentOffset = offset, MoreFragments = more };

    private static byte[] Pattern(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Hands payload bytes [offset, offset + length) of <paramref name="payload"/> to the reassembler as a
    /// linear buffer.</summary>
    private static SkBuff? Add(WireWorld w, Ipv4Reassembler r, byte[] payload, int offset, int length, bool more, out DropReason reason, Instant? now = null, ushort id = 1) =>
        r.Add(Header(offset, length, more, id), w.Linear(payload.AsSpan(offset, length)), now ?? T0, out _, out reason);

    [Theory]
    [InlineData(new[] { 13, 14, 15 }, new[] { 0, 1, 2 })]
    [InlineData(new[] { 16, 17, 18, 19 }, new[] { 0, 1, 2, 3 })]
    [InlineData(new[] { 16, 17, 18, 19 }, new[] { 3, 2, 1, 0 })]
    [InlineData(new[] { 16, 17, 18, 19 }, new[] { 2, 0, 3, 1 })]
    public void Kernel_fragments_in_any_order_reassemble_into_the_echo_with_a_valid_icmp_checksum(int[] frames, int[] order)
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        SkBuff? datagram = null;
        Ipv4Repr header = default;
        foreach (int i in order)
        {
            byte[] frame = Captures.KernelFrame(frames[i]);
            (_, Ipv4Repr ip) = Frames.ParseIp(frame);
            Assert.Null(datagram);
            datagram = r.Add(ip, w.Linear(frame.AsSpan(14 + ip.HeaderLength, ip.PayloadLength)), T0, out header, out DropReason reason);
            Assert.Equal(DropReason.NotDroppedYet, reason);
        }

        Assert.NotNull(datagram);
        (Ipv4Repr expectedHeader, byte[] expectedPayload) = FragmenterTests.KernelDatagram(frames);
        Assert.Equal(expectedHeader, header);
        byte[] bytes = WireWorld.BytesOf(datagram);
        Assert.Equal(expectedPayload, bytes);
        Assert.True(Icmpv4Packet.TryCreate(bytes, out Icmpv4Packet icmp, out _));
        Assert.True(Icmpv4Repr.TryParse(icmp, out Icmpv4Repr echo, out _));
        Assert.Equal(3000, echo.DataLength);
        Assert.Equal(Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray(), icmp.Data.ToArray());

        // The pieces are chained, not copied: the first fragment's buffer heads a frag list of the others.
        int members = 0;
        for (SkBuff? m = datagram.FragList; m is not null; m = m.Next)
        {
            Assert.Null(m.FragList);
            members++;
        }

        Assert.Equal(frames.Length - 1, members);
        Assert.Equal(ChecksumState.None, datagram.IpSummed);
        datagram.Consume();
        Assert.Equal(0, r.DatagramsInProgress);
        Assert.Equal(0, r.BytesHeld);
        Assert.Equal(1, r.Reassembled);
    }

    [Fact]
    public void A_duplicate_fragment_is_consumed_and_the_datagram_still_completes()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        byte[] payload = Pattern(24);
        Assert.Null(Add(w, r, payload, 0, 16, true, out _));
        Assert.Null(Add(w, r, payload, 0, 16, true, out DropReason reason));
        Assert.Equal(DropReason.NotDroppedYet, reason);
        Assert.Equal(1, r.DuplicateFragments);
        Assert.Equal(16, r.BytesHeld);
        SkBuff? datagram = Add(w, r, payload, 16, 8, false, out _);
        Assert.NotNull(datagram);
        Assert.Equal(payload, WireWorld.BytesOf(datagram));
        datagram.Consume();
    }

    [Fact]
    public void A_duplicate_of_the_last_fragment_that_completes_nothing_new_still_completes_the_datagram()
    {
        // The bytes of the last fragment are all held already (from a fragment that overlapped them), so it is a
        // duplicate; the end it states is still what makes the datagram complete.
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        byte[] payload = Pattern(24);
        Assert.Null(Add(w, r, payload, 0, 24, true, out _));
        SkBuff? datagram = Add(w, r, payload, 16, 8, false, out DropReason reason);
        Assert.Equal(DropReason.NotDroppedYet, reason);
        Assert.NotNull(datagram);
        Assert.Equal(1, r.DuplicateFragments);
        Assert.Equal(payload, WireWorld.BytesOf(datagram));
        datagram.Consume();
    }

    [Fact]
    public void Overlapping_fragments_that_agree_keep_only_their_new_bytes()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        byte[] payload = Pattern(64);
        Assert.Null(Add(w, r, payload, 0, 24, true, out _));   // [0, 24)
        Assert.Null(Add(w, r, payload, 40, 16, true, out _));  // [40, 56)
        Assert.Null(Add(w, r, payload, 16, 32, true, out _));  // [16, 48): front cut to 24, back cut to 40
        Assert.Equal(56, r.BytesHeld);
        SkBuff? datagram = Add(w, r, payload, 48, 16, false, out DropReason reason); // [48, 64): front cut to 56
        Assert.Equal(DropReason.NotDroppedYet, reason);
        Assert.NotNull(datagram);
        Assert.Equal(payload, WireWorld.BytesOf(datagram));
        Assert.Equal(0, r.DuplicateFragments);
        datagram.Consume();
    }

    [Fact]
    public void A_fragment_covering_held_pieces_entirely_replaces_them()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        byte[] payload = Pattern(80);
        Assert.Null(Add(w, r, payload, 8, 8, true, out _));
        Assert.Null(Add(w, r, payload, 32, 8, true, out _));
        Assert.Null(Add(w, r, payload, 0, 48, true, out _)); // covers both, fills the gaps
        Assert.Equal(2, r.DuplicateFragments);
        Assert.Equal(48, r.BytesHeld);
        SkBuff? datagram = Add(w, r, payload, 48, 32, false, out _);
        Assert.NotNull(datagram);
        Assert.Equal(payload, WireWorld.BytesOf(datagram));
        datagram.Consume();
    }

    [Fact]
    public void Overlapping_fragments_that_disagree_drop_the_whole_datagram_as_malformed()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        byte[] payload = Pattern(64);
        Assert.Null(Add(w, r, payload, 0, 16, true, out _));
        Assert.Null(Add(w, r, payload, 32, 16, true, out _));
        byte[] evil = (byte[])payload.Clone();
        evil[35] ^= 0xFF; // a different byte inside [32, 48): the classic overlap attack
        Assert.Null(Add(w, r, evil, 24, 16, true, out DropReason reason));
        Assert.Equal(DropReason.IpFragmentMalformed, reason);
        Assert.Equal(1, r.DatagramsDropped(DropReason.IpFragmentMalformed));
        Assert.Equal(3, r.FragmentsDropped(DropReason.IpFragmentMalformed));
        Assert.Equal(3, w.Cache.Drops(DropReason.IpFragmentMalformed));
        Assert.Equal(0, r.DatagramsInProgress);
        Assert.Equal(0, r.BytesHeld);
        Assert.Equal(Instant.MaxValue, r.PollAt());

        // A later fragment with the same key starts a new datagram.
        Assert.Null(Add(w, r, payload, 48, 16, false, out reason));
        Assert.Equal(DropReason.NotDroppedYet, reason);
        Assert.Equal(1, r.DatagramsInProgress);
    }

    [Theory]
    [InlineData(65512, 8, false, "ends past 65515")]
    [InlineData(0, 12, true, "not the last, not a multiple of 8")]
    [InlineData(8, 0, true, "empty")]
    public void A_malformed_fragment_drops_its_datagram(int offset, int length, bool more, string why)
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        byte[] payload = Pattern(65536);
        Assert.Null(Add(w, r, payload, 65000, 16, true, out _));
        Assert.Null(Add(w, r, payload, offset, length, more, out DropReason reason));
        Assert.Equal(DropReason.IpFragmentMalformed, reason);
        Assert.Equal(1, r.DatagramsDropped(DropReason.IpFragmentMalformed));
        Assert.Equal(2, r.FragmentsDropped(DropReason.IpFragmentMalformed));
        Assert.Equal(0, r.DatagramsInProgress);
        Assert.NotNull(why);
    }

    [Fact]
    public void Two_different_ends_or_data_past_the_end_drop_the_datagram()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        byte[] payload = Pattern(128);
        Assert.Null(Add(w, r, payload, 48, 16, false, out _)); // ends at 64
        Assert.Null(Add(w, r, payload, 40, 16, false, out DropReason reason)); // ends at 56
        Assert.Equal(DropReason.IpFragmentMalformed, reason);

        Assert.Null(Add(w, r, payload, 48, 16, false, out _));
        Assert.Null(Add(w, r, payload, 56, 8, true, out _));     // fine: [56, 64) within the end
        Assert.Null(Add(w, r, payload, 56, 16, true, out reason)); // past the end
        Assert.Equal(DropReason.IpFragmentMalformed, reason);

        Assert.Null(Add(w, r, payload, 32, 16, true, out _));
        Assert.Null(Add(w, r, payload, 8, 32, false, out reason)); // a last fragment ending before held data
        Assert.Equal(DropReason.IpFragmentMalformed, reason);
        Assert.Equal(3, r.DatagramsDropped(DropReason.IpFragmentMalformed));
        Assert.Equal(0, r.DatagramsInProgress);
    }

    [Fact]
    public void An_incomplete_datagram_times_out_after_30_seconds_when_polled()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        Assert.Equal(Instant.MaxValue, r.PollAt());
        byte[] payload = Pattern(32);
        Assert.Null(Add(w, r, payload, 0, 16, true, out _, T0));
        Assert.Null(Add(w, r, payload, 0, 8, true, out _, T0 + Duration.FromSeconds(10), id: 2));
        Assert.Equal(T0 + Duration.FromSeconds(30), r.PollAt());
        Assert.Equal(0, r.Poll(T0 + Duration.FromSeconds(30) - Duration.FromMicroseconds(1)));
        Assert.Equal(2, r.DatagramsInProgress);
        Assert.Equal(1, r.Poll(T0 + Duration.FromSeconds(30)));
        Assert.Equal(1, r.DatagramsDropped(DropReason.IpReassemblyTimeout));
        Assert.Equal(1, w.Cache.Drops(DropReason.IpReassemblyTimeout));
        Assert.Equal(T0 + Duration.FromSeconds(40), r.PollAt());
        Assert.Equal(1, r.Poll(T0 + Duration.FromSeconds(100)));
        Assert.Equal(Instant.MaxValue, r.PollAt());
        Assert.Equal(0, r.BytesHeld);
    }

    [Fact]
    public void A_fragment_arriving_after_its_datagrams_deadline_starts_afresh_without_a_poll()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler(timeout: Duration.FromSeconds(5));
        byte[] payload = Pattern(32);
        Assert.Null(Add(w, r, payload, 0, 16, true, out _, T0));
        Assert.Null(Add(w, r, payload, 16, 16, false, out DropReason reason, T0 + Duration.FromSeconds(5)));
        Assert.Equal(DropReason.NotDroppedYet, reason);
        Assert.Equal(1, r.DatagramsDropped(DropReason.IpReassemblyTimeout));
        Assert.Equal(1, r.DatagramsInProgress);
        Assert.Equal(16, r.BytesHeld);
        Assert.Equal(T0 + Duration.FromSeconds(10), r.PollAt());
    }

    [Fact]
    public void A_new_datagram_beyond_the_datagram_limit_is_refused_and_the_others_still_complete()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler(maxDatagrams: 2);
        byte[] payload = Pattern(16);
        Assert.Null(Add(w, r, payload, 0, 8, true, out _, id: 1));
        Assert.Null(Add(w, r, payload, 0, 8, true, out _, id: 2));
        Assert.Null(Add(w, r, payload, 0, 8, true, out DropReason reason, id: 3));
        Assert.Equal(DropReason.IpReassemblyLimit, reason);
        Assert.Equal(1, r.FragmentsDropped(DropReason.IpReassemblyLimit));
        Assert.Equal(0, r.DatagramsDropped(DropReason.IpReassemblyLimit));
        foreach (ushort id in new ushort[] { 1, 2 })
        {
            SkBuff? datagram = Add(w, r, payload, 8, 8, false, out _, id: id);
            Assert.NotNull(datagram);
            datagram.Consume();
        }

        Assert.Equal(0, r.DatagramsInProgress);
    }

    [Fact]
    public void Growing_past_the_byte_limit_drops_the_datagram_that_would_grow_and_refuses_new_ones()
    {
        using var w = new WireWorld(poolPages: 8);
        using var r = new Ipv4Reassembler(maxBytes: 65535);
        byte[] payload = Pattern(48000);
        Assert.Null(Add(w, r, payload, 0, 40000, true, out _, id: 1));
        Assert.Null(Add(w, r, payload, 0, 20000, true, out _, id: 2));
        Assert.Equal(60000, r.BytesHeld);
        Assert.Null(Add(w, r, payload, 0, 8000, true, out DropReason reason, id: 3)); // a new datagram: refused
        Assert.Equal(DropReason.IpReassemblyLimit, reason);
        Assert.Equal(2, r.DatagramsInProgress);
        Assert.Null(Add(w, r, payload, 20000, 8000, true, out reason, id: 2)); // datagram 2 would take 68000 in all
        Assert.Equal(DropReason.IpReassemblyLimit, reason);
        Assert.Equal(1, r.DatagramsDropped(DropReason.IpReassemblyLimit));
        Assert.Equal(3, r.FragmentsDropped(DropReason.IpReassemblyLimit));
        Assert.Equal(1, r.DatagramsInProgress);
        Assert.Equal(40000, r.BytesHeld);
        SkBuff? datagram = Add(w, r, payload, 40000, 8000, false, out _, id: 1);
        Assert.NotNull(datagram);
        Assert.Equal(payload, WireWorld.BytesOf(datagram));
        datagram.Consume();
        Assert.Equal(0, r.BytesHeld);
    }

    [Fact]
    public void A_shared_fragment_is_cloned_so_its_other_holder_keeps_it()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        byte[] payload = Pattern(16);
        SkBuff first = w.Linear(payload.AsSpan(0, 8));
        first.Get(); // a packet tap still holds it
        Assert.Null(r.Add(Header(0, 8, true), first, T0, out _, out _));
        Assert.Equal(1, first.Users);
        SkBuff? datagram = Add(w, r, payload, 8, 8, false, out _);
        Assert.NotNull(datagram);
        Assert.NotSame(first, datagram);
        Assert.Equal(payload, WireWorld.BytesOf(datagram));
        Assert.Equal(payload.AsSpan(0, 8).ToArray(), WireWorld.BytesOf(first));
        datagram.Consume();
        first.Consume();
    }

    [Fact]
    public void A_cloned_fragment_is_reassembled_without_disturbing_its_clone()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        byte[] payload = Pattern(16);
        SkBuff first = w.Linear(payload.AsSpan(0, 8));
        SkBuff tap = first.Clone();
        Assert.Null(r.Add(Header(0, 8, true), first, T0, out _, out _));
        SkBuff second = w.Linear(payload.AsSpan(8, 8));
        SkBuff tap2 = second.Clone();
        SkBuff? datagram = r.Add(Header(8, 8, false), second, T0, out _, out _);
        Assert.NotNull(datagram);
        Assert.Equal(payload, WireWorld.BytesOf(datagram));
        Assert.Null(tap.FragList);
        Assert.Equal(8, tap.Len);
        datagram.Consume();
        tap.Consume();
        tap2.Consume();
    }

    [Fact]
    public void Paged_fragments_and_fragments_with_their_own_frag_list_reassemble()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        byte[] payload = Pattern(9000);
        Assert.Null(r.Add(Header(0, 4000, true), w.Paged(payload.AsSpan(0, 4000), 100), T0, out _, out _));
        SkBuff withList = w.Linear(payload.AsSpan(4000, 1000));
        withList.AppendToFragList(w.Paged(payload.AsSpan(5000, 2000), 10));
        Assert.Null(r.Add(Header(4000, 3000, true), withList, T0, out _, out _));
        SkBuff? datagram = r.Add(Header(7000, 2000, false), w.Paged(payload.AsSpan(7000), 0), T0, out Ipv4Repr header, out _);
        Assert.NotNull(datagram);
        Assert.Equal(9000, header.PayloadLength);
        Assert.Equal(payload, WireWorld.BytesOf(datagram));
        datagram.Consume();
    }

    [Fact]
    public void Padding_past_the_payload_is_trimmed_and_a_short_payload_is_a_bad_length()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        byte[] payload = Pattern(16);
        var padded = new byte[8 + 18];
        payload.AsSpan(0, 8).CopyTo(padded);
        Assert.Null(r.Add(Header(0, 8, true), w.Linear(padded), T0, out _, out _));
        Assert.Equal(8, r.BytesHeld);
        Assert.Null(r.Add(Header(8, 8, false), w.Linear(payload.AsSpan(8, 7)), T0, out _, out DropReason reason));
        Assert.Equal(DropReason.BadLength, reason);
        Assert.Equal(1, r.FragmentsDropped(DropReason.BadLength));
        SkBuff? datagram = Add(w, r, payload, 8, 8, false, out _);
        Assert.NotNull(datagram);
        Assert.Equal(payload, WireWorld.BytesOf(datagram));
        datagram.Consume();
    }

    [Fact]
    public void A_packet_that_is_not_a_fragment_passes_through_unchanged()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        SkBuff skb = w.Linear(Pattern(20));
        var header = new Ipv4Repr(A, B, IpProtocol.Udp, 20);
        Assert.Same(skb, r.Add(header, skb, T0, out Ipv4Repr datagramHeader, out DropReason reason));
        Assert.Equal(header, datagramHeader);
        Assert.Equal(DropReason.NotDroppedYet, reason);
        Assert.Equal(0, r.DatagramsInProgress);
        skb.Consume();
    }

    [Fact]
    public void Disposing_drops_everything_held_as_owner_closed()
    {
        using var w = new WireWorld();
        var r = new Ipv4Reassembler();
        byte[] payload = Pattern(64);
        Assert.Null(Add(w, r, payload, 0, 8, true, out _, id: 1));
        Assert.Null(Add(w, r, payload, 16, 8, true, out _, id: 1));
        Assert.Null(Add(w, r, payload, 0, 8, true, out _, id: 2));
        r.Dispose();
        Assert.Equal(3, w.Cache.Drops(DropReason.OwnerClosed));
        Assert.Equal(2, r.DatagramsDropped(DropReason.OwnerClosed));
        Assert.Equal(0, r.DatagramsInProgress);
        r.Dispose();
        Assert.Throws<ObjectDisposedException>(() => r.Poll(T0));
        SkBuff late = w.Linear(payload.AsSpan(0, 8));
        Assert.Throws<ObjectDisposedException>(() => r.Add(Header(0, 8, true), late, T0, out _, out _));
        late.Consume(); // not taken: the caller still owns it
    }

    [Fact]
    public void Handing_over_a_queued_buffer_or_the_same_buffer_twice_is_a_caller_bug()
    {
        using var w = new WireWorld();
        using var r = new Ipv4Reassembler();
        SkBuff a = w.Linear(Pattern(8));
        SkBuff b = w.Linear(Pattern(8));
        a.Next = b;
        Assert.Throws<ArgumentException>(() => r.Add(Header(0, 8, true), a, T0, out _, out _));
        a.Next = null;
        b.Consume();
        Assert.Null(r.Add(Header(0, 8, true), a, T0, out _, out _));
        Assert.Throws<InvalidOperationException>(() => r.Add(Header(0, 8, true), a, T0, out _, out _));
        // The reassembler still holds `a` once; disposing it (the using) frees it, and the world finds no leak.
    }

    [Fact]
    public void Any_datagram_fragmented_shuffled_and_duplicated_reassembles_to_its_bytes_without_leaking() =>
        Gen.Select(Gen.Int[49, 20000], Gen.Int[Ipv4Field.MinMtu, 4000], Gen.Int, Gen.Bool).Sample(
            (length, mtu, seed, paged) =>
            {
                mtu = Math.Min(mtu, length + 19); // too big for the link: a datagram that fits is no fragment
                using var w = new WireWorld(poolPages: 1024); // one page per paged fragment, up to ~520 fragments
                using var r = new Ipv4Reassembler();
                var rng = new Random(seed);
                byte[] payload = Pattern(length, seed);
                var datagram = new Ipv4Repr(A, B, IpProtocol.Udp, length) { Identification = (ushort)seed };
                Assert.True(Ipv4Fragmenter.TryCreate(datagram, mtu, out Ipv4Fragmenter fragmenter, out _));
                var fragments = new List<Ipv4Fragment>();
                foreach (Ipv4Fragment f in fragmenter)
                {
                    fragments.Add(f);
                    if (rng.Next(4) == 0)
                    {
                        fragments.Add(f); // a duplicate
                    }
                }

                fragments = [.. fragments.OrderBy(_ => rng.Next())];
                int completed = 0;
                foreach (Ipv4Fragment f in fragments)
                {
                    ReadOnlySpan<byte> bytes = payload.AsSpan(f.PayloadOffset, f.PayloadLength);
                    SkBuff skb = paged && bytes.Length > 1 ? w.Paged(bytes, rng.Next(1, bytes.Length)) : w.Linear(bytes);
                    SkBuff? done = r.Add(f.Header, skb, T0, out Ipv4Repr header, out DropReason reason);
                    Assert.Equal(DropReason.NotDroppedYet, reason);
                    if (done is not null)
                    {
                        // Duplicates that arrive after completion may make a second copy: it is the same datagram.
                        completed++;
                        Assert.Equal(datagram, header);
                        Assert.Equal(payload, WireWorld.BytesOf(done));
                        done.Consume();
                    }
                }

                Assert.True(completed >= 1);
                r.Poll(T0 + r.Timeout); // late duplicates that started a datagram of their own time out
                Assert.Equal(0, r.DatagramsInProgress);
                Assert.Equal(0, r.BytesHeld);
            },
            iter: 300,
            seed: Generators.Seed,
            threads: 1);
}
