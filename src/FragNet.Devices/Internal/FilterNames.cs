using System.Globalization;

namespace FragNet.Devices.Internal;

/// <summary>The words of the filter language and how the normalized form spells things.</summary>
internal static class FilterNames
{
    /// <summary>pcap-filter(7)'s named constants: header offsets and field values usable in expressions.</summary>
    public static readonly IReadOnlyDictionary<string, uint> Constants = new Dictionary<string, uint>(StringComparer.Ordinal)
    {
        ["icmptype"] = 0,
        ["icmpcode"] = 1,
        ["icmp-echoreply"] = 0,
        ["icmp-unreach"] = 3,
        ["icmp-sourcequench"] = 4,
        ["icmp-redirect"] = 5,
        ["icmp-echo"] = 8,
        ["icmp-routeradvert"] = 9,
        ["icmp-routersolicit"] = 10,
        ["icmp-timxceed"] = 11,
        ["icmp-paramprob"] = 12,
        ["icmp-tstamp"] = 13,
        ["icmp-tstampreply"] = 14,
        ["icmp-ireq"] = 15,
        ["icmp-ireqreply"] = 16,
        ["icmp-maskreq"] = 17,
        ["icmp-maskreply"] = 18,
        ["tcpflags"] = 13,
        ["tcp-fin"] = 0x01,
        ["tcp-syn"] = 0x02,
        ["tcp-rst"] = 0x04,
        ["tcp-push"] = 0x08,
        ["tcp-ack"] = 0x10,
        ["tcp-urg"] = 0x20,
        ["tcp-ece"] = 0x40,
        ["tcp-cwr"] = 0x80,
    };

    /// <summary>Words of pcap-filter(7) this implementation deliberately does not accept, with the reason given.</summary>
    public static readonly IReadOnlyDictionary<string, string> Unsupported = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ip6"] = "IPv6 is not supported: this filter reads IPv4 over Ethernet",
        ["icmp6"] = "IPv6 is not supported: this filter reads IPv4 over Ethernet",
        ["vlan"] = "VLAN tags are not supported",
        ["mpls"] = "MPLS is not supported",
        ["gateway"] = "'gateway' needs host name resolution, which this filter does not do",
        ["portrange"] = "'portrange' is not supported",
        ["broadcast"] = "'broadcast' is not supported",
        ["multicast"] = "'multicast' is not supported",
        ["protochain"] = "'protochain' is not supported",
        ["igmp"] = "'igmp' is not supported",
        ["link"] = "'link' is not supported; write 'ether'",
        ["inbound"] = "'inbound' needs capture metadata a frame does not carry",
        ["outbound"] = "'outbound' needs capture metadata a frame does not carry",
    };

    public static bool TryProto(string word, out FilterProto proto)
    {
        proto = word switch
        {
            "ether" => FilterProto.Ether,
            "ip" => FilterProto.Ip,
            "arp" => FilterProto.Arp,
            "rarp" => FilterProto.Rarp,
            "tcp" => FilterProto.Tcp,
            "udp" => FilterProto.Udp,
            "icmp" => FilterProto.Icmp,
            "sctp" => FilterProto.Sctp,
            _ => FilterProto.Default,
        };
        return proto != FilterProto.Default;
    }

    public static string Of(FilterProto proto) => proto switch
    {
        FilterProto.Ether => "ether",
        FilterProto.Ip => "ip",
        FilterProto.Arp => "arp",
        FilterProto.Rarp => "rarp",
        FilterProto.Tcp => "tcp",
        FilterProto.Udp => "udp",
        FilterProto.Icmp => "icmp",
        FilterProto.Sctp => "sctp",
        _ => string.Empty,
    };

    public static string Of(FilterArithOp op) => op switch
    {
        FilterArithOp.Add => "+",
        FilterArithOp.Sub => "-",
        FilterArithOp.Mul => "*",
        FilterArithOp.Div => "/",
        FilterArithOp.Mod => "%",
        FilterArithOp.And => "&",
        FilterArithOp.Or => "|",
        FilterArithOp.Xor => "^",
        FilterArithOp.ShiftLeft => "<<",
        _ => ">>",
    };

    public static string Of(FilterRelation op) => op switch
    {
        FilterRelation.Equal => "==",
        FilterRelation.NotEqual => "!=",
        FilterRelation.Less => "<",
        FilterRelation.LessEqual => "<=",
        FilterRelation.Greater => ">",
        _ => ">=",
    };

    public static string Dotted(uint address) => string.Create(
        CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 0xff}.{(address >> 8) & 0xff}.{address & 0xff}");
}
