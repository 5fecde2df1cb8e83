namespace FragNet.Buffers.Verification;

/// <summary>Produces a weighted random stream of <see cref="SkbOp"/> from a seed (the same seed, the same stream).</summary>
public sealed class SkbOpGenerator
{
    private static readonly (SkbOpKind Kind, int Weight)[] Weights =
    [
        (SkbOpKind.Create, 14), (SkbOpKind.Clone, 8), (SkbOpKind.PskbCopy, 6), (SkbOpKind.Copy, 3),
        (SkbOpKind.ExpandHead, 4), (SkbOpKind.PullTail, 6), (SkbOpKind.Pull, 4), (SkbOpKind.Push, 3),
        (SkbOpKind.Trim, 6), (SkbOpKind.Linearize, 3), (SkbOpKind.Segment, 4), (SkbOpKind.Split, 6),
        (SkbOpKind.Shift, 5), (SkbOpKind.TryCoalesce, 4), (SkbOpKind.OrphanFrags, 4),
        (SkbOpKind.AppendToFragList, 3), (SkbOpKind.Unshare, 2), (SkbOpKind.DmaMap, 4), (SkbOpKind.DmaUnmap, 4),
        (SkbOpKind.ReleaseCreator, 5), (SkbOpKind.Free, 16),
    ];

    private static readonly int TotalWeight = Weights.Sum(w => w.Weight);

    private readonly Random _random;

    public SkbOpGenerator(int seed) => _random = new Random(seed);

    /// <summary>The next operation.</summary>
    public SkbOp Next()
    {
        int pick = _random.Next(TotalWeight);
        SkbOpKind kind = SkbOpKind.Free;
        foreach ((SkbOpKind k, int w) in Weights)
        {
            if (pick < w)
            {
                kind = k;
                break;
            }

            pick -= w;
        }

        return new SkbOp(kind, _random.Next(), _random.Next(), _random.Next());
    }

    /// <summary>All operation kinds, for property-test generators.</summary>
    public static IReadOnlyList<SkbOpKind> Kinds => Weights.Select(w => w.Kind).ToArray();
}
