using System.Buffers.Binary;

namespace FragNet.Devices.Tests;

/// <summary>
/// A capture built to probe filter semantics where implementations go wrong: IP options (transport offset from IHL),
/// first and non-first fragments (ports and transport loads only on the first), frames cut short at every header
/// (out-of-bounds loads reject the frame), a record captured shorter than it was on the wire (<c>len</c> is the wire
/// length), ARP and RARP (<c>host</c> matches their protocol addresses), SCTP (an unqualified <c>port</c> matches it),
/// and frames that are not IPv4 at all (IPv6, a VLAN tag, 802.3 LLC). Record i is stamped 1700000000 s + i ms.
/// </summary>
internal static class EdgeCaseCapture
{
    public const long FirstSecond = 1_700_000_000;

    public readonly record struct Frame(string Name, byte[] Bytes, int WireLength);

    public static IReadOnlyList<Frame> All { get; } = Build();

    public static Instant TimestampOf(int index) => Instant.FromMicroseconds((FirstSecond * 1_000_000) + (index * 1000L));

    public static long NanosecondsOf(int index) => TimestampOf(index).TotalMicroseconds * 1000;

    /// <summary>Writes the capture to <paramref name="path"/> with <see cref="PcapWriter"/>.</summary>
    public static void Write(string path)
    {
        using var writer = new PcapWriter(File.Create(path));
        for (int i = 0; i < All.Count; i++)
        {
            writer.WritePacket(TimestampOf(i), All[i].Bytes, All[i].WireLength);
        }
    }

    private static List<Frame> Build()
    {
        var frames = new List<Frame>();
        void Add(string name, byte[] bytes, int? wire = null) => frames.Add(new Frame(name, bytes, wire ?? bytes.Length));

        byte[] rpcCall = Frames.Concat([0x80, 0x00, 0x00, 0x48], Frames.Fill(72, 0x11));
        byte[] aa = Frames.Fill(300, 0xAA);
        byte[] fives = Frames.Concat(Frames.Fill(132, 0x00), Frames.Fill(64, 0x55));
        byte[] routerAlert = [0x94, 0x04, 0x00, 0x00];
        byte[] longOptions = Frames.Concat([0x07, 39, 4], Frames.Fill(36, 0), [1]); // record route + NOP: 40 bytes

        Add("tcp syn client->nfs", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1",
            Frames.Tcp(40000, 2049, 0x02, [], Frames.SynOptions()))));
        Add("tcp syn-ack nfs->client", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.1", "10.77.0.2",
            Frames.Tcp(2049, 40000, 0x12, [], Frames.SynOptions())), Frames.MacClient, Frames.MacServer));
        Add("tcp rpc call with record mark", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1",
            Frames.Tcp(40000, 2049, 0x18, rpcCall, [1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7]))));
        Add("tcp fin from nfs", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.1", "10.77.0.2",
            Frames.Tcp(2049, 40000, 0x11, [])), Frames.MacClient, Frames.MacServer));
        Add("tcp rst from mountd", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.1", "10.77.0.2",
            Frames.Tcp(20048, 700, 0x14, [])), Frames.MacClient, Frames.MacServer));
        Add("tcp with ip router-alert option, 0xaa data", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1",
            Frames.Tcp(40001, 2049, 0x18, aa), options: routerAlert)));
        Add("tcp with 60-byte ip and tcp headers", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1",
            Frames.Tcp(40002, 2049, 0x10, aa, Frames.Concat(Frames.Fill(39, 1), [0])), options: longOptions)));
        Add("tcp with 0x55 data at ip[184]", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1",
            Frames.Tcp(40000, 2049, 0x18, fives, [1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7]))));
        Add("udp dns query", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(17, "10.77.0.5", "10.77.0.1",
            Frames.Udp(33000, 53, [0x12, 0x34, 0x56, 0x78, 1, 0, 0, 1]))));
        Add("udp dns reply", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(17, "10.77.0.1", "10.77.0.5",
            Frames.Udp(53, 33000, [0x12, 0x34, 0x81, 0x80, 0, 0, 0, 1])), Frames.MacClient, Frames.MacServer));
        Add("udp nfs 2049 -> 2049", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(17, "10.77.0.2", "10.77.0.1",
            Frames.Udp(2049, 2049, Frames.Fill(12, 0x33)))));
        Add("udp datagram of 1100 bytes", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(17, "10.77.0.2", "10.77.0.1",
            Frames.Udp(40000, 9000, new byte[1072]))));
        Add("udp first fragment to port 53", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(17, "10.77.0.5", "10.77.0.1",
            Frames.Udp(33001, 53, Frames.Fill(64, 0x42)), fragment: 0x2000)));
        Add("udp non-first fragment that looks like port 53", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(17, "10.77.0.5", "10.77.0.1",
            [0x00, 0x35, 0x00, 0x35, 0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x56, 0x78], fragment: 185)));
        Add("tcp non-first fragment that looks like a syn to 2049", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1",
            Frames.Tcp(2049, 2049, 0x02, Frames.Fill(8, 0)), fragment: 0x2000 | 3)));
        Add("icmp echo request", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(1, "10.77.0.2", "10.77.0.1",
            Frames.Icmp(8, 0, Frames.Fill(16, 0x61)))));
        Add("icmp echo reply", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(1, "10.77.0.1", "10.77.0.2",
            Frames.Icmp(0, 0, Frames.Fill(16, 0x61))), Frames.MacClient, Frames.MacServer));
        Add("icmp port unreachable", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(1, "10.77.0.1", "10.77.0.5",
            Frames.Icmp(3, 3, Frames.Ipv4(17, "10.77.0.5", "10.77.0.1", Frames.Udp(33002, 9, [])))), Frames.MacClient, Frames.MacServer));
        Add("icmp non-first fragment", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(1, "10.77.0.2", "10.77.0.1",
            Frames.Icmp(8, 0, Frames.Fill(8, 0)), fragment: 2)));
        Add("arp who-has 10.77.0.1 tell 10.77.0.2", Frames.Ethernet(Frames.EtherTypeArp,
            Frames.Concat(Frames.Arp(1, Frames.MacClient, "10.77.0.2", new byte[6], "10.77.0.1"), new byte[18]), Frames.MacBroadcast));
        Add("arp reply 10.77.0.1 is-at", Frames.Ethernet(Frames.EtherTypeArp,
            Frames.Concat(Frames.Arp(2, Frames.MacServer, "10.77.0.1", Frames.MacClient, "10.77.0.2"), new byte[18]), Frames.MacClient, Frames.MacServer));
        Add("rarp from 10.77.0.9", Frames.Ethernet(Frames.EtherTypeRarp,
            Frames.Concat(Frames.Arp(4, Frames.MacServer, "10.77.0.9", Frames.MacClient, "10.77.0.2"), new byte[18]), Frames.MacBroadcast));
        Add("sctp to port 2049", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(132, "10.77.0.2", "10.77.0.1", Frames.Sctp(5000, 2049))));
        Add("udp from outside 10.77/16", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(17, "192.0.2.7", "10.77.0.1",
            Frames.Udp(4000, 4001, [0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0]), ttl: 65)));
        Add("udp to 10.77.1.3 with ttl 63", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(17, "10.77.0.2", "10.77.1.3",
            Frames.Udp(4000, 4001, [0xde, 0xad, 0xbe, 0xef]), ttl: 63)));
        Add("udp with ethernet padding", Frames.Concat(Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(17, "10.77.0.2", "10.77.0.1",
            Frames.Udp(123, 123, [1, 2]))), new byte[16]));
        Add("ipv4 with ihl 2 (malformed)", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1",
            Frames.Tcp(2049, 2049, 0x02, []), ihlOverride: 2)));
        Add("frame of 10 bytes", Frames.Fill(10, 0xff));
        Add("ethernet header only, type ip", Frames.Ethernet(Frames.EtherTypeIp, []));
        Add("ip header cut before protocol", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1", Frames.Tcp(40000, 2049, 2, [])).AsSpan(0, 6)));
        Add("ip header cut before destination", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1", Frames.Tcp(40000, 2049, 2, [])).AsSpan(0, 16)));
        Add("tcp header cut after ports", Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1", Frames.Tcp(40000, 2049, 2, [])).AsSpan(0, 24)));
        Add("arp cut before target address", Frames.Ethernet(Frames.EtherTypeArp,
            Frames.Arp(1, Frames.MacClient, "10.77.0.2", new byte[6], "10.77.0.1").AsSpan(0, 20), Frames.MacBroadcast));
        byte[] big = Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(6, "10.77.0.2", "10.77.0.1",
            Frames.Tcp(40003, 2049, 0x18, Frames.Fill(1448, 0xAA), [1, 1, 8, 10, 0, 0, 0, 9, 0, 0, 0, 7])));
        Add("1514-byte write captured at 96 bytes", big.AsSpan(0, 96).ToArray(), big.Length);

        byte[] ipv6 = new byte[40 + 8];
        ipv6[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ipv6.AsSpan(4), 8);
        ipv6[6] = 59; // no next header
        ipv6[7] = 64;
        Add("ipv6 with no next header", Frames.Ethernet(0x86dd, ipv6));
        Add("vlan-tagged tcp", Frames.Ethernet(0x8100, Frames.Concat([0x00, 0x0a, 0x08, 0x00],
            Frames.Ipv4(6, "10.77.0.2", "10.77.0.1", Frames.Tcp(40000, 2049, 0x02, [])))));
        Add("802.3 llc (stp)", Frames.Ethernet(0x0026, Frames.Concat([0x42, 0x42, 0x03], Frames.Fill(35, 0)),
            [0x01, 0x80, 0xc2, 0x00, 0x00, 0x00]));
        return frames;
    }
}
