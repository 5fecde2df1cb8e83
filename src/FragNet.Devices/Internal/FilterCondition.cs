namespace FragNet.Devices.Internal;

/// <summary>
/// A boolean condition of a compiled filter: comparisons combined by all/any/not, with protocol guards made explicit
/// comparisons. The factory methods fold constants as libpcap's optimizer does: <c>x or true</c> is true (without
/// evaluating <c>x</c>), <c>x and false</c> is false.
/// </summary>
internal abstract class FilterCondition
{
    public static readonly FilterCondition True = new Constant(true);
    public static readonly FilterCondition False = new Constant(false);

    public static FilterCondition All(IEnumerable<FilterCondition> items)
    {
        var list = new List<FilterCondition>();
        foreach (FilterCondition item in items)
        {
            switch (item)
            {
                case Constant { Value: true }:
                    break;
                case Constant { Value: false }:
                    return False;
                case AllOf all:
                    list.AddRange(all.Items);
                    break;
                default:
                    list.Add(item);
                    break;
            }
        }

        return list.Count switch
        {
            0 => True,
            1 => list[0],
            _ => new AllOf(list),
        };
    }

    public static FilterCondition Any(IEnumerable<FilterCondition> items)
    {
        var list = new List<FilterCondition>();
        foreach (FilterCondition item in items)
        {
            switch (item)
            {
                case Constant { Value: false }:
                    break;
                case Constant { Value: true }:
                    return True;
                case AnyOf any:
                    list.AddRange(any.Items);
                    break;
                default:
                    list.Add(item);
                    break;
            }
        }

        return list.Count switch
        {
            0 => False,
            1 => list[0],
            _ => new AnyOf(list),
        };
    }

    public static FilterCondition Not(FilterCondition item) => item switch
    {
        Constant c => c.Value ? False : True,
        Negation n => n.Item,
        _ => new Negation(item),
    };

    public static FilterCondition Compare(FilterRelation op, FilterValue left, FilterValue right) =>
        left is FilterValue.Constant a && right is FilterValue.Constant b
            ? (Holds(op, a.Value, b.Value) ? True : False)
            : new Comparison(op, left, right);

    public static bool Holds(FilterRelation op, uint a, uint b) => op switch
    {
        FilterRelation.Equal => a == b,
        FilterRelation.NotEqual => a != b,
        FilterRelation.Less => a < b,
        FilterRelation.LessEqual => a <= b,
        FilterRelation.Greater => a > b,
        _ => a >= b,
    };

    internal sealed class Constant(bool value) : FilterCondition
    {
        public bool Value { get; } = value;
    }

    internal sealed class AllOf(List<FilterCondition> items) : FilterCondition
    {
        public List<FilterCondition> Items { get; } = items;
    }

    internal sealed class AnyOf(List<FilterCondition> items) : FilterCondition
    {
        public List<FilterCondition> Items { get; } = items;
    }

    internal sealed class Negation(FilterCondition item) : FilterCondition
    {
        public FilterCondition Item { get; } = item;
    }

    internal sealed class Comparison(FilterRelation op, FilterValue left, FilterValue right) : FilterCondition
    {
        public FilterRelation Op { get; } = op;

        public FilterValue Left { get; } = left;

        public FilterValue Right { get; } = right;
    }
}
