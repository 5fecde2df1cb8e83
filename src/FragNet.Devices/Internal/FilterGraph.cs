using System.Collections.Immutable;

namespace FragNet.Devices.Internal;

/// <summary>
/// The filter as a decision graph — each node a comparison with a true and a false successor, the leaves accept and
/// reject — and the part of libpcap's optimizer (<c>optimize.c</c>) that changes which frames a filter accepts.
/// </summary>
/// <remarks>
/// <para>libpcap optimizes every filter tcpdump compiles, and its optimizer treats loads as free of side effects, while
/// a load past the captured bytes rejects the frame. So optimization can turn a reject into an accept: a test whose
/// outcome does not matter, or is already known, is removed with its loads. To accept exactly the frames tcpdump
/// accepts, the graph is optimized the same way, to a fixed point:</para>
/// <list type="bullet">
/// <item><b>Merging</b> (<c>intern_blocks</c>): nodes with the same test and the same successors are one node.</item>
/// <item><b>Useless tests</b> (<c>opt_j</c>): a node whose successors are the same node is bypassed; its loads are
/// not made — except the first test's: <c>opt_root</c> moves its statements onto the new first test
/// (<see cref="Prelude"/>), unless the whole filter became a return.</item>
/// <item><b>Known outcomes</b> (<c>fold_edge</c>): an edge into a node whose outcome is decided by a comparison on
/// an edge that dominates it — the same test, or an equality with another constant after an equality held — goes
/// straight to the decided successor.</item>
/// </list>
/// <para>Tests are kept in BPF's form (<c>jeq</c>, <c>jgt</c>, <c>jge</c>; <c>!=</c>, <c>&lt;=</c>, <c>&lt;</c> swap
/// the successors) and identified by <see cref="FilterValue.Key"/>, libpcap's value numbers. Known outcomes are only
/// searched in graphs of up to <see cref="FoldLimit"/> nodes, to bound compile time. libpcap also reorders tests
/// (<c>or_pullup</c>, <c>and_pullup</c>) and sometimes stops before a fixed point; neither is modelled, which can
/// matter only on a frame where one of the tests involved loads past the captured bytes.</para>
/// </remarks>
internal sealed class FilterGraph
{
    /// <summary>Largest graph whose edges are folded by known outcomes.</summary>
    public const int FoldLimit = 4096;

    private const int MaxPasses = 64;

    private int _nextId = 2;
    private Node? _originalRoot; // the first test, whose loads libpcap keeps when it bypasses it (opt_root)
    private bool _rootBypassed;  // the root was bypassed because both its successors were the same node

    private FilterGraph(Node root) => Root = root;

    /// <summary>BPF's comparison jumps.</summary>
    internal enum Test : byte
    {
        Equal,
        Greater,
        GreaterEqual,
    }

    public static Node Accept { get; } = new(0, accept: true);

    public static Node Reject { get; } = new(1, accept: false);

    public Node Root { get; private set; }

    /// <summary>Values computed before the root's test only for their loads (a load past the frame rejects it):
    /// libpcap's <c>opt_root</c> moves the statements of a bypassed first test onto the new first test, unless the
    /// whole filter became a return.</summary>
    public List<FilterValue> Prelude { get; } = [];

    public static FilterGraph Build(FilterCondition condition)
    {
        var graph = new FilterGraph(Accept);
        graph.Root = graph.Build(condition, Accept, Reject);
        graph._originalRoot = graph.Root.IsLeaf ? null : graph.Root;
        return graph;
    }

    /// <summary>Optimizes to a fixed point (at most <see cref="MaxPasses"/> passes).</summary>
    public void Optimize()
    {
        for (int pass = 0; pass < MaxPasses; pass++)
        {
            bool changed = Merge();
            if (Root.IsLeaf)
            {
                return;
            }

            List<Node> order = TopologicalOrder();
            if (order.Count <= FoldLimit)
            {
                changed |= FoldKnownOutcomes(order);
            }

            if (!changed)
            {
                break;
            }
        }

        if (_rootBypassed && !Root.IsLeaf && _originalRoot is not null)
        {
            Prelude.Add(_originalRoot.Left!);
            if (_originalRoot.Right is not FilterValue.Constant)
            {
                Prelude.Add(_originalRoot.Right!);
            }
        }
    }

    /// <summary>The reachable test nodes, each before every node it can jump to.</summary>
    public List<Node> TopologicalOrder()
    {
        // Iterative depth-first post-order, reversed: graphs can be long chains, too deep to recurse.
        var post = new List<Node>();
        var visited = new HashSet<Node>();
        var stack = new Stack<(Node Node, bool Expanded)>();
        if (!Root.IsLeaf)
        {
            stack.Push((Root, false));
        }

        while (stack.Count > 0)
        {
            (Node node, bool expanded) = stack.Pop();
            if (expanded)
            {
                post.Add(node);
                continue;
            }

            if (!visited.Add(node))
            {
                continue;
            }

            stack.Push((node, true));
            foreach (Node next in (ReadOnlySpan<Node>)[node.False!, node.True!])
            {
                if (!next.IsLeaf && !visited.Contains(next))
                {
                    stack.Push((next, false));
                }
            }
        }

        post.Reverse();
        return post;
    }

    private Node Build(FilterCondition condition, Node onTrue, Node onFalse)
    {
        switch (condition)
        {
            case FilterCondition.Constant c:
                return c.Value ? onTrue : onFalse;

            case FilterCondition.AllOf all:
            {
                Node next = onTrue;
                for (int i = all.Items.Count - 1; i >= 0; i--)
                {
                    next = Build(all.Items[i], next, onFalse);
                }

                return next;
            }

            case FilterCondition.AnyOf any:
            {
                Node next = onFalse;
                for (int i = any.Items.Count - 1; i >= 0; i--)
                {
                    next = Build(any.Items[i], onTrue, next);
                }

                return next;
            }

            case FilterCondition.Negation not:
                return Build(not.Item, onFalse, onTrue);

            case FilterCondition.Comparison cmp:
            {
                (Test test, bool swap) = cmp.Op switch
                {
                    FilterRelation.Equal => (Test.Equal, false),
                    FilterRelation.NotEqual => (Test.Equal, true),
                    FilterRelation.Greater => (Test.Greater, false),
                    FilterRelation.LessEqual => (Test.Greater, true),
                    FilterRelation.GreaterEqual => (Test.GreaterEqual, false),
                    _ => (Test.GreaterEqual, true),
                };
                return new Node(_nextId++, cmp.Left, test, cmp.Right, swap ? onFalse : onTrue, swap ? onTrue : onFalse);
            }

            default:
                throw new InvalidOperationException($"unknown condition {condition.GetType().Name}");
        }
    }

    /// <summary>Merges equal nodes and bypasses nodes whose successors are one node, bottom-up.</summary>
    private bool Merge()
    {
        List<Node> order = TopologicalOrder();
        var canonical = new Dictionary<Node, Node> { [Accept] = Accept, [Reject] = Reject };
        var table = new Dictionary<(string Key, int True, int False), Node>();
        var bypassed = new HashSet<Node>();
        bool changed = false;
        for (int i = order.Count - 1; i >= 0; i--)
        {
            Node node = order[i];
            Node t = canonical[node.True!];
            Node f = canonical[node.False!];
            if (t != node.True || f != node.False)
            {
                node.True = t;
                node.False = f;
                changed = true;
            }

            if (t == f)
            {
                canonical[node] = t;
                bypassed.Add(node);
                changed = true;
                continue;
            }

            if (table.TryGetValue((node.Key, t.Id, f.Id), out Node? same))
            {
                canonical[node] = same;
                changed = true;
                continue;
            }

            table[(node.Key, t.Id, f.Id)] = node;
            canonical[node] = node;
        }

        _rootBypassed |= bypassed.Contains(Root);
        Root = canonical[Root];
        return changed;
    }

    /// <summary>Redirects every edge into a node whose outcome its dominating edges decide.</summary>
    private static bool FoldKnownOutcomes(List<Node> order)
    {
        // What is known on every path into each node: for each test key, the dominating edge that decided it.
        var known = new Dictionary<Node, ImmutableDictionary<string, Fact>>
        {
            [order[0]] = ImmutableDictionary<string, Fact>.Empty,
        };
        bool changed = false;
        foreach (Node node in order)
        {
            if (!known.TryGetValue(node, out ImmutableDictionary<string, Fact>? facts))
            {
                continue; // no longer reachable
            }

            foreach (bool branch in (ReadOnlySpan<bool>)[true, false])
            {
                ImmutableDictionary<string, Fact> edge = Learn(facts, node, branch);
                Node target = branch ? node.True! : node.False!;
                while (!target.IsLeaf && Decides(edge, target, out bool outcome))
                {
                    target = outcome ? target.True! : target.False!;
                }

                if (target != (branch ? node.True : node.False))
                {
                    changed = true;
                    if (branch)
                    {
                        node.True = target;
                    }
                    else
                    {
                        node.False = target;
                    }
                }

                if (!target.IsLeaf)
                {
                    known[target] = known.TryGetValue(target, out ImmutableDictionary<string, Fact>? before)
                        ? Intersect(before, edge)
                        : edge;
                }
            }
        }

        return changed;
    }

    private static ImmutableDictionary<string, Fact> Learn(ImmutableDictionary<string, Fact> facts, Node node, bool branch)
    {
        facts = facts.SetItem(node.Key, new Fact(node, branch, 0));
        if (branch && node.TestKind == Test.Equal && node.Right is FilterValue.Constant k)
        {
            facts = facts.SetItem("=" + node.Left!.Key, new Fact(node, branch, k.Value));
        }

        return facts;
    }

    private static bool Decides(ImmutableDictionary<string, Fact> facts, Node node, out bool outcome)
    {
        if (facts.TryGetValue(node.Key, out Fact same))
        {
            outcome = same.Branch;
            return true;
        }

        // After "A == k" held, "A == k2" with another constant is false (fold_edge's jeq #k rule).
        if (node.TestKind == Test.Equal && node.Right is FilterValue.Constant k2
            && facts.TryGetValue("=" + node.Left!.Key, out Fact value))
        {
            outcome = value.Value == k2.Value;
            return true;
        }

        outcome = false;
        return false;
    }

    private static ImmutableDictionary<string, Fact> Intersect(
        ImmutableDictionary<string, Fact> a, ImmutableDictionary<string, Fact> b)
    {
        if (a.Count > b.Count)
        {
            (a, b) = (b, a);
        }

        ImmutableDictionary<string, Fact>.Builder result = ImmutableDictionary.CreateBuilder<string, Fact>();
        foreach (KeyValuePair<string, Fact> entry in a)
        {
            if (b.TryGetValue(entry.Key, out Fact other) && other == entry.Value)
            {
                result.Add(entry);
            }
        }

        return result.ToImmutable();
    }

    /// <summary>A decided edge: which node, which branch (the outcome), and for equalities the value.</summary>
    private readonly record struct Fact(Node Edge, bool Branch, uint Value);

    /// <summary>A comparison node, or one of the two leaves.</summary>
    internal sealed class Node
    {
        public Node(int id, bool accept)
        {
            Id = id;
            IsLeaf = true;
            Accepts = accept;
            Key = accept ? "accept" : "reject";
        }

        public Node(int id, FilterValue left, Test test, FilterValue right, Node onTrue, Node onFalse)
        {
            Id = id;
            Left = left;
            TestKind = test;
            Right = right;
            True = onTrue;
            False = onFalse;
            Key = $"{left.Key} {test} {right.Key}";
        }

        public int Id { get; }

        public bool IsLeaf { get; }

        public bool Accepts { get; }

        public FilterValue? Left { get; }

        public Test TestKind { get; }

        public FilterValue? Right { get; }

        /// <summary>The test, as libpcap's value numbers see it.</summary>
        public string Key { get; }

        public Node? True { get; set; }

        public Node? False { get; set; }
    }
}
