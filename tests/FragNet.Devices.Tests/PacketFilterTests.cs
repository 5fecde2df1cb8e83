using CsCheck;

namespace FragNet.Devices.Tests;

public sealed class PacketFilterTests
{
    // ---- Parse errors: a PacketFilterException naming the token and its position, never a crash. ----

    /// <summary>(expression, position, token, part of the reason, whether tcpdump rejects it too).</summary>
    public static TheoryData<string, int, string, string, bool> Malformed => new()
    {
        { "tcp dst port", 12, "", "port number", true },
        { "port abc", 5, "abc", "names are not resolved", true },
        { "ip6", 0, "ip6", "IPv6 is not supported", false },
        { "vlan and tcp", 0, "vlan", "VLAN", false },
        { "host 1.2.3.4.5", 5, "1.2.3.4.5", "invalid IPv4 address", true },
        { "ip[1:3] == 1", 5, "3", "data size must be 1, 2, or 4", true },
        { "(tcp", 4, "", "expected ')'", true },
        { "tcp)", 3, ")", "unbalanced ')'", true },
        { "1 ==", 4, "", "expected a number", true },
        { "tcp port 70000", 9, "70000", "illegal port number 70000 > 65535", true },
        { "net 10.77.0.1/24", 4, "10.77.0.1", "non-network bits set in \"10.77.0.1/24\"", true },
        { "net 10.0.0.0/33", 13, "33", "mask length must be <= 32", true },
        { "ip port 80", 3, "port", "illegal qualifier of 'port'", true },
        { "tcp host 1.2.3.4", 4, "host", "'tcp' modifier applied to host", true },
        { "udp src net 10.0.0.0/8", 8, "net", "'udp' modifier applied to net", true },
        { "08 == 1", 0, "08", "non-octal digit", true },
        { "4294967296 == 1", 0, "4294967296", "overflows 32 bits", true },
        { "0x100000000 == 1", 0, "0x100000000", "overflows 32 bits", true },
        { "ip[0] / 0 == 1", 6, "/", "division by zero", true },
        { "ip[0] % (2 - 2) == 1", 6, "%", "modulus by zero", true },
        { "ip[0] << 32 == 0", 6, "<<", "shift by more than 31 bits", true },
        { "ether[1] / ether[0] == 0", 9, "/", "division by zero", true },
        { "ether[1] >> ip[40] == 0", 9, ">>", "shift by more than 31 bits", true },
        { "ether[1] << (20 + 20) == 0", 9, "<<", "shift by more than 31 bits", true },
        { "and", 0, "and", "expected a primitive", true },
        { "not", 3, "", "primitive", true },
        { "tcp and", 7, "", "primitive", true },
        { "tcp $ udp", 4, "$", "unexpected character '$'", true },
        { "tcp and 80", 8, "80", "no qualifier to inherit", true },
        { "10.0.0.1", 0, "10.0.0.1", "needs a qualifier", true },
        { "ip[0] == 1 == 1", 11, "==", "expected 'and', 'or'", true },
        { "len-1 > 0", 0, "len-1", "unknown name", true },
        { "tcp[13", 6, "", "expected ']'", true },
        { "host", 4, "", "IPv4 address", true },
        { "ether host 1.2.3.4", 6, "host", "MAC address", true },
        { "tcp[tcpflags] & tcp-bogus != 0", 16, "tcp-bogus", "expected a number", true },
        { "src port 53 or", 14, "", "primitive", true },
        { "ip proto abc", 9, "abc", "protocol number", true },
        { "greater", 7, "", "takes a length", true },
        { "tcp[13] & 2 != 0 port 80", 17, "port", "expected 'and', 'or'", true },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_expression_is_reported_with_its_token_and_position(
        string expression, int position, string token, string reason, bool tcpdumpRejectsIt)
    {
        var e = Assert.Throws<PacketFilterException>(() => PacketFilter.Compile(expression));
        Assert.Equal(position, e.Position);
        Assert.Equal(token, e.Token);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Contains($"position {position}", e.Message, StringComparison.Ordinal);
        Assert.Equal(expression, e.Expression);

        Assert.False(PacketFilter.TryCompile(expression, out PacketFilter? f, out PacketFilterException? error));
        Assert.Null(f);
        Assert.Equal(e.Message, error.Message);

        if (tcpdumpRejectsIt)
        {
            ExternalTool.Result r = ExternalTool.Run("tcpdump", "-d", "-y", "EN10MB", "--", expression);
            Assert.True(r.ExitCode != 0, $"tcpdump accepts '{expression}', which we reject:\n{r}");
        }
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_an_error_not_a_stack_overflow()
    {
        string deep = new string('(', 100_000) + "tcp" + new string(')', 100_000);
        var e = Assert.Throws<PacketFilterException>(() => PacketFilter.Compile(deep));
        Assert.Contains("too deeply nested", e.Message, StringComparison.Ordinal);

        string notChain = string.Concat(Enumerable.Repeat("not ", 50_000)) + "tcp";
        Assert.Throws<PacketFilterException>(() => PacketFilter.Compile(notChain));

        string sum = "ip[0]" + string.Concat(Enumerable.Repeat(" + 1", 50_000)) + " == 0";
        Assert.Throws<PacketFilterException>(() => PacketFilter.Compile(sum));
    }

    [Fact]
    public void A_long_list_of_alternatives_stays_flat_and_compiles()
    {
        string hosts = "host " + string.Join(" or ", Enumerable.Range(1, 2000).Select(i => $"10.{i / 256}.{i % 256}.1"));
        PacketFilter f = PacketFilter.Compile(hosts);
        byte[] frame = Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(17, "10.7.208.1", "10.77.0.1", Frames.Udp(1, 2, [])));
        Assert.True(f.Matches(frame)); // 2000 = 7 * 256 + 208
    }

    // ---- The normalized expression. ----

    [Theory]
    [InlineData("", "")]
    [InlineData("tcp dst port 2049 or 111", "tcp dst port 2049 or tcp dst port 111")]
    [InlineData("tcp or udp and port 53", "(tcp or udp) and port 53")]
    [InlineData("tcp or (udp and port 53)", "tcp or (udp and port 53)")]
    [InlineData("src or dst host 10.0.0.1", "host 10.0.0.1")]
    [InlineData("dst and src host 10.0.0.1", "src and dst host 10.0.0.1")]
    [InlineData("!tcp && ip[0]&0xf!=5", "not tcp and ip[0] & 0xf != 5")]
    [InlineData("net 10.77", "net 10.77.0.0/16")]
    [InlineData("host 10.77", "net 10.77.0.0/16")]
    [InlineData("net 10", "net 10.0.0.0/8")]
    [InlineData("net 10.0.0.0 mask 255.0.255.0", "net 10.0.0.0 mask 255.0.255.0")]
    [InlineData("ip[2:1] = 5", "ip[2] == 5")]
    [InlineData("tcp[tcpflags] & (tcp-syn|tcp-fin) != 0", "tcp[tcpflags] & (tcp-syn | tcp-fin) != 0")]
    [InlineData("host 1.2.3.4 and not 5.6.7.8", "host 1.2.3.4 and not host 5.6.7.8")]
    [InlineData("host 1.2.3.4 and (5.6.7.8 or 9.9.9.9)", "host 1.2.3.4 and (host 5.6.7.8 or host 9.9.9.9)")]
    [InlineData("port 53 and (host 1.2.3.4) or 80", "(port 53 and host 1.2.3.4) or port 80")]
    [InlineData("-(1+ip[0]) == 0", "-(1 + ip[0]) == 0")]
    [InlineData("1 - (2 - ip[0]) == 0", "1 - (2 - ip[0]) == 0")]
    [InlineData("(1 - 2) - ip[0] == 0", "1 - 2 - ip[0] == 0")]
    [InlineData("ip[0] | 1 ^ 2 & 3 << 1 + 2 * 3 == 0", "ip[0] | 1 ^ 2 & 3 << 1 + 2 * 3 == 0")]
    [InlineData("((ip[0] | 1) ^ 2) == 0", "(ip[0] | 1) ^ 2 == 0")]
    [InlineData("ether[0] % 3 * 2 == 0", "ether[0] % 3 * 2 == 0")]
    [InlineData("(ether[0] % 3) * 2 == 0", "(ether[0] % 3) * 2 == 0")]
    [InlineData("ether[0] & 3 ^ 2 | 1 == 0", "ether[0] & 3 ^ 2 | 1 == 0")]
    [InlineData("-ether[0] % 3 == 0", "-(ether[0] % 3) == 0")]
    [InlineData("(-ether[0]) % 3 == 0", "(-ether[0]) % 3 == 0")]
    [InlineData("not (tcp or udp)", "not (tcp or udp)")]
    [InlineData("ip proto 6 or 17", "ip proto 6 or ip proto 17")]
    [InlineData("greater 100 and less 200", "greater 100 and less 200")]
    [InlineData("tcp[0x0d] = 0X12 || 010 = 8", "tcp[0xd] == 0x12 or 8 == 8")]
    public void The_normalized_expression_spells_everything_out(string expression, string normalized)
    {
        PacketFilter f = PacketFilter.Compile(expression);
        Assert.Equal(normalized, f.ToString());
        Assert.Equal(expression, f.Expression);
        Assert.Equal(normalized, PacketFilter.Compile(normalized).ToString());
    }

    // ---- Semantics on hand-built frames (tcpdump parity covers the same ground on whole captures). ----

    private static readonly byte[] SynWithIpOptions = Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(
        6, "10.77.0.2", "10.77.0.1", Frames.Tcp(40000, 2049, 0x02, []), options: [0x94, 0x04, 0x00, 0x00]));

    private static readonly byte[] NonFirstFragment = Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(
        6, "10.77.0.2", "10.77.0.1", Frames.Tcp(2049, 2049, 0x02, []), fragment: 0x2000 | 1));

    [Fact]
    public void Transport_loads_find_the_header_from_the_ihl()
    {
        Assert.True(PacketFilter.Compile("tcp[13] == tcp-syn").Matches(SynWithIpOptions));
        Assert.True(PacketFilter.Compile("tcp dst port 2049").Matches(SynWithIpOptions));
        Assert.False(PacketFilter.Compile("ip[20 + 13] == 2").Matches(SynWithIpOptions)); // the option's bytes
        Assert.True(PacketFilter.Compile("ip[24 + 13] == 2").Matches(SynWithIpOptions));
    }

    [Fact]
    public void A_non_first_fragment_has_no_ports_and_no_transport_header()
    {
        Assert.True(PacketFilter.Compile("tcp").Matches(NonFirstFragment));
        Assert.False(PacketFilter.Compile("port 2049").Matches(NonFirstFragment));
        Assert.False(PacketFilter.Compile("tcp[13] & 2 != 0").Matches(NonFirstFragment));
        Assert.True(PacketFilter.Compile("not tcp[13] & 2 != 0").Matches(NonFirstFragment));
    }

    [Fact]
    public void A_load_past_the_captured_bytes_rejects_the_frame_even_under_not()
    {
        byte[] shortTcp = SynWithIpOptions.AsSpan(0, 14 + 24 + 4).ToArray(); // ports only
        Assert.True(PacketFilter.Compile("tcp port 40000").Matches(shortTcp));
        Assert.False(PacketFilter.Compile("tcp[13] == 2").Matches(shortTcp));
        Assert.False(PacketFilter.Compile("not tcp[13] == 2").Matches(shortTcp));
        Assert.False(PacketFilter.Compile("tcp[13] == 2 or udp").Matches(shortTcp)); // the fault comes first
        Assert.True(PacketFilter.Compile("ip or tcp[13] == 2").Matches(shortTcp));   // never evaluated
        Assert.True(PacketFilter.Compile("tcp[13] == 2 or ip").Matches(shortTcp));   // tcpdump reduces it to "ip"
        Assert.False(PacketFilter.Compile("not ip").Matches(new byte[13]));         // the ether type itself is cut
    }

    [Fact]
    public void Len_is_the_wire_length_and_loads_see_only_the_captured_bytes()
    {
        PacketFilter f = PacketFilter.Compile("len == 1514");
        Assert.True(f.Matches(SynWithIpOptions, 1514));
        Assert.False(f.Matches(SynWithIpOptions));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Matches(SynWithIpOptions, -1));
    }

    [Fact]
    public void Division_by_a_computed_zero_rejects_the_frame_and_big_shifts_give_zero()
    {
        byte[] ttl64 = SynWithIpOptions;
        Assert.False(PacketFilter.Compile("ip[0] / (ip[8] - 64) >= 0").Matches(ttl64));
        Assert.False(PacketFilter.Compile("not ip[0] % (ip[8] - 64) == 7").Matches(ttl64));
        Assert.True(PacketFilter.Compile("ip[0] << ip[8] == 0").Matches(ttl64));
        Assert.True(PacketFilter.Compile("ip[0] >> (ip[8] - 32) == 0").Matches(ttl64));
        Assert.True(PacketFilter.Compile("ip[0] << (ip[8] - 35) == 0xc0000000").Matches(ttl64)); // 0x46 << 29 wraps
    }

    [Fact]
    public void Arithmetic_is_unsigned_32_bit_with_wrap_around()
    {
        byte[] f = SynWithIpOptions;
        Assert.True(PacketFilter.Compile("ip[8] - 65 == 0xffffffff").Matches(f));
        Assert.True(PacketFilter.Compile("-ip[8] == 4294967232").Matches(f));
        Assert.True(PacketFilter.Compile("ip[8] - 65 > 1000").Matches(f)); // unsigned comparison
        Assert.True(PacketFilter.Compile("0x10000 * 0x10000 + 1 == 1").Matches(f)); // folded with wrap-around
    }

    [Fact]
    public void The_empty_expression_matches_every_frame_even_an_empty_one()
    {
        Assert.True(PacketFilter.MatchAll.Matches([]));
        Assert.True(PacketFilter.Compile("   ").Matches([1, 2, 3]));
        Assert.Equal(string.Empty, PacketFilter.MatchAll.ToString());
    }

    [Fact]
    public void A_filter_that_can_match_nothing_compiles_and_says_so()
    {
        Assert.True(PacketFilter.Compile("1 == 0").MatchesNothing);
        Assert.True(PacketFilter.Compile("tcp and udp").MatchesNothing);
        Assert.True(PacketFilter.Compile("ip proto 6 and not tcp").MatchesNothing);
        Assert.False(PacketFilter.Compile("tcp or udp").MatchesNothing);
        Assert.False(PacketFilter.MatchAll.MatchesNothing);
    }

    [Fact]
    public void Tests_whose_outcome_is_known_are_removed_with_their_loads_as_libpcap_optimizes_them()
    {
        byte[] tooShort = new byte[10];
        Assert.True(PacketFilter.Compile("not (tcp and udp)").Matches(tooShort));   // tcpdump: "ret #262144"
        Assert.True(PacketFilter.Compile("not tcp[0] == udp[0]").Matches(tooShort));
        Assert.False(PacketFilter.Compile("not tcp").Matches(tooShort));            // the ether type load is made

        // (ip and icmp and <anything>) or (ip and icmp) is "ip and icmp": the rest is never loaded.
        PacketFilter f = PacketFilter.Compile("icmp[100:4] == 1 or icmp");
        byte[] echo = Frames.Ethernet(Frames.EtherTypeIp, Frames.Ipv4(1, "10.77.0.2", "10.77.0.1", Frames.Icmp(8, 0, [])));
        Assert.True(f.Matches(echo));
        Assert.True(PacketFilter.Compile("icmp and icmp[100] * 0 == 0").Matches(echo)); // x * 0 is 0, unloaded
    }

    [Fact]
    public void Constant_subexpressions_are_folded_as_libpcap_optimizes_them()
    {
        PacketFilter f = PacketFilter.Compile("ether[100] == 1 or 1 == 1");
        Assert.True(f.Matches(new byte[3])); // tcpdump compiles this to "ret #262144"
        Assert.Equal(1, f.ProgramLength);
    }

    // ---- Robustness properties. ----

    private static readonly string[] PropertyFilters =
    [
        "tcp dst port 2049 and ip[172:4] == 0xaaaaaaaa",
        "tcp[((tcp[12] & 0xf0) >> 2):4] == 0x80000000",
        "host 10.77.0.1 and not port 2049",
        "net 10.77.0.0/24 or arp host 10.77.0.1 or rarp",
        "tcp[tcp[12] >> 4] + udp[udp[0]] / (icmp[1] | 1) > ether[ether[0]:4] % 7",
        "ip[ip[0] - 14:4] << ip[1] >= -len",
        "icmp[icmptype] == icmp-echo or sctp port 5",
        "greater 10 and less 2000 and ip proto 17",
    ];

    [Fact]
    public void Random_frames_never_make_matching_throw()
    {
        PacketFilter[] filters = PropertyFilters.Select(PacketFilter.Compile).ToArray();
        Gen.Select(Gen.Byte.Array[0, 120], Gen.Int[0, 2000], Gen.Int[0, 15])
            .Sample(
                (bytes, wire, ihl) =>
                {
                    if (bytes.Length > 14)
                    {
                        bytes[14] = (byte)(0x40 | ihl); // make ihl-relative loads likely to go anywhere
                    }

                    if (bytes.Length > 13)
                    {
                        bytes[12] = 0x08; // mostly IPv4, so the deeper code runs
                        bytes[13] = 0x00;
                    }

                    foreach (PacketFilter f in filters)
                    {
                        _ = f.Matches(bytes);
                        _ = f.Matches(bytes, wire);
                    }
                },
                iter: 20_000,
                seed: "0N0XIzNsQ0O2");
    }

    private static readonly string[] Vocabulary =
    [
        "tcp", "udp", "icmp", "ip", "arp", "ether", "host", "net", "port", "src", "dst", "and", "or", "not", "!",
        "&&", "||", "(", ")", "[", "]", ":", "==", "!=", "<", "<=", ">", ">=", "=", "+", "-", "*", "/", "%", "&", "|",
        "^", "<<", ">>", "0", "1", "2", "4", "13", "2049", "0xff", "010", "10.77.0.1", "10.77", "/", "24", "mask",
        "255.255.0.0", "tcpflags", "tcp-syn", "icmp-echo", "len", "less", "greater", "proto", "ip6", "$", "08",
        "4294967296", "tcp[13]", "ip[0]", "udp[2:2]",
    ];

    [Fact]
    public void Random_token_soup_compiles_or_fails_with_a_filter_exception_and_never_crashes()
    {
        int compiled = 0;
        Gen.Select(Gen.OneOfConst(Vocabulary).Array[0, 14], Gen.Byte.Array[0, 80])
            .Sample(
                (tokens, frame) =>
                {
                    string expression = string.Join(' ', tokens);
                    if (!PacketFilter.TryCompile(expression, out PacketFilter? f, out PacketFilterException? error))
                    {
                        Assert.InRange(error.Position, 0, expression.Length);
                        return;
                    }

                    compiled++;
                    _ = f.Matches(frame);
                    string normalized = f.ToString();
                    Assert.Equal(normalized, PacketFilter.Compile(normalized).ToString());
                },
                iter: 30_000,
                seed: "0N0XIzNsQ0O2");
        Assert.True(compiled > 100, $"only {compiled} random expressions compiled: the generator proves little");
    }
}
