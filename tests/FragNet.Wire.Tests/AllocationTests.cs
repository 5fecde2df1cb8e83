using FragNet.Testing;

namespace FragNet.Wire.Tests;

/// <summary>Per-packet paths allocate nothing: views, parsing, emitting, option walking and fragment planning work on
/// spans and values only.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void Parsing_and_emitting_every_protocol_allocates_nothing()
    {
        byte[] syn = Captures.LibnfsToGanesha[0].Data;
        byte[] write = Captures.LibnfsToGanesha.First(r => r.Data.Length > 1000).Data;
        byte[] arp = Captures.KernelFrame(1);
        byte[] echo = Captures.KernelFrame(3);
        byte[] timeExceeded = Captures.KernelFrame(6);
        byte[] udp = Captures.KernelFrame(9);
        byte[] options = Captures.KernelFrame(11);
        byte[] fragment = Captures.KernelFrame(13);
        var output = new byte[65536];

        long checksum = 0;
        void Round()
        {
            checksum += Tcp(syn, output) + Tcp(write, output) + Arp(arp, output) + Icmp(echo, output) + Icmp(timeExceeded, output)
                + Udp(udp, output) + Udp(options, output) + Fragments(fragment);
        }

        // Warm-up (tiered JIT, static constructors), then batches of 300 rounds.
        SteadyStateAllocation.AssertNone(() =>
        {
            for (int i = 0; i < 300; i++)
            {
                Round();
            }
        });
        Assert.NotEqual(0, checksum);
    }

    private static void Ok(bool parsed)
    {
        if (!parsed)
        {
            throw new InvalidOperationException("a real frame failed to parse");
        }
    }

    private static int Tcp(byte[] frame, byte[] output)
    {
        Ok(EthernetFrame.TryCreate(frame, out EthernetFrame eth, out _));
        Ok(EthernetRepr.TryParse(eth, out EthernetRepr e, out _));
        Ok(Ipv4Packet.TryCreate(eth.Payload, out Ipv4Packet ip, out _));
        Ok(Ipv4Repr.TryParse(ip, out Ipv4Repr i, out _));
        Ok(TcpPacket.TryCreate(ip.Payload, out TcpPacket tcp, out _));
        Ok(TcpRepr.TryParse(tcp, i.Source, i.Destination, out TcpRepr t, out _, verifyChecksum: false));
        _ = tcp.VerifyChecksum(i.Source, i.Destination);
        int sum = (t.Options.MaxSegmentSize ?? 0) + (t.Options.WindowShift ?? 0) + (int)(t.Options.Timestamp?.Value ?? 0);
        foreach (TcpOption o in t.Options)
        {
            sum += o.Kind;
        }

        e.Emit(output);
        i.Emit(output.AsSpan(14));
        tcp.Payload.CopyTo(output.AsSpan(14 + i.HeaderLength + t.HeaderLength));
        t.Emit(output.AsSpan(14 + i.HeaderLength), i.Source, i.Destination);
        t.EmitHeader(output.AsSpan(14 + i.HeaderLength), 0, i.Source, i.Destination, ChecksumMode.Partial);
        return sum + output[30];
    }

    private static int Arp(byte[] frame, byte[] output)
    {
        Ok(EthernetFrame.TryCreate(frame, out EthernetFrame eth, out _));
        Ok(ArpPacket.TryCreate(eth.Payload, out ArpPacket arp, out _));
        Ok(ArpRepr.TryParse(arp, out ArpRepr a, out _));
        a.Emit(output);
        return output[7];
    }

    private static int Icmp(byte[] frame, byte[] output)
    {
        Ok(EthernetFrame.TryCreate(frame, out EthernetFrame eth, out _));
        Ok(Ipv4Packet.TryCreate(eth.Payload, out Ipv4Packet ip, out _));
        Ok(Icmpv4Packet.TryCreate(ip.Payload, out Icmpv4Packet icmp, out _));
        Ok(Icmpv4Repr.TryParse(icmp, out Icmpv4Repr m, out _));
        icmp.Buffer.CopyTo(output);
        m.Emit(output);
        return output[2] + m.OriginalHeader.TimeToLive;
    }

    private static int Udp(byte[] frame, byte[] output)
    {
        Ok(EthernetFrame.TryCreate(frame, out EthernetFrame eth, out _));
        Ok(Ipv4Packet.TryCreate(eth.Payload, out Ipv4Packet ip, out _));
        Ok(Ipv4Repr.TryParse(ip, out Ipv4Repr i, out _));
        int sum = 0;
        foreach (Ipv4Option o in i.Options)
        {
            sum += o.Type;
        }

        sum += i.Options.CopiedOptions().Length;
        Ok(UdpPacket.TryCreate(ip.Payload, out UdpPacket udp, out _));
        Ok(UdpRepr.TryParse(udp, i.Source, i.Destination, out UdpRepr u, out _));
        udp.Buffer.CopyTo(output);
        u.Emit(output, i.Source, i.Destination);
        return sum + output[6];
    }

    private static int Fragments(byte[] frame)
    {
        Ok(EthernetFrame.TryCreate(frame, out EthernetFrame eth, out _));
        Ok(Ipv4Packet.TryCreate(eth.Payload, out Ipv4Packet ip, out _));
        Ok(Ipv4Repr.TryParse(ip, out Ipv4Repr i, out _));
        Ok(Ipv4Fragmenter.TryCreate(i with { MoreFragments = false, PayloadLength = 3008 }, 576, out Ipv4Fragmenter fragmenter, out _));
        int sum = 0;
        foreach (Ipv4Fragment f in fragmenter)
        {
            sum += f.PayloadLength;
        }

        return sum;
    }
}
