using CsCheck;

namespace FragNet.Wire.Tests;

/// <summary>Random valid reprs survive Emit → TryParse unchanged, and re-emitting the parsed repr reproduces the bytes.</summary>
public sealed class RoundTripPropertyTests
{
    private const int Iterations = 2000;

    [Fact]
    public void Any_ethernet_header_round_trips() =>
        Generators.EthernetRepr.Sample(
            repr =>
            {
                var frame = new byte[repr.BufferLength];
                repr.Emit(frame);
                return EthernetFrame.TryCreate(frame, out EthernetFrame view, out _)
                    && EthernetRepr.TryParse(view, out EthernetRepr back, out _)
                    && back == repr;
            },
            iter: Iterations,
            seed: Generators.Seed,
            threads: 1);

    [Fact]
    public void Any_arp_request_or_reply_round_trips() =>
        Generators.ArpRepr.Sample(
            repr =>
            {
                var packet = new byte[repr.BufferLength];
                repr.Emit(packet);
                return ArpPacket.TryCreate(packet, out ArpPacket view, out _)
                    && ArpRepr.TryParse(view, out ArpRepr back, out _)
                    && back == repr;
            },
            iter: Iterations,
            seed: Generators.Seed,
            threads: 1);

    [Fact]
    public void Any_ipv4_header_with_any_well_formed_options_round_trips_byte_for_byte() =>
        Generators.Ipv4Repr.Sample(
            repr =>
            {
                var datagram = new byte[repr.BufferLength];
                repr.Emit(datagram);
                if (!Ipv4Packet.TryCreate(datagram, out Ipv4Packet view, out _) || !Ipv4Repr.TryParse(view, out Ipv4Repr back, out _))
                {
                    return false;
                }

                var again = new byte[back.HeaderLength];
                back.Emit(again);
                return back == repr && again.AsSpan().SequenceEqual(datagram.AsSpan(0, repr.HeaderLength));
            },
            iter: Iterations,
            seed: Generators.Seed,
            threads: 1);

    [Fact]
    public void Any_icmp_message_round_trips_byte_for_byte() =>
        Gen.Select(Generators.Icmpv4Repr, Gen.Int).Sample(
            (repr, fill) =>
            {
                var message = new byte[repr.BufferLength];
                new Random(fill).NextBytes(message.AsSpan(repr.HeaderLength));
                repr.Emit(message);
                if (!Icmpv4Packet.TryCreate(message, out Icmpv4Packet view, out _) || !Icmpv4Repr.TryParse(view, out Icmpv4Repr back, out _))
                {
                    return false;
                }

                byte[] first = (byte[])message.Clone();
                back.Emit(message);
                return back == repr && message.AsSpan().SequenceEqual(first);
            },
            iter: Iterations,
            seed: Generators.Seed,
            threads: 1);

    [Fact]
    public void Any_udp_datagram_round_trips_with_a_computed_or_no_checksum() =>
        Gen.Select(Generators.UdpRepr, Generators.Ipv4Address, Generators.Ipv4Address, Gen.Bool, Gen.Int).Sample(
            (repr, src, dst, none, fill) =>
            {
                var datagram = new byte[repr.BufferLength];
                new Random(fill).NextBytes(datagram.AsSpan(repr.HeaderLength));
                repr.Emit(datagram, src, dst, none ? ChecksumMode.Zero : ChecksumMode.Compute);
                return UdpPacket.TryCreate(datagram, out UdpPacket view, out _)
                    && (none ? view.Checksum == 0 : view.Checksum != 0)
                    && UdpRepr.TryParse(view, src, dst, out UdpRepr back, out _)
                    && back == repr;
            },
            iter: Iterations,
            seed: Generators.Seed,
            threads: 1);

    [Fact]
    public void Any_tcp_segment_with_any_options_round_trips_byte_for_byte() =>
        Gen.Select(Generators.TcpRepr, Generators.Ipv4Address, Generators.Ipv4Address, Gen.Int).Sample(
            (repr, src, dst, fill) =>
            {
                var segment = new byte[repr.BufferLength];
                new Random(fill).NextBytes(segment.AsSpan(repr.HeaderLength));
                repr.Emit(segment, src, dst);
                if (!TcpPacket.TryCreate(segment, out TcpPacket view, out _) || !TcpRepr.TryParse(view, src, dst, out TcpRepr back, out _))
                {
                    return false;
                }

                byte[] first = (byte[])segment.Clone();
                back.Emit(segment, src, dst);
                var header = new byte[back.HeaderLength];
                back.EmitHeader(header, InternetChecksum.Sum(segment.AsSpan(back.HeaderLength)), src, dst);
                return back == repr && segment.AsSpan().SequenceEqual(first) && header.AsSpan().SequenceEqual(first.AsSpan(0, header.Length));
            },
            iter: Iterations,
            seed: Generators.Seed,
            threads: 1);

    [Fact]
    public void Any_well_formed_ipv4_option_list_parses_as_itself_and_keeps_only_copied_options_for_fragments() =>
        Generators.Ipv4Options.Sample(
            options =>
            {
                if (!Ipv4Options.TryCreate(options.Bytes, out Ipv4Options back, out _) || back != options)
                {
                    return false;
                }

                Ipv4Options copied = options.CopiedOptions();
                foreach (Ipv4Option o in copied)
                {
                    if (!o.IsCopied)
                    {
                        return false;
                    }
                }

                return copied.Length <= options.Length && Ipv4Options.TryCreate(copied.Bytes, out _, out _);
            },
            iter: Iterations,
            seed: Generators.Seed,
            threads: 1);
}
