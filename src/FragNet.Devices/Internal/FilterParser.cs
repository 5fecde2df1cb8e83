namespace FragNet.Devices.Internal;

/// <summary>
/// Recursive-descent parser for the pcap-filter subset, following libpcap's grammar (<c>grammar.y</c>) where it decides
/// meaning:
/// <list type="bullet">
/// <item><c>and</c> and <c>or</c> have equal precedence and associate left to right; <c>not</c> binds tightest:
/// <c>a or b and c</c> is <c>(a or b) and c</c>.</item>
/// <item>A primitive is <c>[proto] [dir] [type] id</c> with at least a dir or a type; a proto alone is the protocol
/// test (<c>tcp</c>).</item>
/// <item>A bare id after <c>and</c>/<c>or</c> (<c>port 53 or 80</c>, <c>host a and not b</c>,
/// <c>host a and (b or c)</c>) takes the qualifiers of the last primitive; after a relation or a protocol name there
/// is nothing to take and it is an error; after a parenthesized expression the qualifiers are those from before the
/// parenthesis (libpcap's <c>$&lt;blk&gt;0</c>).</item>
/// <item>Arithmetic binds as libpcap's grammar has it: <c>|</c> &lt; <c>&amp;</c> &lt; shifts &lt; <c>+ -</c> &lt;
/// <c>* /</c> &lt; unary minus, left-associative, while <c>%</c> and <c>^</c> have no precedence at all and take
/// everything to their right (see <see cref="ParseArithmetic"/>). The comparison sits below all of it:
/// <c>tcp[13] &amp; 2 != 0</c> is <c>(tcp[13] &amp; 2) != 0</c>.</item>
/// </list>
/// Nesting and tree height are bounded (<see cref="MaxDepth"/>) so neither parsing nor compiling can exhaust the stack.
/// </summary>
internal sealed class FilterParser
{
    /// <summary>Deepest nesting, and tallest syntax tree, accepted.</summary>
    public const int MaxDepth = 200;

    private readonly string _text;
    private readonly List<FilterToken> _tokens;
    private readonly int[] _closing; // for each '(' token, the index of its ')' token, or -1
    private int _index;              // current token
    private int _depth;              // current recursion depth
    private FilterQual? _inherited;  // what a bare id inherits now; null where libpcap has no qualifiers (qerr)

    private FilterParser(string text)
    {
        _text = text;
        _tokens = FilterLexer.Tokenize(text);
        _closing = MatchParentheses(_tokens);
    }

    private FilterToken Current => _tokens[_index];

    /// <summary>Parses <paramref name="text"/>; null for an empty expression (which matches every frame).</summary>
    public static FilterBoolNode? Parse(string text)
    {
        var parser = new FilterParser(text);
        if (parser.Current.Is(FilterTokenKind.End))
        {
            return null;
        }

        FilterBoolNode result = parser.ParseExpression();
        if (!parser.Current.Is(FilterTokenKind.End))
        {
            throw parser.Error(
                parser.Current.Is(FilterTokenKind.RParen)
                    ? "unbalanced ')'"
                    : $"expected 'and', 'or' or the end of the expression, found {parser.Current.Display}",
                parser.Current);
        }

        return result;
    }

    private static int[] MatchParentheses(List<FilterToken> tokens)
    {
        int[] closing = new int[tokens.Count];
        var open = new Stack<int>();
        for (int i = 0; i < tokens.Count; i++)
        {
            closing[i] = -1;
            if (tokens[i].Is(FilterTokenKind.LParen))
            {
                open.Push(i);
            }
            else if (tokens[i].Is(FilterTokenKind.RParen) && open.Count > 0)
            {
                closing[open.Pop()] = i;
            }
        }

        return closing;
    }

    private static bool IsAnd(FilterToken t) => t.Is(FilterTokenKind.AndAnd) || t.IsWord("and");

    private static bool IsOr(FilterToken t) => t.Is(FilterTokenKind.OrOr) || t.IsWord("or");

    private static bool IsNot(FilterToken t) => t.Is(FilterTokenKind.Bang) || t.IsWord("not");

    private static bool IsDirection(FilterToken t) => t.IsWord("src") || t.IsWord("dst");

    private static bool IsRelation(FilterToken t, out FilterRelation op)
    {
        (bool ok, op) = t.Kind switch
        {
            FilterTokenKind.Equal => (true, FilterRelation.Equal),
            FilterTokenKind.NotEqual => (true, FilterRelation.NotEqual),
            FilterTokenKind.Less => (true, FilterRelation.Less),
            FilterTokenKind.LessEqual => (true, FilterRelation.LessEqual),
            FilterTokenKind.Greater => (true, FilterRelation.Greater),
            FilterTokenKind.GreaterEqual => (true, FilterRelation.GreaterEqual),
            _ => (false, FilterRelation.Equal),
        };
        return ok;
    }

    private static bool IsArithmeticOperator(FilterToken t, out FilterArithOp op)
    {
        (bool ok, op) = t.Kind switch
        {
            FilterTokenKind.Plus => (true, FilterArithOp.Add),
            FilterTokenKind.Minus => (true, FilterArithOp.Sub),
            FilterTokenKind.Star => (true, FilterArithOp.Mul),
            FilterTokenKind.Slash => (true, FilterArithOp.Div),
            FilterTokenKind.Percent => (true, FilterArithOp.Mod),
            FilterTokenKind.Amp => (true, FilterArithOp.And),
            FilterTokenKind.Pipe => (true, FilterArithOp.Or),
            FilterTokenKind.Caret => (true, FilterArithOp.Xor),
            FilterTokenKind.ShiftLeft => (true, FilterArithOp.ShiftLeft),
            FilterTokenKind.ShiftRight => (true, FilterArithOp.ShiftRight),
            _ => (false, FilterArithOp.Add),
        };
        return ok;
    }

    private static bool IsOperator(FilterToken t) => IsRelation(t, out _) || IsArithmeticOperator(t, out _);

    // expression := term { ('and' | 'or') (id | term) }
    private FilterBoolNode ParseExpression()
    {
        Enter();
        FilterBoolNode left = ParseTerm();
        while (IsAnd(Current) || IsOr(Current))
        {
            bool isAnd = IsAnd(Current);
            Advance();
            FilterBoolNode right = StartsBareId() ? ParseId(_inherited, Current) : ParseTerm();
            left = isAnd ? Combine(left, right, isAnd: true) : Combine(left, right, isAnd: false);
        }

        Leave();
        return left;
    }

    // term := ('not' | '!') term | primary
    private FilterBoolNode ParseTerm()
    {
        Enter();
        FilterBoolNode result;
        FilterToken t = Current;
        if (IsNot(t))
        {
            Advance();
            result = MakeNot(t.Position, ParseTerm());
        }
        else
        {
            result = ParsePrimary();
        }

        Leave();
        return result;
    }

    private FilterBoolNode ParsePrimary()
    {
        FilterToken t = Current;
        switch (t.Kind)
        {
            case FilterTokenKind.LParen:
                if (IsArithmeticParenthesis(_index))
                {
                    return ParseRelation();
                }

                Advance();
                FilterQual? before = _inherited;
                FilterBoolNode inner = ParseExpression();
                Expect(FilterTokenKind.RParen, "expected ')'");
                _inherited = before;
                return inner;

            case FilterTokenKind.Number:
            case FilterTokenKind.Minus:
                return ParseRelation();

            case FilterTokenKind.Address:
                throw Error($"{t.Display} needs a qualifier such as 'host', 'src' or 'net'", t);

            case FilterTokenKind.Word:
                return ParseWordPrimary(t);

            case FilterTokenKind.End:
                throw Error("the expression ends where a primitive was expected", t);

            default:
                throw Error($"expected a primitive, found {t.Display}", t);
        }
    }

    private FilterBoolNode ParseWordPrimary(FilterToken t)
    {
        string word = t.Text;
        if (FilterNames.TryProto(word, out _))
        {
            return Peek(1).Is(FilterTokenKind.LBracket) ? ParseRelation() : ParseQualified();
        }

        if (IsDirection(t) || word is "host" or "net" or "port" or "proto")
        {
            return ParseQualified();
        }

        if (word is "less" or "greater")
        {
            Advance();
            FilterToken n = Current;
            if (!n.Is(FilterTokenKind.Number))
            {
                throw Error($"'{word}' takes a length, found {n.Display}", n);
            }

            Advance();
            _inherited = null;
            return new FilterBoolNode.LengthBound(t.Position, word == "greater", n.Value);
        }

        if (word == "len" || FilterNames.Constants.ContainsKey(word))
        {
            return ParseRelation();
        }

        if (FilterNames.Unsupported.TryGetValue(word, out string? why))
        {
            throw Error(why, t);
        }

        throw Error(IsAnd(t) || IsOr(t) ? $"expected a primitive, found {t.Display}" : $"unknown name {t.Display}", t);
    }

    // qualified := [proto] [dir] [type] id  (at least one of dir and type; else a protocol name alone)
    private FilterBoolNode ParseQualified()
    {
        FilterToken first = Current;
        FilterProto proto = FilterProto.Default;
        if (FilterNames.TryProto(Current.Text, out FilterProto p))
        {
            proto = p;
            Advance();
        }

        FilterDir dir = FilterDir.Default;
        bool hasDir = false;
        if (IsDirection(Current))
        {
            hasDir = true;
            string d = Current.Text;
            dir = d == "src" ? FilterDir.Src : FilterDir.Dst;
            Advance();
            FilterToken other = Peek(1);
            if ((IsAnd(Current) || IsOr(Current)) && IsDirection(other) && other.Text != d)
            {
                dir = IsOr(Current) ? FilterDir.Default : FilterDir.SrcAndDst;
                Advance();
                Advance();
            }
        }

        FilterIdType type = FilterIdType.Default;
        FilterToken typeToken = Current;
        switch (Current.Text)
        {
            case "host" when Current.Is(FilterTokenKind.Word):
                type = FilterIdType.Host;
                break;
            case "net" when Current.Is(FilterTokenKind.Word):
                type = FilterIdType.Net;
                break;
            case "port" when Current.Is(FilterTokenKind.Word):
                type = FilterIdType.Port;
                break;
            case "proto" when Current.Is(FilterTokenKind.Word):
                if (hasDir)
                {
                    throw Error("'proto' takes no direction", Current);
                }

                type = FilterIdType.Proto;
                break;
        }

        if (type != FilterIdType.Default)
        {
            Advance();
        }
        else if (!hasDir)
        {
            // A protocol name alone.
            if (proto == FilterProto.Ether)
            {
                throw Error("'ether' alone is not a test; use ether[offset] or a protocol", first);
            }

            _inherited = null;
            return new FilterBoolNode.Protocol(first.Position, proto);
        }

        var qual = new FilterQual(proto, dir, type);
        FilterBoolNode result = ParseId(qual, typeToken);
        _inherited = qual;
        return result;
    }

    /// <summary>True if the tokens from here form a bare id: an address, a number that no operator follows, or such an
    /// id after any number of <c>not</c>s and <c>(</c>s (libpcap's <c>id</c>: <c>not id</c>, <c>( pid )</c>).</summary>
    private bool StartsBareId()
    {
        int i = _index;
        while (IsNot(_tokens[i]) || _tokens[i].Is(FilterTokenKind.LParen))
        {
            i++;
        }

        FilterToken t = _tokens[i];
        return t.Is(FilterTokenKind.Address) || (t.Is(FilterTokenKind.Number) && !IsOperator(_tokens[i + 1]));
    }

    // id := ('not' | '!') id | '(' id { ('and' | 'or') id } ')' | number | address [ '/' number | 'mask' address ]
    private FilterBoolNode ParseId(FilterQual? qual, FilterToken qualifierToken)
    {
        Enter();
        FilterToken t = Current;
        FilterBoolNode result;
        if (IsNot(t))
        {
            Advance();
            result = MakeNot(t.Position, ParseId(qual, qualifierToken));
        }
        else if (t.Is(FilterTokenKind.LParen))
        {
            Advance();
            result = ParseId(qual, qualifierToken);
            while (IsAnd(Current) || IsOr(Current))
            {
                bool isAnd = IsAnd(Current);
                Advance();
                result = Combine(result, ParseId(qual, qualifierToken), isAnd);
            }

            Expect(FilterTokenKind.RParen, "expected ')' after the list of ids");
        }
        else if (t.Is(FilterTokenKind.Number) || t.Is(FilterTokenKind.Address))
        {
            if (qual is null)
            {
                throw Error(
                    $"{t.Display} has no qualifier to inherit here; write it with one, such as 'host {t.Text}' or 'port {t.Text}'",
                    t);
            }

            Advance();
            result = MakePrimitive(qual.Value, t, qualifierToken);
        }
        else
        {
            string expected = qual?.Type switch
            {
                FilterIdType.Port => "a port number",
                FilterIdType.Proto => "a protocol number",
                _ => "an IPv4 address",
            };
            throw Error(
                t.Is(FilterTokenKind.Word) && !IsAnd(t) && !IsOr(t)
                    ? $"expected {expected}, found {t.Display} (names are not resolved)"
                    : $"expected {expected}, found {t.Display}",
                t);
        }

        Leave();
        return result;
    }

    private FilterBoolNode MakePrimitive(FilterQual q, FilterToken id, FilterToken qualifierToken)
    {
        int position = id.Position;
        switch (q.Type)
        {
            case FilterIdType.Port:
                if (q.Proto is not (FilterProto.Default or FilterProto.Tcp or FilterProto.Udp or FilterProto.Sctp))
                {
                    throw Error("illegal qualifier of 'port'", qualifierToken);
                }

                if (!id.Is(FilterTokenKind.Number))
                {
                    throw Error($"{id.Display} is not a port number", id);
                }

                if (id.Value > ushort.MaxValue)
                {
                    throw Error($"illegal port number {id.Value} > 65535", id);
                }

                return new FilterBoolNode.Port(position, q.Proto, q.Dir, (ushort)id.Value);

            case FilterIdType.Proto:
                if (q.Proto is not (FilterProto.Default or FilterProto.Ip))
                {
                    throw Error($"'{FilterNames.Of(q.Proto)} proto' is not supported; only 'ip proto N'", qualifierToken);
                }

                if (!id.Is(FilterTokenKind.Number))
                {
                    throw Error($"{id.Display} is not an IPv4 protocol number", id);
                }

                // Like libpcap, a number above 255 is accepted and never matches the one-byte field.
                return new FilterBoolNode.IpProtocol(position, id.Value);
        }

        if (q.Proto is FilterProto.Tcp or FilterProto.Udp or FilterProto.Icmp or FilterProto.Sctp or FilterProto.Ether)
        {
            string kind = q.Type == FilterIdType.Net ? "net" : "host";
            throw Error(
                q.Proto == FilterProto.Ether
                    ? $"'ether {kind}' takes a MAC address, which this filter does not support"
                    : $"'{FilterNames.Of(q.Proto)}' modifier applied to {kind}",
                qualifierToken);
        }

        uint value = id.Value;
        int bits = id.Bits;
        if (Current.Is(FilterTokenKind.Slash) || Current.IsWord("mask"))
        {
            return ParseMaskedNet(q, id);
        }

        uint mask = uint.MaxValue;
        if (q.Type == FilterIdType.Net)
        {
            // libpcap promotes a short net number: "net 10.77" and "net 10" mean 10.77.0.0/16 and 10.0.0.0/8.
            while (value != 0 && (value & 0xFF000000) == 0)
            {
                value <<= 8;
                mask <<= 8;
            }
        }
        else
        {
            // A short host address is promoted the other way: "host 10.77" is 10.77.0.0 under mask 255.255.0.0.
            value <<= 32 - bits;
            mask <<= 32 - bits;
        }

        return new FilterBoolNode.Host(position, q.Proto, q.Dir, value, mask);
    }

    private FilterBoolNode.Host ParseMaskedNet(FilterQual q, FilterToken id)
    {
        FilterToken syntax = Current;
        if (!id.Is(FilterTokenKind.Address) && !id.Is(FilterTokenKind.Number))
        {
            throw Error("a network needs an address", id);
        }

        if (q.Type == FilterIdType.Host)
        {
            throw Error("mask syntax for networks only", syntax);
        }

        Advance();
        uint value = id.Value << (32 - id.Bits);
        uint mask;
        string shown;
        if (syntax.Is(FilterTokenKind.Slash))
        {
            FilterToken length = Current;
            if (!length.Is(FilterTokenKind.Number))
            {
                throw Error($"expected a prefix length after '/', found {length.Display}", length);
            }

            if (length.Value > 32)
            {
                throw Error("mask length must be <= 32", length);
            }

            Advance();
            mask = length.Value == 0 ? 0 : uint.MaxValue << (int)(32 - length.Value);
            shown = $"{id.Text}/{length.Text}";
        }
        else
        {
            FilterToken m = Current;
            if (!m.Is(FilterTokenKind.Address) || m.Bits != 32)
            {
                throw Error($"expected a dotted-quad mask after 'mask', found {m.Display}", m);
            }

            Advance();
            mask = m.Value;
            shown = $"{id.Text} mask {m.Text}";
        }

        if ((value & ~mask) != 0)
        {
            throw Error($"non-network bits set in \"{shown}\"", id);
        }

        return new FilterBoolNode.Host(id.Position, q.Proto, q.Dir, value, mask);
    }

    // relation := arith relop arith
    private FilterBoolNode.Relation ParseRelation()
    {
        FilterToken start = Current;
        FilterArithNode left = ParseArithmetic(0);
        FilterToken op = Current;
        if (!IsRelation(op, out FilterRelation relation))
        {
            throw Error(
                $"expected a comparison (==, !=, <, <=, >, >=) after '{_text[start.Position..op.Position].TrimEnd()}', found {op.Display}",
                op);
        }

        Advance();
        FilterArithNode right = ParseArithmetic(0);
        _inherited = null;
        var node = new FilterBoolNode.Relation(start.Position, relation, left, right);
        CheckHeight(node.Depth, start);
        return node;
    }

    // Precedence climbing over libpcap's binary operators, as its yacc grammar resolves them: '|' < '&' < shifts <
    // '+ -' < '* /', left-associative. '%' and '^' have no declared precedence, so yacc shifts whenever one is involved:
    // as the next operator it always binds to the operand before it ("a * b % c" is "a * (b % c)"), and its own right
    // operand takes everything that follows ("a % b * c" is "a % (b * c)", "a & b ^ c" is "a & (b ^ c)").
    private FilterArithNode ParseArithmetic(int minPrecedence)
    {
        Enter();
        FilterArithNode left = ParseUnary();
        while (IsArithmeticOperator(Current, out FilterArithOp op)
            && (FilterArithNode.Binary.HasNoPrecedence(op) || FilterArithNode.Binary.PrecedenceOf(op) >= minPrecedence))
        {
            left = ParseBinaryTail(left, op);
        }

        Leave();
        return left;
    }

    private FilterArithNode.Binary ParseBinaryTail(FilterArithNode left, FilterArithOp op)
    {
        FilterToken opToken = Current;
        Advance();
        FilterArithNode right = ParseArithmetic(
            FilterArithNode.Binary.HasNoPrecedence(op) ? 0 : FilterArithNode.Binary.PrecedenceOf(op) + 1);
        var node = new FilterArithNode.Binary(opToken.Position, op, left, right);
        CheckHeight(node.Depth, opToken);
        return node;
    }

    private FilterArithNode ParseUnary()
    {
        FilterToken t = Current;
        if (!t.Is(FilterTokenKind.Minus))
        {
            return ParseOperand();
        }

        Enter();
        Advance();
        FilterArithNode operand = ParseUnary();
        if (IsArithmeticOperator(Current, out FilterArithOp op) && FilterArithNode.Binary.HasNoPrecedence(op))
        {
            operand = ParseBinaryTail(operand, op); // "-a % b" is "-(a % b)": yacc shifts the '%'
        }

        var node = new FilterArithNode.Negate(t.Position, operand);
        Leave();
        CheckHeight(node.Depth, t);
        return node;
    }

    private FilterArithNode ParseOperand()
    {
        FilterToken t = Current;
        switch (t.Kind)
        {
            case FilterTokenKind.Number:
                Advance();
                return new FilterArithNode.Number(
                    t.Position, t.Value, null, t.Text.StartsWith("0x", StringComparison.OrdinalIgnoreCase));

            case FilterTokenKind.LParen:
            {
                Advance();
                FilterArithNode inner = ParseArithmetic(0);
                Expect(FilterTokenKind.RParen, "expected ')' to close the arithmetic expression");
                return inner;
            }

            case FilterTokenKind.Word when t.Text == "len":
                Advance();
                return new FilterArithNode.Length(t.Position);

            case FilterTokenKind.Word when FilterNames.Constants.TryGetValue(t.Text, out uint value):
                Advance();
                return new FilterArithNode.Number(t.Position, value, t.Text, hex: false);

            case FilterTokenKind.Word when FilterNames.TryProto(t.Text, out FilterProto proto):
                return ParseLoad(proto);

            case FilterTokenKind.Word when FilterNames.Unsupported.TryGetValue(t.Text, out string? why):
                throw Error(why, t);

            default:
                throw Error(
                    $"expected a number, 'len', a named constant or a load such as 'ip[9]', found {t.Display}", t);
        }
    }

    // load := proto '[' arith [ ':' size ] ']'
    private FilterArithNode.Load ParseLoad(FilterProto proto)
    {
        FilterToken name = Current;
        Advance();
        Expect(FilterTokenKind.LBracket, $"expected '[' after '{name.Text}' in an arithmetic expression");
        FilterArithNode index = ParseArithmetic(0);
        int size = 1;
        if (Current.Is(FilterTokenKind.Colon))
        {
            Advance();
            FilterToken s = Current;
            if (!s.Is(FilterTokenKind.Number) || s.Value is not (1 or 2 or 4))
            {
                throw Error("data size must be 1, 2, or 4", s);
            }

            size = (int)s.Value;
            Advance();
        }

        Expect(FilterTokenKind.RBracket, "expected ']'");
        var node = new FilterArithNode.Load(name.Position, proto, index, size);
        CheckHeight(node.Depth, name);
        return node;
    }

    /// <summary>True if the '(' at <paramref name="index"/> opens an arithmetic expression: its ')' is followed by an
    /// arithmetic operator or a comparison (<c>(ip[0] &amp; 0xf) &gt; 5</c>), not by <c>and</c>/<c>or</c>/<c>)</c>.</summary>
    private bool IsArithmeticParenthesis(int index)
    {
        int close = _closing[index];
        return close >= 0 && IsOperator(_tokens[close + 1]);
    }

    private FilterBoolNode Combine(FilterBoolNode left, FilterBoolNode right, bool isAnd)
    {
        // Flattened n-ary nodes keep long 'a or b or c ...' lists shallow; the order of terms is kept, so is the
        // order of evaluation.
        var terms = new List<FilterBoolNode>();
        foreach (FilterBoolNode side in (ReadOnlySpan<FilterBoolNode>)[left, right])
        {
            if (isAnd && side is FilterBoolNode.And a)
            {
                terms.AddRange(a.Terms);
            }
            else if (!isAnd && side is FilterBoolNode.Or o)
            {
                terms.AddRange(o.Terms);
            }
            else
            {
                terms.Add(side);
            }
        }

        FilterBoolNode node = isAnd ? new FilterBoolNode.And(terms) : new FilterBoolNode.Or(terms);
        CheckHeight(node.Depth, Current);
        return node;
    }

    private FilterBoolNode.Not MakeNot(int position, FilterBoolNode term)
    {
        var node = new FilterBoolNode.Not(position, term);
        CheckHeight(node.Depth, Current);
        return node;
    }

    private void CheckHeight(int depth, FilterToken at)
    {
        if (depth > MaxDepth)
        {
            throw Error($"expression too deeply nested (more than {MaxDepth} levels)", at);
        }
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw Error($"expression too deeply nested (more than {MaxDepth} levels)", Current);
        }
    }

    private void Leave() => _depth--;

    private FilterToken Peek(int ahead) => _tokens[Math.Min(_index + ahead, _tokens.Count - 1)];

    private void Advance()
    {
        if (_index < _tokens.Count - 1)
        {
            _index++;
        }
    }

    private void Expect(FilterTokenKind kind, string message)
    {
        if (!Current.Is(kind))
        {
            throw Error($"{message}, found {Current.Display}", Current);
        }

        Advance();
    }

    private PacketFilterException Error(string message, FilterToken at) =>
        new(message, _text, at.Position, at.Text);
}
