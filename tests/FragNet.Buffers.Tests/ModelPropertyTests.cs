using CsCheck;
using FragNet.Buffers.Verification;

namespace FragNet.Buffers.Tests;

/// <summary>Model-based properties: any sequence of operations over any shapes keeps the model and the rules, and
/// ends with every page back and each destructor run exactly once. CsCheck shrinks a failure to a minimal sequence.</summary>
public sealed class ModelPropertyTests
{
    private static readonly Gen<SkbOp> GenOp =
        Gen.Select(Gen.Int[0, Enum.GetValues<SkbOpKind>().Length - 1], Gen.Int, Gen.Int, Gen.Int)
            .Select((k, a, b, c) => new SkbOp((SkbOpKind)k, a, b, c));

    [Fact]
    public void Any_operation_sequence_keeps_bytes_rules_and_ends_with_nothing_leaked()
    {
        GenOp.Array[1, 120].Sample(
            ops =>
            {
                SkbModelReport r = SkbModel.Run(ops);
                return r.Passed;
            },
            iter: 400,
            seed: "0N0XIzNsQ0O2");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(42)]
    public void A_long_seeded_run_passes(int seed)
    {
        var gen = new SkbOpGenerator(seed);
        var ops = new List<SkbOp>();
        for (int i = 0; i < 6000; i++)
        {
            ops.Add(gen.Next());
        }

        SkbModelReport r = SkbModel.Run(ops, seed);
        Assert.True(r.Passed, r.FirstViolation?.Message);
        Assert.Equal(r.DestructorsCreated, r.DestructorRuns);
        Assert.True(r.DestructorsCreated > 0);
        Assert.Equal(7, r.Shapes.Count);
    }
}
