using System.Buffers.Binary;
using CsCheck;

namespace FragNet.Wire.Tests;

/// <summary>
/// No input throws: random byte strings and random mutations of real frames go through every view and repr, and once
/// a view's <c>TryCreate</c> has succeeded every accessor is read. Mutated frames get their checksums repaired half the
/// time, so the parsers past the checksum gate (options, quotes, ports) see the mutations too.
/// </summary>
public sealed class FuzzPropertyTests
{
    private static readonly Gen<byte[]> RandomBytes = Gen.Byte.Array[0, 160];

    private static readonly byte[][] RealFrames =
        [.. Captures.LibnfsToGanesha.Select(r => r.Data).Where(d => d.Length < 400), .. Captures.Kernel.Select(r => r.Data)];

    [Fact]
    public void Random_bytes_never_make_any_parser_throw() =>
        RandomBytes.Sample(
            bytes =>
            {
                ParseEverything(bytes);
                return true;
            },
            iter: 20000,
            seed: Generators.Seed,
            threads: 1);

    [Fact]
    public void Random_mutations_of_real_frames_never_make_any_parser_throw() =>
        Gen.Select(Gen.Int[0, RealFrames.Length - 1], Gen.Select(Gen.Int[0, 1500], Gen.Byte).Array[1, 6], Gen.Int[0, 1600], Gen.Bool).Sample(
            (index, mutations, cut, repair) =>
            {
                byte[] frame = (byte[])RealFrames[index].Clone();
                foreach ((int position, byte value) in mutations)
                {
                    frame[position % frame.Length] = value;
                }

                frame = frame[..Math.Min(frame.Length, cut + 14)];
                if (repair)
                {
                    RepairChecksums(frame);
                }

                ParseEverything(frame);
                return true;
            },
            iter: 20000,
            seed: Generators.Seed,
            threads: 1);

    /// <summary>Runs every parser over <paramref name="bytes"/> as a frame and as each layer's input, reading every
    /// accessor of every view that was created.</summary>
    internal static void ParseEverything(ReadOnlySpan<byte> bytes)
    {
        if (EthernetFrame.TryCreate(bytes, out EthernetFrame eth, out _))
        {
            _ = (eth.Destination, eth.Source, eth.EtherType, eth.Payload.Length);
            if (EthernetRepr.TryParse(eth, out EthernetRepr ethRepr, out _))
            {
                if (ethRepr.EtherType == EtherType.Arp)
                {
                    ParseArp(eth.Payload);
                }
                else
                {
                    ParseIp(eth.Payload);
                }
            }
        }

        ParseArp(bytes);
        ParseIp(bytes);
        ParseTransports(bytes, Ipv4Address.Loopback, Ipv4Address.Loopback);
    }

    private static void ParseArp(ReadOnlySpan<byte> bytes)
    {
        if (ArpPacket.TryCreate(bytes, out ArpPacket arp, out _))
        {
            _ = (arp.HardwareType, arp.ProtocolType, arp.Operation, arp.Length);
            _ = (arp.SenderHardwareAddress.Length, arp.SenderProtocolAddress.Length, arp.TargetHardwareAddress.Length, arp.TargetProtocolAddress.Length);
            _ = ArpRepr.TryParse(arp, out _, out _);
        }
    }

    private static void ParseIp(ReadOnlySpan<byte> bytes)
    {
        for (int packetLength = bytes.Length; packetLength <= bytes.Length + 1; packetLength++)
        {
            if (!Ipv4Packet.TryCreateHeader(bytes, packetLength, out Ipv4Packet ip, out _))
            {
                continue;
            }

            _ = (ip.Version, ip.HeaderLength, ip.Dscp, ip.Ecn, ip.TotalLength, ip.Identification, ip.DontFragment, ip.MoreFragments);
            _ = (ip.FragmentOffset, ip.IsFragment, ip.TimeToLive, ip.Protocol, ip.Checksum, ip.Source, ip.Destination);
            _ = (ip.Header.Length, ip.Options.Length, ip.Payload.Length, ip.VerifyChecksum());
            foreach (bool verify in new[] { true, false })
            {
                if (Ipv4Repr.TryParse(ip, out Ipv4Repr repr, out _, verify))
                {
                    foreach (Ipv4Option option in repr.Options)
                    {
                        _ = (option.Type, option.Data.Length, option.IsCopied, option.Class, option.Number);
                    }

                    _ = repr.Options.CopiedOptions();
                    ParseTransports(ip.Payload, repr.Source, repr.Destination);
                }
            }
        }
    }

    private static void ParseTransports(ReadOnlySpan<byte> bytes, Ipv4Address src, Ipv4Address dst)
    {
        if (Icmpv4Packet.TryCreate(bytes, out Icmpv4Packet icmp, out _))
        {
            _ = (icmp.Type, icmp.Code, icmp.Checksum, icmp.RestOfHeader, icmp.Identifier, icmp.SequenceNumber, icmp.NextHopMtu, icmp.Data.Length);
            foreach (bool verify in new[] { true, false })
            {
                if (Icmpv4Repr.TryParse(icmp, out Icmpv4Repr repr, out _, verify))
                {
                    _ = (repr.HeaderLength, repr.BufferLength, repr.Identifier, repr.NextHopMtu);
                }
            }
        }

        if (UdpPacket.TryCreate(bytes, out UdpPacket udp, out _))
        {
            _ = (udp.SourcePort, udp.DestinationPort, udp.Length, udp.Checksum, udp.Payload.Length, udp.IsComplete);
            _ = UdpRepr.TryParse(udp, src, dst, out _, out _);
            _ = UdpRepr.TryParse(udp, src, dst, out _, out _, verifyChecksum: false);
        }

        if (TcpPacket.TryCreate(bytes, out TcpPacket tcp, out _))
        {
            _ = (tcp.SourcePort, tcp.DestinationPort, tcp.SequenceNumber, tcp.AcknowledgmentNumber, tcp.HeaderLength, tcp.Flags);
            _ = (tcp.WindowSize, tcp.Checksum, tcp.UrgentPointer, tcp.Header.Length, tcp.Options.Length, tcp.Payload.Length);
            _ = tcp.VerifyChecksum(src, dst);
            foreach (bool verify in new[] { true, false })
            {
                if (TcpRepr.TryParse(tcp, src, dst, out TcpRepr repr, out _, verify))
                {
                    TcpOptions o = repr.Options;
                    _ = (o.MaxSegmentSize, o.WindowScale, o.WindowShift, o.SackPermitted, o.Timestamp, repr.SegmentLength);
                    for (int i = 0; i < o.SackBlockCount; i++)
                    {
                        _ = o.GetSackBlock(i);
                    }

                    foreach (TcpOption option in o)
                    {
                        _ = (option.Kind, option.Data.Length);
                    }
                }
            }
        }
    }

    /// <summary>Best effort: recomputes the IPv4 header checksum and the ICMP, UDP or TCP checksum of a frame whose
    /// views can be made, so that mutations reach the code behind the checksum checks.</summary>
    private static void RepairChecksums(byte[] frame)
    {
        if (!EthernetFrame.TryCreate(frame, out EthernetFrame eth, out _) || eth.EtherType != EtherType.Ipv4
            || !Ipv4Packet.TryCreate(eth.Payload, out Ipv4Packet ip, out _))
        {
            return;
        }

        Span<byte> header = frame.AsSpan(14, ip.HeaderLength);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(header[10..], InternetChecksum.Compute(header));
        Span<byte> payload = frame.AsSpan(14 + ip.HeaderLength, ip.TotalLength - ip.HeaderLength);
        (int offset, bool pseudo) = ip.Protocol switch
        {
            IpProtocol.Icmp => (2, false),
            IpProtocol.Udp => (6, true),
            IpProtocol.Tcp => (16, true),
            _ => (-1, false),
        };
        if (offset < 0 || payload.Length < offset + 2 || ip.IsFragment)
        {
            return;
        }

        BinaryPrimitives.WriteUInt16BigEndian(payload[offset..], 0);
        ushort checksum = pseudo
            ? Ipv4PseudoHeader.Compute(ip.Source, ip.Destination, ip.Protocol, payload)
            : InternetChecksum.Compute(payload);
        BinaryPrimitives.WriteUInt16BigEndian(payload[offset..], checksum);
    }
}
