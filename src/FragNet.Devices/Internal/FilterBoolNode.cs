using System.Globalization;
using System.Text;

namespace FragNet.Devices.Internal;

/// <summary>
/// A boolean expression of the filter's syntax tree: primitives (<c>tcp dst port 2049</c>), relations
/// (<c>ip[9] == 6</c>) and their combinations. Printing gives the normalized expression: every qualifier explicit
/// where it matters, inherited ids expanded, <c>and</c>/<c>or</c>/<c>not</c> spelled out and mixed combinations
/// parenthesized (libpcap gives <c>and</c> and <c>or</c> equal precedence, left to right, which few readers expect).
/// </summary>
internal abstract class FilterBoolNode
{
    protected FilterBoolNode(int position, int depth)
    {
        Position = position;
        Depth = depth;
    }

    /// <summary>Where in the expression the node's text starts.</summary>
    public int Position { get; }

    /// <summary>Height of the tree under this node, 1 for a primitive.</summary>
    public int Depth { get; }

    public abstract void Print(StringBuilder sb);

    public override string ToString()
    {
        var sb = new StringBuilder();
        Print(sb);
        return sb.ToString();
    }

    /// <summary>All of the terms, evaluated left to right, stopping at the first false one.</summary>
    internal sealed class And(List<FilterBoolNode> terms) : FilterBoolNode(terms[0].Position, terms.Max(t => t.Depth) + 1)
    {
        public List<FilterBoolNode> Terms { get; } = terms;

        public override void Print(StringBuilder sb) => PrintJoined(sb, Terms, " and ", t => t is Or);
    }

    /// <summary>Any of the terms, evaluated left to right, stopping at the first true one.</summary>
    internal sealed class Or(List<FilterBoolNode> terms) : FilterBoolNode(terms[0].Position, terms.Max(t => t.Depth) + 1)
    {
        public List<FilterBoolNode> Terms { get; } = terms;

        public override void Print(StringBuilder sb) => PrintJoined(sb, Terms, " or ", t => t is And);
    }

    /// <summary><c>not term</c>.</summary>
    internal sealed class Not(int position, FilterBoolNode term) : FilterBoolNode(position, term.Depth + 1)
    {
        public FilterBoolNode Term { get; } = term;

        public override void Print(StringBuilder sb)
        {
            sb.Append("not ");
            bool parenthesize = Term is And or Or;
            if (parenthesize)
            {
                sb.Append('(');
            }

            Term.Print(sb);
            if (parenthesize)
            {
                sb.Append(')');
            }
        }
    }

    /// <summary>A protocol name alone: <c>ip</c>, <c>arp</c>, <c>tcp</c>...</summary>
    internal sealed class Protocol(int position, FilterProto proto) : FilterBoolNode(position, 1)
    {
        public FilterProto Proto { get; } = proto;

        public override void Print(StringBuilder sb) => sb.Append(FilterNames.Of(Proto));
    }

    /// <summary><c>[ip|arp|rarp] [src|dst|src and dst] host A</c> or <c>net A/len</c>: the IPv4 address, masked.</summary>
    internal sealed class Host(int position, FilterProto proto, FilterDir dir, uint address, uint mask)
        : FilterBoolNode(position, 1)
    {
        public FilterProto Proto { get; } = proto;

        public FilterDir Dir { get; } = dir;

        public uint Address { get; } = address;

        public uint Mask { get; } = mask;

        public override void Print(StringBuilder sb)
        {
            PrintQualifiers(sb, Proto, Dir);
            if (Mask == uint.MaxValue)
            {
                sb.Append("host ").Append(FilterNames.Dotted(Address));
                return;
            }

            int prefix = System.Numerics.BitOperations.PopCount(Mask);
            bool contiguous = Mask == (prefix == 0 ? 0u : uint.MaxValue << (32 - prefix));
            sb.Append("net ").Append(FilterNames.Dotted(Address));
            if (contiguous)
            {
                sb.Append('/').Append(prefix);
            }
            else
            {
                sb.Append(" mask ").Append(FilterNames.Dotted(Mask));
            }
        }
    }

    /// <summary><c>[tcp|udp|sctp] [src|dst|src and dst] port N</c>.</summary>
    internal sealed class Port(int position, FilterProto proto, FilterDir dir, ushort port) : FilterBoolNode(position, 1)
    {
        public FilterProto Proto { get; } = proto;

        public FilterDir Dir { get; } = dir;

        public ushort Number { get; } = port;

        public override void Print(StringBuilder sb)
        {
            PrintQualifiers(sb, Proto, Dir);
            sb.Append("port ").Append(Number.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary><c>ip proto N</c>: the IPv4 protocol field.</summary>
    internal sealed class IpProtocol(int position, uint protocol) : FilterBoolNode(position, 1)
    {
        public uint Number { get; } = protocol;

        public override void Print(StringBuilder sb) =>
            sb.Append("ip proto ").Append(Number.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary><c>greater N</c> (<c>len &gt;= N</c>) or <c>less N</c> (<c>len &lt;= N</c>).</summary>
    internal sealed class LengthBound(int position, bool greater, uint bound) : FilterBoolNode(position, 1)
    {
        public bool IsGreater { get; } = greater;

        public uint Bound { get; } = bound;

        public override void Print(StringBuilder sb) =>
            sb.Append(IsGreater ? "greater " : "less ").Append(Bound.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary><c>left op right</c> over arithmetic expressions.</summary>
    internal sealed class Relation(int position, FilterRelation op, FilterArithNode left, FilterArithNode right)
        : FilterBoolNode(position, Math.Max(left.Depth, right.Depth) + 1)
    {
        public FilterRelation Op { get; } = op;

        public FilterArithNode Left { get; } = left;

        public FilterArithNode Right { get; } = right;

        public override void Print(StringBuilder sb)
        {
            Left.Print(sb);
            sb.Append(' ').Append(FilterNames.Of(Op)).Append(' ');
            Right.Print(sb);
        }
    }

    private static void PrintQualifiers(StringBuilder sb, FilterProto proto, FilterDir dir)
    {
        if (proto != FilterProto.Default)
        {
            sb.Append(FilterNames.Of(proto)).Append(' ');
        }

        switch (dir)
        {
            case FilterDir.Src:
                sb.Append("src ");
                break;
            case FilterDir.Dst:
                sb.Append("dst ");
                break;
            case FilterDir.SrcAndDst:
                sb.Append("src and dst ");
                break;
        }
    }

    private static void PrintJoined(
        StringBuilder sb, List<FilterBoolNode> terms, string separator, Func<FilterBoolNode, bool> parenthesize)
    {
        for (int i = 0; i < terms.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(separator);
            }

            bool p = parenthesize(terms[i]);
            if (p)
            {
                sb.Append('(');
            }

            terms[i].Print(sb);
            if (p)
            {
                sb.Append(')');
            }
        }
    }
}
