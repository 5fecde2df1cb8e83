using System.Globalization;
using System.Text;
using FragNet.Buffers;
using FragNet.Wire;

namespace FragNet.Devices;

/// <summary>A one-line, tcpdump-like description of an Ethernet frame, for listings (<c>fragnet pcap filter</c>).</summary>
public static class FrameSummary
{
    /// <summary>E.g. <c>10.0.0.1.40000 &gt; 10.0.0.2.5001: Flags [S], seq 1000, win 65535, length 0</c>.</summary>
    public static string Describe(ReadOnlySpan<byte> frame)
    {
        if (!EthernetFrame.TryCreate(frame, out EthernetFrame eth, out _))
        {
            return $"truncated frame ({frame.Length} bytes)";
        }

        ReadOnlySpan<byte> payload = frame[EthernetField.HeaderLength..];
        switch (eth.EtherType)
        {
            case EtherType.Arp:
                return ArpPacket.TryCreate(payload, out ArpPacket arpPacket, out _) && ArpRepr.TryParse(arpPacket, out ArpRepr arp, out _)
                    ? arp.Operation == ArpOperation.Request
                        ? $"ARP, Request who-has {arp.TargetProtocolAddress} tell {arp.SenderProtocolAddress}"
                        : $"ARP, Reply {arp.SenderProtocolAddress} is-at {arp.SenderHardwareAddress}"
                    : "ARP, malformed";
            case EtherType.Ipv4:
                return DescribeIpv4(payload);
            default:
                return string.Create(CultureInfo.InvariantCulture, $"ethertype 0x{(ushort)eth.EtherType:x4}, length {frame.Length}");
        }
    }

    private static string DescribeIpv4(ReadOnlySpan<byte> bytes)
    {
        if (!Ipv4Packet.TryCreate(bytes, out Ipv4Packet ip, out DropReason reason))
        {
            return $"IP, malformed ({reason})";
        }

        string src = ip.Source.ToString();
        string dst = ip.Destination.ToString();
        if (ip.FragmentOffset != 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"IP {src} > {dst}: fragment id {ip.Identification} offset {ip.FragmentOffset}, length {ip.Payload.Length}");
        }

        switch (ip.Protocol)
        {
            case IpProtocol.Tcp when TcpPacket.TryCreate(ip.Payload, out TcpPacket tcp, out _):
            {
                var sb = new StringBuilder();
                sb.Append(CultureInfo.InvariantCulture, $"IP {src}.{tcp.SourcePort} > {dst}.{tcp.DestinationPort}: Flags [{Flags(tcp.Flags)}]");
                sb.Append(CultureInfo.InvariantCulture, $", seq {tcp.SequenceNumber.Value}");
                if ((tcp.Flags & TcpFlags.Ack) != 0)
                {
                    sb.Append(CultureInfo.InvariantCulture, $", ack {tcp.AcknowledgmentNumber.Value}");
                }

                sb.Append(CultureInfo.InvariantCulture, $", win {tcp.WindowSize}, length {tcp.Payload.Length}");
                return sb.ToString();
            }

            case IpProtocol.Udp when UdpPacket.TryCreate(ip.Payload, out UdpPacket udp, out _):
                return string.Create(CultureInfo.InvariantCulture, $"IP {src}.{udp.SourcePort} > {dst}.{udp.DestinationPort}: UDP, length {udp.Length - UdpField.HeaderLength}");
            case IpProtocol.Icmp when Icmpv4Packet.TryCreate(ip.Payload, out Icmpv4Packet icmp, out _):
                return string.Create(CultureInfo.InvariantCulture, $"IP {src} > {dst}: ICMP type {(byte)icmp.Type} code {icmp.Code}, length {ip.Payload.Length}");
            default:
                return string.Create(CultureInfo.InvariantCulture, $"IP {src} > {dst}: protocol {(byte)ip.Protocol}, length {ip.Payload.Length}");
        }
    }

    private static string Flags(TcpFlags f)
    {
        var sb = new StringBuilder(6);
        if ((f & TcpFlags.Syn) != 0)
        {
            sb.Append('S');
        }

        if ((f & TcpFlags.Fin) != 0)
        {
            sb.Append('F');
        }

        if ((f & TcpFlags.Rst) != 0)
        {
            sb.Append('R');
        }

        if ((f & TcpFlags.Psh) != 0)
        {
            sb.Append('P');
        }

        if ((f & TcpFlags.Ack) != 0)
        {
            sb.Append('.');
        }

        return sb.ToString();
    }
}
