namespace FragNet.Devices.Internal;

/// <summary>Generates a <see cref="FilterProgram"/> from an optimized <see cref="FilterGraph"/>: nodes in topological
/// order (so every jump goes forward), each node's values computed on the stack machine, then its comparison.</summary>
internal sealed class FilterEmitter
{
    private readonly List<FilterInstruction> _code = [];
    private int _stack;    // current value-stack depth
    private int _maxStack; // deepest it gets

    public static FilterProgram Emit(FilterGraph graph)
    {
        if (graph.Root.IsLeaf)
        {
            return new FilterProgram([new FilterInstruction { Code = FilterOpCode.Return, K = graph.Root.Accepts ? 1u : 0u }], 0);
        }

        var emitter = new FilterEmitter();
        List<FilterGraph.Node> order = graph.TopologicalOrder();
        var start = new Dictionary<FilterGraph.Node, int>();
        var jumps = new List<(int At, FilterGraph.Node True, FilterGraph.Node False)>();
        foreach (FilterValue value in graph.Prelude)
        {
            emitter.Value(value);
            emitter.Add(FilterOpCode.Discard, 0, 0, -1);
        }

        foreach (FilterGraph.Node node in order)
        {
            start[node] = emitter._code.Count;
            emitter.Value(node.Left!);
            var relation = node.TestKind switch
            {
                FilterGraph.Test.Equal => FilterRelation.Equal,
                FilterGraph.Test.Greater => FilterRelation.Greater,
                _ => FilterRelation.GreaterEqual,
            };
            if (node.Right is FilterValue.Constant k)
            {
                emitter.Add(FilterOpCode.CompareConstant, (byte)relation, k.Value, -1);
            }
            else
            {
                emitter.Value(node.Right!);
                emitter.Add(FilterOpCode.Compare, (byte)relation, 0, -2);
            }

            jumps.Add((emitter._code.Count - 1, node.True!, node.False!));
        }

        int accept = emitter._code.Count;
        emitter._code.Add(new FilterInstruction { Code = FilterOpCode.Return, K = 1 });
        int reject = emitter._code.Count;
        emitter._code.Add(new FilterInstruction { Code = FilterOpCode.Return, K = 0 });
        int Target(FilterGraph.Node n) => n.IsLeaf ? (n.Accepts ? accept : reject) : start[n];
        foreach ((int at, FilterGraph.Node t, FilterGraph.Node f) in jumps)
        {
            FilterInstruction insn = emitter._code[at];
            insn.JumpTrue = Target(t);
            insn.JumpFalse = Target(f);
            emitter._code[at] = insn;
        }

        return new FilterProgram([.. emitter._code], emitter._maxStack);
    }

    /// <summary>A program that computes every value in <paramref name="values"/>, ignoring control flow, and accepts
    /// if none of them faults (a load past the captured bytes, a division by zero): on such a frame a filter's outcome
    /// cannot depend on which tests an optimizer removed or reordered.</summary>
    public static FilterProgram EmitFaultProbe(IEnumerable<FilterValue> values)
    {
        var emitter = new FilterEmitter();
        foreach (FilterValue value in values)
        {
            emitter.Value(value);
            emitter.Add(FilterOpCode.Discard, 0, 0, -1);
        }

        emitter._code.Add(new FilterInstruction { Code = FilterOpCode.Return, K = 1 });
        return new FilterProgram([.. emitter._code], emitter._maxStack);
    }

    private void Value(FilterValue value)
    {
        switch (value)
        {
            case FilterValue.Constant c:
                Add(FilterOpCode.PushConstant, 0, c.Value, +1);
                break;

            case FilterValue.WireLength:
                Add(FilterOpCode.PushLength, 0, 0, +1);
                break;

            case FilterValue.Load load:
                EmitLoad(load);
                break;

            case FilterValue.Binary b:
                Value(b.Left);
                if (b.Right is FilterValue.Constant k)
                {
                    Add(FilterOpCode.AluConstant, (byte)b.Op, k.Value, 0);
                }
                else
                {
                    Value(b.Right);
                    Add(FilterOpCode.Alu, (byte)b.Op, 0, -1);
                }

                break;

            case FilterValue.Negate n:
                Value(n.Operand);
                Add(FilterOpCode.Negate, 0, 0, 0);
                break;
        }
    }

    // What libpcap's optimized code does: a constant index is folded into the offset (mod 2^32); a computed one is
    // added at run time (x + k, checked without wrap-around); transport loads add 4 * IHL to x first.
    private void EmitLoad(FilterValue.Load load)
    {
        byte size = (byte)load.Size;
        if (load.Index is FilterValue.Constant)
        {
            if (load.Layer == FilterLayer.Transport)
            {
                Add(FilterOpCode.LoadIpHeaderLength, 0, 0, +1);
                Add(FilterOpCode.LoadIndirect, size, load.Offset, 0);
            }
            else
            {
                Add(FilterOpCode.LoadAbsolute, size, load.Offset, +1);
            }

            return;
        }

        Value(load.Index);
        if (load.Layer == FilterLayer.Transport)
        {
            Add(FilterOpCode.LoadIpHeaderLength, 0, 0, +1);
            Add(FilterOpCode.Alu, (byte)FilterArithOp.Add, 0, -1);
        }

        Add(FilterOpCode.LoadIndirect, size, load.Offset, 0);
    }

    private void Add(FilterOpCode code, byte sub, uint k, int stackEffect)
    {
        _code.Add(new FilterInstruction { Code = code, Sub = sub, K = k });
        _stack += stackEffect;
        _maxStack = Math.Max(_maxStack, _stack);
    }
}
