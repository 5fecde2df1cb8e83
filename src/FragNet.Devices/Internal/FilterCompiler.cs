namespace FragNet.Devices.Internal;

/// <summary>
/// Compiles a filter's syntax tree into a <see cref="FilterProgram"/> with the meaning libpcap gives it
/// (<c>gencode.c</c>, then <c>optimize.c</c> through <see cref="FilterGraph"/>), so that a frame is accepted exactly
/// when <c>tcpdump -r</c> accepts it:
/// <list type="bullet">
/// <item><b>Protocol guards.</b> A load from a protocol's header is guarded by that protocol's test, evaluated first:
/// <c>ip[i]</c> by <c>ip</c> (ether type 0x0800), <c>arp[i]</c> by <c>arp</c>, <c>tcp[i]</c>, <c>udp[i]</c>,
/// <c>icmp[i]</c> by the IPv4 protocol field <i>and</i> "first or only fragment" (<c>ip[6:2] &amp; 0x1fff == 0</c>).
/// A relation is (guards of its loads) and (comparison), so <c>tcp[13] != 0</c> is false for a UDP datagram while
/// <c>not tcp[13] == 0</c> is true. Port tests carry the same fragment guard. An arithmetic operator keeps the guards
/// of its left operand only, because libpcap's <c>gen_arth</c> drops the right one's: <c>udp[0] + tcp[0] == 0</c> is
/// guarded by <c>udp</c> alone and its <c>tcp[0]</c> reads whatever is there.</item>
/// <item><b>Offsets.</b> <c>ip[]</c> counts from byte 14 (Ethernet II, no VLAN tag); transport loads from
/// 14 + 4 × IHL, the IPv4 header length from the frame, options included. A constant index is folded into the
/// offset modulo 2^32, a computed one is added at run time without wrap-around, as in libpcap's optimized code.</item>
/// <item><b>Out of bounds.</b> A load past the captured bytes rejects the whole frame, whatever <c>not</c> or
/// <c>or</c> surrounds it, as BPF returns 0; so do division and modulo by a computed zero.</item>
/// <item><b>Primitives.</b> <c>host</c>/<c>net</c> without a protocol test IPv4 source/destination and the ARP and
/// RARP sender/target protocol addresses; <c>port</c> without one tests TCP, UDP and SCTP. Only IPv4 is modelled:
/// tcpdump's <c>tcp</c>, <c>udp</c> and <c>port</c> also match IPv6 frames, which never match here.</item>
/// <item><b>Constants.</b> Constant arithmetic is folded, and operations with 0 simplified as libpcap's optimizer does
/// (<c>x * 0</c>, <c>x &amp; 0</c>, <c>0 / x</c>... are 0; <c>x + 0</c>, <c>0 | x</c>... are <c>x</c>), dropping loads
/// whose value no longer matters. Division or modulo by zero and shifts by more than 31 are compile errors when the
/// right operand is constant — or, as libpcap checks it, when the first constant of the right operand's code is
/// (so <c>x / ip[0]</c> is refused); those found by libpcap's optimizer only where the operation survives
/// optimization.</item>
/// <item><b>Optimization.</b> The decision graph is optimized as libpcap's optimizer does it (<see cref="FilterGraph"/>):
/// tests whose outcome does not matter or is already known are removed with their loads, which decides whether a
/// too-short frame is accepted.</item>
/// </list>
/// </summary>
internal static class FilterCompiler
{
    /// <summary>Ethernet II header length: where <c>ip[0]</c> and <c>arp[0]</c> are.</summary>
    public const int EthernetHeaderLength = 14;

    private const uint EtherTypeIp = 0x0800;
    private const uint EtherTypeArp = 0x0806;
    private const uint EtherTypeRarp = 0x8035;

    private enum Guard : byte
    {
        Ip,
        Arp,
        Rarp,
        Tcp,
        Udp,
        Icmp,
        Sctp,
        NotFragment,
    }

    /// <summary>Compiles <paramref name="root"/> (null: match everything), and a probe program that accepts a frame
    /// on which none of the filter's values faults (see <see cref="FilterEmitter.EmitFaultProbe"/>).</summary>
    public static (FilterProgram Program, FilterProgram FaultProbe) Compile(FilterBoolNode? root, string text)
    {
        var lowering = new Lowering(text);
        FilterCondition condition = root is null ? FilterCondition.True : lowering.Bool(root);
        FilterGraph graph = FilterGraph.Build(condition);
        graph.Optimize();
        ReportSurvivingErrors(graph, text);
        return (FilterEmitter.Emit(graph), FilterEmitter.EmitFaultProbe(lowering.AllValues));
    }

    /// <summary>Throws the first pending optimizer error (see <see cref="FilterValue.Binary.PendingError"/>) left in
    /// the optimized program: libpcap only meets, and refuses, operations that survive its branch optimization.</summary>
    private static void ReportSurvivingErrors(FilterGraph graph, string text)
    {
        static FilterValue.Binary? Find(FilterValue value) => value switch
        {
            FilterValue.Binary { PendingError: not null } b => b,
            FilterValue.Binary b => Find(b.Left) ?? Find(b.Right),
            FilterValue.Load l => Find(l.Index),
            FilterValue.Negate n => Find(n.Operand),
            _ => null,
        };

        IEnumerable<FilterValue> values = graph.Prelude.Concat(
            graph.TopologicalOrder().SelectMany(n => (IEnumerable<FilterValue>)[n.Left!, n.Right!]));
        foreach (FilterValue value in values)
        {
            if (Find(value) is { } b)
            {
                throw new PacketFilterException(b.PendingError!, text, b.ErrorPosition, FilterNames.Of(b.Op));
            }
        }
    }

    /// <summary>Syntax tree to conditions, with libpcap's meaning for each primitive.</summary>
    private sealed class Lowering(string text)
    {
        /// <summary>Every value any comparison of the expression computes, as written (nothing folded or dropped),
        /// for the fault probe.</summary>
        public List<FilterValue> AllValues { get; } = [];

        public FilterCondition Bool(FilterBoolNode node) => node switch
        {
            FilterBoolNode.And and => FilterCondition.All(and.Terms.Select(Bool)),
            FilterBoolNode.Or or => FilterCondition.Any(or.Terms.Select(Bool)),
            FilterBoolNode.Not not => FilterCondition.Not(Bool(not.Term)),
            FilterBoolNode.Protocol p => GuardCondition(p.Proto switch
            {
                FilterProto.Ip => Guard.Ip,
                FilterProto.Arp => Guard.Arp,
                FilterProto.Rarp => Guard.Rarp,
                FilterProto.Tcp => Guard.Tcp,
                FilterProto.Udp => Guard.Udp,
                FilterProto.Icmp => Guard.Icmp,
                _ => Guard.Sctp,
            }),
            FilterBoolNode.Host h => Host(h),
            FilterBoolNode.Port p => Port(p),
            FilterBoolNode.IpProtocol p => FilterCondition.All([GuardCondition(Guard.Ip), IpProtocolIs(p.Number)]),
            FilterBoolNode.LengthBound l => Compare(
                l.IsGreater ? FilterRelation.GreaterEqual : FilterRelation.LessEqual,
                new FilterValue.WireLength(),
                new FilterValue.Constant(l.Bound)),
            FilterBoolNode.Relation r => Relation(r),
            _ => throw new InvalidOperationException($"unknown filter node {node.GetType().Name}"),
        };

        private FilterCondition GuardCondition(Guard guard) => guard switch
        {
            Guard.Ip => EtherTypeIs(EtherTypeIp),
            Guard.Arp => EtherTypeIs(EtherTypeArp),
            Guard.Rarp => EtherTypeIs(EtherTypeRarp),
            Guard.Tcp => FilterCondition.All([EtherTypeIs(EtherTypeIp), IpProtocolIs(6)]),
            Guard.Udp => FilterCondition.All([EtherTypeIs(EtherTypeIp), IpProtocolIs(17)]),
            Guard.Icmp => FilterCondition.All([EtherTypeIs(EtherTypeIp), IpProtocolIs(1)]),
            Guard.Sctp => FilterCondition.All([EtherTypeIs(EtherTypeIp), IpProtocolIs(132)]),
            _ => FirstFragment(),
        };

        private FilterCondition EtherTypeIs(uint type) =>
            Compare(FilterRelation.Equal, Load(FilterLayer.Link, 2, 12), new FilterValue.Constant(type));

        private FilterCondition IpProtocolIs(uint protocol) =>
            Compare(FilterRelation.Equal, Load(FilterLayer.Network, 1, 9), new FilterValue.Constant(protocol));

        // The first or only fragment: the 13-bit fragment offset of ip[6:2] is zero (RFC 791 §3.1).
        private FilterCondition FirstFragment() => Compare(
            FilterRelation.Equal,
            new FilterValue.Binary(FilterArithOp.And, Load(FilterLayer.Network, 2, 6), new FilterValue.Constant(0x1FFF)),
            new FilterValue.Constant(0));

        private FilterCondition Compare(FilterRelation op, FilterValue left, FilterValue right)
        {
            AllValues.Add(left);
            AllValues.Add(right);
            return FilterCondition.Compare(op, left, right);
        }

        private static FilterValue Raw(FilterArithNode node) => node switch
        {
            FilterArithNode.Number n => new FilterValue.Constant(n.Value),
            FilterArithNode.Length => new FilterValue.WireLength(),
            FilterArithNode.Load l => new FilterValue.Load(
                l.Proto switch
                {
                    FilterProto.Ether => FilterLayer.Link,
                    FilterProto.Ip or FilterProto.Arp or FilterProto.Rarp => FilterLayer.Network,
                    _ => FilterLayer.Transport,
                },
                l.Size,
                Raw(l.Index)),
            FilterArithNode.Binary b => new FilterValue.Binary(b.Op, Raw(b.Left), Raw(b.Right)),
            FilterArithNode.Negate n => new FilterValue.Negate(Raw(n.Operand)),
            _ => throw new InvalidOperationException($"unknown arithmetic node {node.GetType().Name}"),
        };

        private static FilterValue.Load Load(FilterLayer layer, int size, uint offset) =>
            new(layer, size, new FilterValue.Constant(offset));

        private FilterCondition Host(FilterBoolNode.Host h)
        {
            // IPv4 source/destination at ip[12]/ip[16]; ARP and RARP sender/target protocol address at arp[14]/arp[24]
            // (RFC 826 for Ethernet/IPv4: 8 fixed bytes, 6-byte SHA, 4-byte SPA, 6-byte THA, 4-byte TPA).
            FilterProto[] protos = h.Proto == FilterProto.Default
                ? [FilterProto.Ip, FilterProto.Arp, FilterProto.Rarp]
                : [h.Proto];
            return FilterCondition.Any(protos.Select(p =>
            {
                (Guard guard, uint src, uint dst) = p switch
                {
                    FilterProto.Ip => (Guard.Ip, 12u, 16u),
                    FilterProto.Arp => (Guard.Arp, 14u, 24u),
                    _ => (Guard.Rarp, 14u, 24u),
                };
                FilterCondition Matches(uint offset)
                {
                    FilterValue field = Load(FilterLayer.Network, 4, offset);
                    if (h.Mask != uint.MaxValue)
                    {
                        field = new FilterValue.Binary(FilterArithOp.And, field, new FilterValue.Constant(h.Mask));
                    }

                    return FilterCondition.All(
                        [GuardCondition(guard), Compare(FilterRelation.Equal, field, new FilterValue.Constant(h.Address))]);
                }

                return h.Dir switch
                {
                    FilterDir.Src => Matches(src),
                    FilterDir.Dst => Matches(dst),
                    FilterDir.SrcAndDst => FilterCondition.All([Matches(src), Matches(dst)]),
                    _ => FilterCondition.Any([Matches(src), Matches(dst)]),
                };
            }).ToList());
        }

        private FilterCondition Port(FilterBoolNode.Port p)
        {
            uint[] protocols = p.Proto switch
            {
                FilterProto.Tcp => [6],
                FilterProto.Udp => [17],
                FilterProto.Sctp => [132],
                _ => [6, 17, 132], // libpcap: an unqualified port is TCP, UDP or SCTP
            };
            FilterCondition PortIs(uint offset) => Compare(
                FilterRelation.Equal, Load(FilterLayer.Transport, 2, offset), new FilterValue.Constant(p.Number));
            FilterCondition ports = p.Dir switch
            {
                FilterDir.Src => PortIs(0),
                FilterDir.Dst => PortIs(2),
                FilterDir.SrcAndDst => FilterCondition.All([PortIs(0), PortIs(2)]),
                _ => FilterCondition.Any([PortIs(0), PortIs(2)]),
            };
            return FilterCondition.All(
            [
                GuardCondition(Guard.Ip),
                FilterCondition.Any(protocols.Select(IpProtocolIs).ToList()),
                FirstFragment(),
                ports,
            ]);
        }

        private FilterCondition Relation(FilterBoolNode.Relation r)
        {
            var guards = new List<Guard>();
            FilterValue left = Value(r.Left, guards);
            FilterValue right = Value(r.Right, guards);
            var items = guards.Select(GuardCondition).ToList();
            items.Add(FilterCondition.Compare(r.Op, left, right));
            AllValues.Add(Raw(r.Left));
            AllValues.Add(Raw(r.Right));
            return FilterCondition.All(items);
        }

        private FilterValue Value(FilterArithNode node, List<Guard> guards)
        {
            switch (node)
            {
                case FilterArithNode.Number n:
                    return new FilterValue.Constant(n.Value);

                case FilterArithNode.Length:
                    return new FilterValue.WireLength();

                case FilterArithNode.Load load:
                {
                    FilterValue index = Value(load.Index, guards);
                    (FilterLayer layer, Guard[] own) = load.Proto switch
                    {
                        FilterProto.Ether => (FilterLayer.Link, Array.Empty<Guard>()),
                        FilterProto.Ip => (FilterLayer.Network, [Guard.Ip]),
                        FilterProto.Arp => (FilterLayer.Network, [Guard.Arp]),
                        FilterProto.Rarp => (FilterLayer.Network, [Guard.Rarp]),
                        FilterProto.Tcp => (FilterLayer.Transport, [Guard.Tcp, Guard.NotFragment]),
                        FilterProto.Udp => (FilterLayer.Transport, [Guard.Udp, Guard.NotFragment]),
                        FilterProto.Icmp => (FilterLayer.Transport, [Guard.Icmp, Guard.NotFragment]),
                        _ => (FilterLayer.Transport, [Guard.Sctp, Guard.NotFragment]),
                    };
                    foreach (Guard g in own)
                    {
                        if (!guards.Contains(g))
                        {
                            guards.Add(g);
                        }
                    }

                    return new FilterValue.Load(layer, load.Size, index);
                }

                case FilterArithNode.Negate neg:
                {
                    FilterValue operand = Value(neg.Operand, guards);
                    return operand is FilterValue.Constant c ? new FilterValue.Constant(0u - c.Value) : new FilterValue.Negate(operand);
                }

                case FilterArithNode.Binary b:
                {
                    // libpcap's gen_arth keeps the protocol checks of the left operand only: those of the right one
                    // are dropped. Reproduced for parity with tcpdump.
                    FilterValue left = Value(b.Left, guards);
                    FilterValue right = Value(b.Right, []);
                    CheckFirstConstant(b);
                    if (OptimizerError(b.Op, left, right) is { } pending)
                    {
                        return new FilterValue.Binary(b.Op, left, right) { PendingError = pending, ErrorPosition = b.Position };
                    }

                    return Fold(b.Op, left, right);
                }

                default:
                    throw new InvalidOperationException($"unknown arithmetic node {node.GetType().Name}");
            }
        }

        // gen_arth refuses a division by zero or a shift by more than 31 when the right operand's code starts by
        // loading such a constant — which for a load is its index (libpcap looks at the first instruction only).
        private void CheckFirstConstant(FilterArithNode.Binary b)
        {
            uint? first = FirstConstant(b.Right);
            string? error = b.Op switch
            {
                FilterArithOp.Div when first == 0 => "division by zero",
                FilterArithOp.Mod when first == 0 => "modulus by zero",
                FilterArithOp.ShiftLeft or FilterArithOp.ShiftRight when first > 31 => "shift by more than 31 bits",
                _ => null,
            };
            if (error is not null)
            {
                throw new PacketFilterException(error, text, b.Position, FilterNames.Of(b.Op));
            }
        }

        // The optimizer refuses a division by a right operand that folds to zero, and a shift of a variable by a
        // constant over 31 (a constant shifted that far folds to 0) — but only where the operation survives branch
        // optimization, so these are reported after it (ReportSurvivingErrors).
        private static string? OptimizerError(FilterArithOp op, FilterValue left, FilterValue right) =>
            (op, right) switch
            {
                (FilterArithOp.Div, FilterValue.Constant { Value: 0 }) => "division by zero",
                (FilterArithOp.Mod, FilterValue.Constant { Value: 0 }) => "modulus by zero",
                (FilterArithOp.ShiftLeft or FilterArithOp.ShiftRight, FilterValue.Constant { Value: > 31 })
                    when left is not FilterValue.Constant => "shift by more than 31 bits",
                _ => null,
            };

        private static uint? FirstConstant(FilterArithNode node) => node switch
        {
            FilterArithNode.Number n => n.Value,
            FilterArithNode.Load l => FirstConstant(l.Index),
            FilterArithNode.Binary b => FirstConstant(b.Left),
            FilterArithNode.Negate n => FirstConstant(n.Operand),
            _ => null, // len: "ld #pktlen", not a constant
        };

        // libpcap's opt_stmt: constants are folded, and an operation with 0 is simplified — which drops the loads
        // of an operand whose value no longer matters (dead code), so "icmp[100] * 0" reads nothing and cannot reject
        // a short frame. Division and modulo by a constant zero never get here (OptimizerError).
        private static FilterValue Fold(FilterArithOp op, FilterValue left, FilterValue right)
        {
            if (left is FilterValue.Constant x && right is FilterValue.Constant y)
            {
                uint a = x.Value;
                uint b = y.Value;
                return new FilterValue.Constant(op switch
                {
                    FilterArithOp.Add => a + b,
                    FilterArithOp.Sub => a - b,
                    FilterArithOp.Mul => a * b,
                    FilterArithOp.Div => a / b,
                    FilterArithOp.Mod => a % b,
                    FilterArithOp.And => a & b,
                    FilterArithOp.Or => a | b,
                    FilterArithOp.Xor => a ^ b,
                    FilterArithOp.ShiftLeft => b < 32 ? a << (int)b : 0,
                    _ => b < 32 ? a >> (int)b : 0,
                });
            }

            if (right is FilterValue.Constant { Value: 0 })
            {
                switch (op)
                {
                    case FilterArithOp.Add or FilterArithOp.Or or FilterArithOp.Xor
                        or FilterArithOp.ShiftLeft or FilterArithOp.ShiftRight:
                        return left; // "x op #0" becomes a no-op
                    case FilterArithOp.Mul or FilterArithOp.And:
                        return new FilterValue.Constant(0);
                }
            }
            else if (left is FilterValue.Constant { Value: 0 })
            {
                switch (op)
                {
                    case FilterArithOp.Add or FilterArithOp.Or or FilterArithOp.Xor:
                        return right; // "0 op x" is x
                    case FilterArithOp.Mul or FilterArithOp.Div or FilterArithOp.Mod or FilterArithOp.And
                        or FilterArithOp.ShiftLeft or FilterArithOp.ShiftRight:
                        return new FilterValue.Constant(0); // even a division by a computed zero
                }
            }

            return new FilterValue.Binary(op, left, right);
        }
    }
}
