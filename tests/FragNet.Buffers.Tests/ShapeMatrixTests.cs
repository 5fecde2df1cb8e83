using FragNet.Buffers.Verification;

namespace FragNet.Buffers.Tests;

/// <summary>
/// Every operation over every shape, through the model checker: bytes against the flat model, rules 3 and 8 after the
/// step, and at the end every page back and every destructor run exactly once.
/// </summary>
public sealed class ShapeMatrixTests
{
    public static TheoryData<SkbShape, SkbOpKind> Matrix()
    {
        var data = new TheoryData<SkbShape, SkbOpKind>();
        foreach (SkbShape shape in Enum.GetValues<SkbShape>())
        {
            foreach (SkbOpKind op in Enum.GetValues<SkbOpKind>())
            {
                if (op != SkbOpKind.Create)
                {
                    data.Add(shape, op);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public void Operation_on_shape_keeps_bytes_and_references_right(SkbShape shape, SkbOpKind kind)
    {
        int executed = 0;
        for (int variant = 0; variant < 24; variant++)
        {
            // Two buffers of the shape (ops with two operands pick among them), then the operation, then it again.
            SkbOp[] ops =
            [
                new(SkbOpKind.Create, (int)shape, variant * 7919, variant),
                new(SkbOpKind.Create, (int)shape, variant * 104729, variant + 1),
                new(SkbOpKind.DmaMap, 0, variant, variant * 3),
                new(kind, variant, variant + 1, variant * 2654435),
                new(kind, variant + 1, variant, variant * 40503),
            ];
            SkbModelReport report = SkbModel.Run(ops);
            Assert.True(report.Passed, $"{shape}/{kind} variant {variant}: {report.FirstViolation?.Message} leaks p{report.LeakedPages} d{report.LeakedDestructors} b{report.LeakedBuffers}");
            Assert.Contains(SkbModel.ShapeName(shape), report.Shapes);
            executed += (int)report.Operations.GetValueOrDefault(kind.ToString());
        }

        if (!NeverApplies(shape, kind))
        {
            Assert.True(executed > 0, $"{kind} never ran on {shape}");
        }
    }

    /// <summary>Pairs whose preconditions the shape never meets, so the step is skipped by design.</summary>
    private static bool NeverApplies(SkbShape shape, SkbOpKind kind) => (shape, kind) switch
    {
        (_, SkbOpKind.ReleaseCreator) => shape != SkbShape.Destructor, // only lenders have creator references
        (SkbShape.Linear, SkbOpKind.DmaMap or SkbOpKind.DmaUnmap) => true, // nothing paged to map
        (SkbShape.Linear, SkbOpKind.Shift) => true, // skb_shift moves paged bytes only
        (SkbShape.FragList, SkbOpKind.AppendToFragList) => true, // members may not bring a frag list of their own
        (SkbShape.Cloned, SkbOpKind.AppendToFragList) => true, // a cloned parent's data buffer is shared
        _ => false,
    };
}
