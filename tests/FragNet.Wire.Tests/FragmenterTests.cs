using CsCheck;

namespace FragNet.Wire.Tests;

public sealed class FragmenterTests
{
    private static readonly Ipv4Address A = Ipv4Address.Parse("10.0.0.1");
    private static readonly Ipv4Address B = Ipv4Address.Parse("10.0.0.2");

    [Theory]
    [InlineData(new[] { 13, 14, 15 }, 1500)]     // the sender's own fragmentation of its 3000-byte echo request
    [InlineData(new[] { 16, 17, 18, 19 }, 1000)] // the router's fragmentation of the reply onto its 1000-byte link
    public void Fragmenting_a_kernel_datagram_at_the_kernels_mtu_reproduces_the_kernels_fragments(int[] frames, int mtu)
    {
        (Ipv4Repr header, byte[] payload) = KernelDatagram(frames);
        Assert.True(Ipv4Fragmenter.TryCreate(header, mtu, out Ipv4Fragmenter fragmenter, out _));
        Assert.Equal(frames.Length, fragmenter.Count);
        int i = 0;
        foreach (Ipv4Fragment fragment in fragmenter)
        {
            byte[] expected = Captures.KernelFrame(frames[i++]).AsSpan(14).ToArray();
            var emitted = new byte[fragment.Header.TotalLength];
            fragment.Header.Emit(emitted);
            payload.AsSpan(fragment.PayloadOffset, fragment.PayloadLength).CopyTo(emitted.AsSpan(fragment.Header.HeaderLength));
            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(emitted));
        }

        Assert.Equal(frames.Length, i);
    }

    [Fact]
    public void A_datagram_that_fits_is_one_fragment_itself_unchanged()
    {
        var datagram = new Ipv4Repr(A, B, IpProtocol.Udp, 1480) { DontFragment = true, Identification = 9 };
        Assert.True(Ipv4Fragmenter.TryCreate(datagram, 1500, out Ipv4Fragmenter fragmenter, out _));
        Assert.True(fragmenter.MoveNext());
        Assert.Equal(new Ipv4Fragment(datagram, 0), fragmenter.Current);
        Assert.False(fragmenter.MoveNext());
        Assert.False(fragmenter.MoveNext());
    }

    [Fact]
    public void Dont_fragment_on_a_datagram_too_big_for_the_link_is_packet_too_big()
    {
        var datagram = new Ipv4Repr(A, B, IpProtocol.Udp, 1481) { DontFragment = true };
        Assert.False(Ipv4Fragmenter.TryCreate(datagram, 1500, out _, out DropReason reason));
        Assert.Equal(DropReason.PacketTooBig, reason);
        Assert.True(Ipv4Fragmenter.TryCreate(datagram with { DontFragment = false }, 1500, out _, out _));
    }

    [Fact]
    public void Later_fragments_carry_only_copied_options_so_they_hold_more_payload()
    {
        // Record Route (not copied, 11 bytes), NOP and Router Alert (copied, 4 bytes): headers of 36, then 24 bytes.
        Ipv4Options options = Ipv4Options.Create(Convert.FromHexString("070B04" + "0000000000000000" + "01" + "94040000"));
        Assert.Equal(16, options.Length);
        var datagram = new Ipv4Repr(A, B, IpProtocol.Udp, 1000) { Options = options };
        Assert.True(Ipv4Fragmenter.TryCreate(datagram, 300, out Ipv4Fragmenter fragmenter, out _));
        var fragments = new List<Ipv4Fragment>();
        foreach (Ipv4Fragment f in fragmenter)
        {
            fragments.Add(f);
        }

        Assert.Equal(36, fragments[0].Header.HeaderLength);
        Assert.Equal(options, fragments[0].Header.Options);
        Assert.Equal((300 - 36) & ~7, fragments[0].PayloadLength);
        Assert.All(fragments.Skip(1), f => Assert.Equal(24, f.Header.HeaderLength));
        Assert.All(fragments.Skip(1), f => Assert.Equal(Ipv4Options.Create([0x94, 4, 0, 0]), f.Header.Options));
        Assert.Equal((300 - 24) & ~7, fragments[1].PayloadLength);
        Assert.Equal(1000, fragments.Sum(f => f.PayloadLength));
    }

    [Fact]
    public void A_fragment_can_be_fragmented_again_and_its_last_piece_keeps_more_fragments()
    {
        var fragment = new Ipv4Repr(A, B, IpProtocol.Udp, 1480) { FragmentOffset = 1480, MoreFragments = true, Identification = 77 };
        Assert.True(Ipv4Fragmenter.TryCreate(fragment, 1000, out Ipv4Fragmenter fragmenter, out _));
        var pieces = new List<Ipv4Fragment>();
        foreach (Ipv4Fragment f in fragmenter)
        {
            pieces.Add(f);
        }

        Assert.Equal([1480, 1480 + 976], pieces.Select(p => p.Header.FragmentOffset));
        Assert.All(pieces, p => Assert.True(p.Header.MoreFragments));
        Assert.All(pieces, p => Assert.Equal(77, p.Header.Identification));
        Assert.Equal([0, 976], pieces.Select(p => p.PayloadOffset));
    }

    [Fact]
    public void The_smallest_mtu_still_makes_progress_and_anything_smaller_is_refused()
    {
        Ipv4Options forty = Ipv4Options.Create([.. Enumerable.Repeat((byte)0x94, 1), 40, .. new byte[38]]);
        var datagram = new Ipv4Repr(A, B, IpProtocol.Udp, 100) { Options = forty };
        Assert.True(Ipv4Fragmenter.TryCreate(datagram, Ipv4Field.MinMtu, out Ipv4Fragmenter fragmenter, out _));
        Assert.Equal(13, fragmenter.Count); // 8 bytes per 68-byte fragment: the 40 option bytes are copied ones
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4Fragmenter.TryCreate(datagram, 67, out _, out _));
    }

    [Fact]
    public void A_datagram_whose_payload_runs_past_65515_cannot_be_fragmented() =>
        Assert.Throws<ArgumentException>(() =>
            Ipv4Fragmenter.TryCreate(new Ipv4Repr(A, B, IpProtocol.Udp, 1000) { FragmentOffset = 65000 }, 1500, out _, out _));

    [Fact]
    public void Any_datagram_splits_into_aligned_contiguous_fragments_that_fit_the_mtu() =>
        Gen.Select(Generators.Ipv4Repr, Gen.Int[Ipv4Field.MinMtu, 9000]).Sample(
            (datagram, mtu) =>
            {
                datagram = datagram with { DontFragment = false, FragmentOffset = Math.Min(datagram.FragmentOffset, 60000 - datagram.PayloadLength) & ~7 };
                Assert.True(Ipv4Fragmenter.TryCreate(datagram, mtu, out Ipv4Fragmenter fragmenter, out _));
                int next = 0;
                int count = 0;
                Ipv4Fragment last = default;
                foreach (Ipv4Fragment f in fragmenter)
                {
                    Assert.Equal(next, f.PayloadOffset);
                    Assert.Equal(datagram.FragmentOffset + next, f.Header.FragmentOffset);
                    Assert.True(f.Header.TotalLength <= mtu);
                    Assert.Equal(datagram.Identification, f.Header.Identification);
                    next += f.PayloadLength;
                    if (++count > 1)
                    {
                        Assert.True(last.Header.MoreFragments);
                        Assert.Equal(0, last.PayloadLength % 8);
                    }

                    last = f;
                }

                Assert.Equal(datagram.PayloadLength, next);
                Assert.Equal(datagram.MoreFragments, last.Header.MoreFragments);
                Assert.Equal(count, fragmenter.Count);
            },
            iter: 1000,
            seed: Generators.Seed,
            threads: 1);

    /// <summary>The header (unfragmented) and payload of a datagram the kernel sent in the given fragments.</summary>
    internal static (Ipv4Repr Header, byte[] Payload) KernelDatagram(int[] frames)
    {
        (_, Ipv4Repr first) = Frames.ParseIp(Captures.KernelFrame(frames[0]));
        (_, Ipv4Repr last) = Frames.ParseIp(Captures.KernelFrame(frames[^1]));
        var payload = new byte[last.FragmentOffset + last.PayloadLength];
        foreach (int index in frames)
        {
            byte[] frame = Captures.KernelFrame(index);
            (_, Ipv4Repr ip) = Frames.ParseIp(frame);
            frame.AsSpan(14 + ip.HeaderLength, ip.PayloadLength).CopyTo(payload.AsSpan(ip.FragmentOffset));
        }

        return (first with { MoreFragments = false, PayloadLength = payload.Length }, payload);
    }
}
