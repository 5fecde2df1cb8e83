using System.Globalization;

namespace FragNet.Devices.Internal;

/// <summary>
/// An arithmetic value of a compiled filter (the intermediate form between the syntax tree and the program): guards
/// already split off, constants folded. <see cref="Key"/> plays the part of libpcap's value numbers: two values with
/// the same key are computed by the same loads and operations, so they are equal for the same frame.
/// </summary>
internal abstract class FilterValue
{
    private string? _key;

    public string Key => _key ??= ComputeKey();

    protected abstract string ComputeKey();

    internal sealed class Constant(uint value) : FilterValue
    {
        public uint Value { get; } = value;

        protected override string ComputeKey() => string.Create(CultureInfo.InvariantCulture, $"#{Value}");
    }

    internal sealed class WireLength : FilterValue
    {
        protected override string ComputeKey() => "len";
    }

    /// <summary>A load of <see cref="Size"/> bytes at <see cref="Index"/> from the start of <see cref="Layer"/>.</summary>
    internal sealed class Load(FilterLayer layer, int size, FilterValue index) : FilterValue
    {
        public FilterLayer Layer { get; } = layer;

        public int Size { get; } = size;

        public FilterValue Index { get; } = index;

        /// <summary>The constant part of the BPF offset: the index folded in (mod 2^32) if it is constant, else the
        /// link-layer header length (0 for <see cref="FilterLayer.Link"/>).</summary>
        public uint Offset => Index is Constant c
            ? unchecked(LayerStart + c.Value)
            : LayerStart;

        private uint LayerStart => Layer == FilterLayer.Link ? 0u : FilterCompiler.EthernetHeaderLength;

        // As BPF addresses it: ld [k], ld [x + k] with x the index, or with x = index + 4 * IHL for transport loads.
        protected override string ComputeKey() => (Layer, Index) switch
        {
            (FilterLayer.Transport, Constant) => string.Create(CultureInfo.InvariantCulture, $"[ihl+{Offset}:{Size}]"),
            (_, Constant) => string.Create(CultureInfo.InvariantCulture, $"[{Offset}:{Size}]"),
            (FilterLayer.Transport, _) => string.Create(CultureInfo.InvariantCulture, $"[({Index.Key}+ihl)+{Offset}:{Size}]"),
            _ => string.Create(CultureInfo.InvariantCulture, $"[{Index.Key}+{Offset}:{Size}]"),
        };
    }

    internal sealed class Binary(FilterArithOp op, FilterValue left, FilterValue right) : FilterValue
    {
        public FilterArithOp Op { get; } = op;

        /// <summary>An error libpcap's optimizer reports only if this operation survives optimization (a division
        /// by a right operand that folds to zero, a shift of a variable by a constant over 31): reported after the
        /// graph is optimized, if the operation is still reachable. <see cref="ErrorPosition"/> locates it.</summary>
        public string? PendingError { get; init; }

        public int ErrorPosition { get; init; }

        public FilterValue Left { get; } = left;

        public FilterValue Right { get; } = right;

        protected override string ComputeKey() => $"({Left.Key} {FilterNames.Of(Op)} {Right.Key})";
    }

    internal sealed class Negate(FilterValue operand) : FilterValue
    {
        public FilterValue Operand { get; } = operand;

        protected override string ComputeKey() => $"-{Operand.Key}";
    }
}
