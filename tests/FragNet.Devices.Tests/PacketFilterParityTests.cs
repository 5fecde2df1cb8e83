using System.Text;

namespace FragNet.Devices.Tests;

/// <summary>
/// The filter's specification is tcpdump: for each expression of the table, the records PacketFilter matches are
/// exactly those <c>tcpdump -r</c> prints, on the real NFS capture and on the edge-case capture; and the normalized
/// expression (<see cref="PacketFilter.ToString"/>) means the same to tcpdump.
/// </summary>
public sealed class PacketFilterParityTests(EdgeCaseCaptureFile edgeCases) : IClassFixture<EdgeCaseCaptureFile>
{
    /// <summary>Expressions that deliberately match nothing in either capture.</summary>
    private static readonly string[] MatchNothing = ["host 192.0.2.99", "tcp dst port 9", "tcp[0 - 20] == 0x45", "ether[2 - 3] == 0"];

    public static readonly string[] Table =
    [
        // The talk's experiment and the brief's examples.
        "tcp dst port 2049 and ip[172:4] == 0xaaaaaaaa",
        "ip[184:4] == 0x55555555",
        "tcp[13] & 2 != 0",
        "tcp[tcpflags] & (tcp-syn|tcp-fin) != 0",
        "host 10.77.0.1 and not port 2049",
        "udp or arp",
        "net 10.77.0.0/24",
        "src port 20048",
        "tcp[((tcp[12] & 0xf0) >> 2):4] & 0xfff00000 == 0x80000000",
        "host 192.0.2.99",
        "tcp dst port 9",

        // Protocols.
        "ip",
        "arp",
        "tcp",
        "udp",
        "icmp",
        "ip proto 132",
        "ip and not tcp and not udp and not icmp",

        // Hosts and nets, with every direction; ARP and RARP addresses count for unqualified host.
        "src host 10.77.0.2",
        "dst host 10.77.0.1",
        "src or dst host 10.77.0.2",
        "ip host 10.77.0.1",
        "arp host 10.77.0.1",
        "host 10.77.0.9",
        "src and dst net 10.77.0.0/16",
        "dst net 10.77.0.0 mask 255.255.255.0",
        "net 10.77",
        "not net 10.77.0.0/16",

        // Ports: first fragments only; unqualified means TCP, UDP or SCTP; inherited ids.
        "port 2049",
        "port 2049 and not tcp",
        "sctp port 2049",
        "udp port 53",
        "tcp src port 2049 or 20048",
        "host 10.77.0.1 and (port 2049 or 20048)",
        "udp port 53 and (host 10.77.0.1) or 33000",
        "src and dst port 2049",

        // Loads, flags, constants.
        "icmp[icmptype] == icmp-echo",
        "icmp[icmptype] = icmp-echoreply or icmp[0] == 3",
        "icmp and not icmp[icmptype] == icmp-echo",
        "tcp[13] == tcp-syn|tcp-ack",
        "tcp[0:2] = 2049 || udp[2:2] = 53",
        "tcp[2:2] > 1023 and tcp[2:2] <= 2049",
        "tcp[12] >> 4 > 5",
        "udp[8:4] == 0x12345678",
        "ether[12:2] == 0x0806",
        "arp[7] == 1",
        "rarp or arp[6:2] == 2",
        "icmp[icmpcode] == 3 and icmp[icmptype] == icmp-unreach",
        "udp[udp[4:2] - 4:4] == 0xdeadbeef",
        "ether[0] & 1 != 0",
        "ether[0:4] ^ 0xffffffff == 0",
        "ip[0] & 0xf > 5",
        "(ip[0] & 0xf) * 4 == 24",
        "ip[6] & 0x20 = 0x20",
        "ip[6:2] & 0x1fff != 0",
        "ip[9] % 5 == 1",
        "!(tcp || udp) && !arp",
        "not tcp",

        // Arithmetic, lengths, computed offsets, out-of-bounds and division by zero.
        "len > 100 and ip[2:2] - 4 * (ip[0] & 0xf) > 20",
        "ip[2:2] != len - 14",
        "greater 200",
        "less 60",
        "tcp[-1 + 14] & 0x12 == 0x12",
        "-ip[8] + 64 == 0",
        "tcp[(ip[0] & 0xf) - 5 + 13] & 2 != 0",
        "ip[ip[0] & 0xf] >= 0",
        "ip[1000] == 0 or udp",
        "not ip[1000] == 0",
        "ip[0:4] / (ip[8] - 64) > 0",
        "ip[0] << ip[8] == 0",
        "ip[0 - 14] == 2",
        "tcp[0 - 20] == 0x45",
        "ether[2 - 3] == 0",
        "ether[0] == 2 or 1 == 1",
    ];

    public static TheoryData<string> Expressions => new(Table);

    [Fact]
    public void The_table_has_at_least_25_expressions_and_each_matches_something_unless_meant_not_to()
    {
        Assert.True(Table.Length >= 25, $"only {Table.Length} parity expressions");
        IReadOnlyList<PcapRecord> nfs = ReadAll(TestPaths.NfsCapture);
        IReadOnlyList<PcapRecord> edge = ReadAll(edgeCases.Path);
        foreach (string expression in Table)
        {
            PacketFilter f = PacketFilter.Compile(expression);
            int count = nfs.Concat(edge).Count(r => f.Matches(r.Data.Span, r.OriginalLength));
            if (MatchNothing.Contains(expression))
            {
                Assert.True(count == 0, $"'{expression}' was meant to match nothing but matched {count}");
            }
            else
            {
                Assert.True(count > 0, $"'{expression}' matches nothing: the parity check would prove little");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Expressions))]
    public void Matches_the_records_tcpdump_matches_in_the_real_nfs_capture(string expression) =>
        AssertSameAsTcpdump(TestPaths.NfsCapture, expression, expression, names: null);

    [Theory]
    [MemberData(nameof(Expressions))]
    public void Matches_the_records_tcpdump_matches_in_the_edge_case_capture(string expression) =>
        AssertSameAsTcpdump(edgeCases.Path, expression, expression, EdgeCaseCapture.All.Select(f => f.Name).ToList());

    [Theory]
    [MemberData(nameof(Expressions))]
    public void The_normalized_expression_means_the_same_to_tcpdump(string expression)
    {
        string normalized = PacketFilter.Compile(expression).ToString();
        Assert.Equal(normalized, PacketFilter.Compile(normalized).ToString());
        AssertSameAsTcpdump(edgeCases.Path, expression, normalized, EdgeCaseCapture.All.Select(f => f.Name).ToList());
    }

    private static IReadOnlyList<PcapRecord> ReadAll(string path)
    {
        using FileStream file = File.OpenRead(path);
        return PcapReader.ReadAll(file);
    }

    private static void AssertSameAsTcpdump(string path, string expression, string tcpdumpExpression, List<string>? names)
    {
        PacketFilter filter = PacketFilter.Compile(expression);
        IReadOnlyList<PcapRecord> records = ReadAll(path);
        List<long> ours = records
            .Where(r => filter.Matches(r.Data.Span, r.OriginalLength))
            .Select(r => r.TimestampNanoseconds)
            .ToList();
        List<long> tcpdump = ExternalTool.TcpdumpMatches(path, tcpdumpExpression);
        if (ours.SequenceEqual(tcpdump))
        {
            return;
        }

        var report = new StringBuilder();
        report.Append('\'').Append(expression).Append("' (tcpdump given '").Append(tcpdumpExpression)
            .Append("') differs from tcpdump on ").Append(Path.GetFileName(path)).Append(":\n");
        foreach (PcapRecord r in records)
        {
            bool a = ours.Contains(r.TimestampNanoseconds);
            bool b = tcpdump.Contains(r.TimestampNanoseconds);
            if (a != b)
            {
                string name = names is null ? string.Empty : names[(int)r.Number - 1];
                report.Append("  record ").Append(r.Number).Append(' ').Append(name).Append(": ours ")
                    .Append(a ? "match" : "no match").Append(", tcpdump ").Append(b ? "match" : "no match").Append('\n');
            }
        }

        report.Append(filter.Disassemble());
        Assert.Fail(report.ToString());
    }
}
