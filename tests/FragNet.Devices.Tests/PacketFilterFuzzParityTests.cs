using System.Globalization;
using System.Text;

namespace FragNet.Devices.Tests;

/// <summary>
/// Differential testing against tcpdump: random well-formed expressions from the supported language, generated from
/// a fixed seed, must match the records tcpdump matches in the edge-case capture — or both must refuse them.
/// </summary>
/// <remarks>
/// On a frame where every load of the expression is within the captured bytes (and no division is by zero), the
/// outcome is a pure function of the bytes and must be tcpdump's, exactly — except on the IPv6 frame, where tcpdump's
/// <c>tcp</c>, <c>udp</c> and <c>port</c> also look and ours do not. On a frame where some load faults, the outcome
/// depends on which tests libpcap's optimizer removed or reordered (it treats loads as free of side effects); the
/// compiler models its main rules, not every transformation (<c>or_pullup</c> and friends reorder tests), so a few
/// such frames may differ: at most 2% of the expressions.
/// </remarks>
public sealed class PacketFilterFuzzParityTests(EdgeCaseCaptureFile edgeCases) : IClassFixture<EdgeCaseCaptureFile>
{
    /// <summary>Expressions per run; FRAGNET_FILTER_FUZZ_EXPRESSIONS raises it (21,000 over seven seeds showed no
    /// difference on a frame where nothing faults).</summary>
    private static readonly int Expressions =
        int.TryParse(Environment.GetEnvironmentVariable("FRAGNET_FILTER_FUZZ_EXPRESSIONS"), out int n) && n > 0 ? n : 400;

    private static readonly string[] Hosts = ["10.77.0.1", "10.77.0.2", "10.77.0.5", "10.77.0.9", "192.0.2.7", "10.77.1.3"];
    private static readonly string[] Nets = ["10.77.0.0/16", "10.77.0.0/24", "10.0.0.0/8", "192.0.2.0/24", "10.77", "10.77.1.0 mask 255.255.255.0"];
    private static readonly string[] Ports = ["53", "2049", "20048", "33000", "700", "123", "5000", "40000"];
    private static readonly string[] Numbers = ["0", "1", "2", "4", "6", "13", "17", "0x12", "0x45", "64", "255", "0x1fff", "1000", "0xffffffff", "010"];
    private static readonly string[] Loads = ["ether", "ip", "arp", "tcp", "udp", "icmp"];
    private static readonly string[] ArithOps = ["+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"];
    private static readonly string[] Relations = ["==", "=", "!=", "<", "<=", ">", ">="];

    private sealed class Generator(int seed)
    {
        private readonly Random _rng = new(seed);

        private T Pick<T>(T[] items) => items[_rng.Next(items.Length)];

        public string Bool(int depth)
        {
            int choice = _rng.Next(depth <= 0 ? 3 : 8);
            return choice switch
            {
                0 => Primitive(),
                1 => Relation(2),
                2 => Pick(["ip", "arp", "rarp", "tcp", "udp", "icmp", "sctp"]),
                3 => $"not {Bool(depth - 1)}",
                4 => $"({Bool(depth - 1)})",
                5 or 6 => $"{Bool(depth - 1)} {Pick(["and", "or", "&&", "||"])} {Bool(depth - 1)}",
                _ => $"{Primitive()} or {Pick(Ports)}",
            };
        }

        private string Primitive()
        {
            string dir = Pick(["", "", "src ", "dst ", "src or dst ", "src and dst "]);
            return _rng.Next(6) switch
            {
                0 => $"{Pick(["", "", "ip ", "arp ", "rarp "])}{dir}host {Pick(Hosts)}",
                1 => $"{Pick(["", "ip ", "arp "])}{dir}net {Pick(Nets)}",
                2 => $"{Pick(["", "", "tcp ", "udp ", "sctp "])}{dir}port {Pick(Ports)}",
                3 => $"ip proto {Pick(["1", "6", "17", "132"])}",
                4 => $"{Pick(["less", "greater"])} {Pick(["60", "64", "100", "200", "1514"])}",
                _ => $"{(dir.Length == 0 ? "dst " : dir)}{Pick(Hosts)}", // a bare address after a direction is a host
            };
        }

        // A relation reads the frame: a comparison of constants alone is where libpcap's optimizer stops short of a
        // fixed point (see PacketFilter), which is not what this test is about.
        private string Relation(int depth)
        {
            while (true)
            {
                string relation = $"{Arith(depth)} {Pick(Relations)} {Arith(depth)}";
                if (relation.Contains('[', StringComparison.Ordinal) || relation.Contains("len", StringComparison.Ordinal))
                {
                    return relation;
                }
            }
        }

        private string Arith(int depth)
        {
            int choice = _rng.Next(depth <= 0 ? 3 : 7);
            return choice switch
            {
                0 => Pick(Numbers),
                1 => $"{Pick(Loads)}[{Pick(["0", "2", "6", "8", "9", "12", "13", "14", "16", "20", "24", "40", "100"])}{Pick(["", ":1", ":2", ":4"])}]",
                2 => Pick(["len", "tcpflags", "tcp-syn", "tcp-ack", "icmptype", "icmp-echo"]),
                3 => $"{Pick(Loads)}[{Arith(depth - 1)}{Pick(["", ":2", ":4"])}]",
                4 => $"-{Arith(depth - 1)}",
                5 => $"({Arith(depth - 1)} {Pick(ArithOps)} {Arith(depth - 1)})",
                _ => $"{Arith(depth - 1)} {Pick(ArithOps)} {Arith(depth - 1)}",
            };
        }
    }

    [Fact]
    public void Random_expressions_match_what_tcpdump_matches()
    {
        IReadOnlyList<PcapRecord> records;
        using (FileStream file = File.OpenRead(edgeCases.Path))
        {
            records = PcapReader.ReadAll(file);
        }

        int ipv6 = EdgeCaseCapture.All.Select(f => f.Name).ToList().IndexOf("ipv6 with no next header");
        Assert.True(ipv6 >= 0);
        var generator = new Generator(20111011);
        var failures = new StringBuilder();
        var gaps = new StringBuilder();
        int compared = 0;
        int gapCount = 0;
        for (int i = 0; i < Expressions; i++)
        {
            string expression = generator.Bool(3);
            bool ours = PacketFilter.TryCompile(expression, out PacketFilter? filter, out PacketFilterException? error);
            ExternalTool.Result check = ExternalTool.Run("tcpdump", "-d", "-y", "EN10MB", "--", expression);
            bool theirs = check.ExitCode == 0;
            if (!ours || !theirs)
            {
                bool bothRefuse = !ours && !theirs;
                // libpcap refuses filters its optimizer proves empty; ours compiles them (PacketFilter.MatchesNothing).
                bool provedEmpty = ours && check.StandardError.Contains("rejects all packets", StringComparison.Ordinal)
                    && records.All(r => !filter!.Matches(r.Data.Span, r.OriginalLength));
                if (!bothRefuse && !provedEmpty)
                {
                    failures.Append(CultureInfo.InvariantCulture, $"'{expression}': ours {(ours ? "compiles" : error!.Message)}, tcpdump {(theirs ? "compiles" : check.StandardError.Trim())}\n");
                }

                continue;
            }

            compared++;
            var expected = ExternalTool.TcpdumpMatches(edgeCases.Path, expression).Select(Index).ToHashSet();
            var actual = records.Where(r => filter!.Matches(r.Data.Span, r.OriginalLength))
                .Select(r => (int)r.Number - 1).ToHashSet();
            if (expected.SetEquals(actual))
            {
                continue;
            }

            var differing = new HashSet<int>(expected);
            differing.SymmetricExceptWith(actual);
            differing.Remove(ipv6);
            var pure = differing.Where(d => filter!.IsFaultFree(records[d].Data.Span, records[d].OriginalLength)).ToList();
            if (pure.Count > 0)
            {
                failures.Append(CultureInfo.InvariantCulture, $"'{expression}': differs on {string.Join(", ", pure.Select(d => EdgeCaseCapture.All[d].Name))}, where nothing faults\n");
            }
            else if (differing.Count > 0)
            {
                gapCount++;
                gaps.Append(CultureInfo.InvariantCulture, $"'{expression}': differs on {string.Join(", ", differing.Order().Select(d => EdgeCaseCapture.All[d].Name))}\n");
            }
        }

        Assert.True(failures.Length == 0, failures.ToString());
        Assert.True(compared > Expressions / 2, $"only {compared} of {Expressions} random expressions compiled on both sides");
        Assert.True(gapCount * 50 <= compared, $"{gapCount} of {compared} expressions differ on frames where a load faults:\n{gaps}");
    }

    private static int Index(long nanoseconds) =>
        (int)(((nanoseconds / 1000) - (EdgeCaseCapture.FirstSecond * 1_000_000)) / 1000);
}
