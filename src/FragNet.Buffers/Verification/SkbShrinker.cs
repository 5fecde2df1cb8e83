namespace FragNet.Buffers.Verification;

/// <summary>
/// Shrinks a failing step sequence to a small one that still fails (delta debugging: drop chunks, then single steps,
/// keeping any removal after which the run still fails). Steps are interpreted modulo the state they meet, so every
/// subsequence is a valid run.
/// </summary>
public static class SkbShrinker
{
    /// <summary>Returns a shorter sequence for which <see cref="SkbModel.Run"/> still does not pass, trying at most
    /// <paramref name="budget"/> replays.</summary>
    public static List<SkbOp> Shrink(IReadOnlyList<SkbOp> failing, int budget = 400)
    {
        var current = new List<SkbOp>(failing);
        int replays = 0;
        for (int chunk = Math.Max(1, current.Count / 2); chunk >= 1 && replays < budget; chunk /= 2)
        {
            bool removed = true;
            while (removed && replays < budget)
            {
                removed = false;
                for (int start = 0; start + chunk <= current.Count && replays < budget;)
                {
                    var candidate = new List<SkbOp>(current.Count - chunk);
                    candidate.AddRange(current.Take(start));
                    candidate.AddRange(current.Skip(start + chunk));
                    replays++;
                    if (candidate.Count > 0 && !SkbModel.Run(candidate).Passed)
                    {
                        current = candidate;
                        removed = true;
                    }
                    else
                    {
                        start += chunk;
                    }
                }
            }
        }

        return current;
    }
}
