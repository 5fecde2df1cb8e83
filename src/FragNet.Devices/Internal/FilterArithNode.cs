using System.Globalization;
using System.Text;

namespace FragNet.Devices.Internal;

/// <summary>
/// An arithmetic expression of the filter's syntax tree (pcap-filter(7)'s <i>expr</i> in a relation), kept as the
/// user wrote it apart from spelling, so <see cref="PacketFilter.ToString"/> can print it back.
/// </summary>
internal abstract class FilterArithNode
{
    protected FilterArithNode(int position, int depth)
    {
        Position = position;
        Depth = depth;
    }

    /// <summary>Where in the expression the node's text starts (or its operator, for a binary node).</summary>
    public int Position { get; }

    /// <summary>Height of the tree under this node, 1 for a leaf; bounded so compiling never recurses deeply.</summary>
    public int Depth { get; }

    /// <summary>True for a number, <c>len</c> or a load: printed without parentheses anywhere.</summary>
    public virtual bool IsAtomic => true;

    public void Print(StringBuilder sb) => Print(sb, followed: false);

    /// <summary>Prints the node; <paramref name="followed"/> says an arithmetic operator comes right after it, which
    /// matters for <c>%</c> and <c>^</c>: libpcap's grammar lets them take everything to their right.</summary>
    public abstract void Print(StringBuilder sb, bool followed);

    public override string ToString()
    {
        var sb = new StringBuilder();
        Print(sb);
        return sb.ToString();
    }

    private static void Parenthesized(StringBuilder sb, FilterArithNode node)
    {
        sb.Append('(');
        node.Print(sb, followed: false);
        sb.Append(')');
    }

    /// <summary>A literal or a named constant (<c>tcpflags</c>, <c>tcp-syn</c>).</summary>
    internal sealed class Number(int position, uint value, string? name, bool hex) : FilterArithNode(position, 1)
    {
        public uint Value { get; } = value;

        public override void Print(StringBuilder sb, bool followed)
        {
            if (name is not null)
            {
                sb.Append(name);
            }
            else if (hex)
            {
                sb.Append("0x").Append(Value.ToString("x", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(Value.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary><c>len</c>: the frame's length on the wire.</summary>
    internal sealed class Length(int position) : FilterArithNode(position, 1)
    {
        public override void Print(StringBuilder sb, bool followed) => sb.Append("len");
    }

    /// <summary><c>proto[index:size]</c>: a big-endian load of 1, 2 or 4 bytes.</summary>
    internal sealed class Load(int position, FilterProto proto, FilterArithNode index, int size)
        : FilterArithNode(position, index.Depth + 1)
    {
        public FilterProto Proto { get; } = proto;

        public FilterArithNode Index { get; } = index;

        public int Size { get; } = size;

        public override void Print(StringBuilder sb, bool followed)
        {
            sb.Append(FilterNames.Of(Proto)).Append('[');
            Index.Print(sb, followed: false);
            if (Size != 1)
            {
                sb.Append(':').Append(Size);
            }

            sb.Append(']');
        }
    }

    /// <summary><c>left op right</c>.</summary>
    internal sealed class Binary(int position, FilterArithOp op, FilterArithNode left, FilterArithNode right)
        : FilterArithNode(position, Math.Max(left.Depth, right.Depth) + 1)
    {
        public FilterArithOp Op { get; } = op;

        public FilterArithNode Left { get; } = left;

        public FilterArithNode Right { get; } = right;

        public override bool IsAtomic => false;

        /// <summary>True for <c>%</c> and <c>^</c>, which libpcap's grammar declares no precedence for.</summary>
        public bool NoPrecedence => HasNoPrecedence(Op);

        /// <summary>libpcap's binding for the others: <c>|</c> &lt; <c>&amp;</c> &lt; shifts &lt; <c>+ -</c> &lt;
        /// <c>* /</c>, all left-associative.</summary>
        public static int PrecedenceOf(FilterArithOp op) => op switch
        {
            FilterArithOp.Or => 1,
            FilterArithOp.And => 3,
            FilterArithOp.ShiftLeft or FilterArithOp.ShiftRight => 4,
            FilterArithOp.Add or FilterArithOp.Sub => 5,
            _ => 6,
        };

        public static bool HasNoPrecedence(FilterArithOp op) => op is FilterArithOp.Mod or FilterArithOp.Xor;

        public override void Print(StringBuilder sb, bool followed)
        {
            if (NoPrecedence)
            {
                if (followed)
                {
                    Parenthesized(sb, this); // it would take the operator after it
                    return;
                }

                if (Left.IsAtomic)
                {
                    Left.Print(sb, followed: true);
                }
                else
                {
                    Parenthesized(sb, Left);
                }

                sb.Append(' ').Append(FilterNames.Of(Op)).Append(' ');
                Right.Print(sb, followed: false);
                return;
            }

            if (Left is Binary { NoPrecedence: false } l && PrecedenceOf(l.Op) < PrecedenceOf(Op))
            {
                Parenthesized(sb, Left);
            }
            else
            {
                Left.Print(sb, followed: true);
            }

            sb.Append(' ').Append(FilterNames.Of(Op)).Append(' ');
            if (Right is Binary { NoPrecedence: false } r && PrecedenceOf(r.Op) <= PrecedenceOf(Op))
            {
                Parenthesized(sb, Right);
            }
            else
            {
                Right.Print(sb, followed);
            }
        }
    }

    /// <summary><c>-operand</c> (BPF_NEG: <c>0 - operand</c> modulo 2^32).</summary>
    internal sealed class Negate(int position, FilterArithNode operand) : FilterArithNode(position, operand.Depth + 1)
    {
        public FilterArithNode Operand { get; } = operand;

        public override bool IsAtomic => false;

        public override void Print(StringBuilder sb, bool followed)
        {
            sb.Append('-');
            if (Operand.IsAtomic)
            {
                Operand.Print(sb, followed: false);
            }
            else
            {
                Parenthesized(sb, Operand);
            }
        }
    }
}
