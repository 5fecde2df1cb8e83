namespace FragNet.Xen.Testbed;

/// <summary>
/// How one benchmarked mode compares with another that took turns with it in one session: the median, over the rounds,
/// of the ratio of their throughputs in that round, with a 95 % confidence interval for that median.
/// </summary>
/// <remarks>
/// <para><b>Why pairs of slices.</b> The modes of a session take turns in slices of a few tens of milliseconds, so
/// the two slices of one round saw nearly the same machine: another tenant's burst or a frequency change falls on both.
/// The ratio within a round cancels that drift; the median of the rounds' ratios is not moved by a slice that was hit
/// by a burst, as a ratio of sums would be.</para>
/// <para><b>The interval</b> is the distribution-free one for a median: the <c>j</c>-th and <c>k</c>-th smallest of
/// the <c>n</c> ratios, <c>j = round(n/2 − 1.96·√n/2)</c> and <c>k = round(1 + n/2 + 1.96·√n/2)</c> (clamped to the
/// ratios there are). It assumes only that the rounds are independent draws, so with a few dozen rounds it says
/// honestly whether a one-percent difference was measured or is lost in the noise.</para>
/// </remarks>
/// <param name="Ratio">Median of the per-round ratios (first mode over second).</param>
/// <param name="Low">Lower end of the 95 % interval for that median.</param>
/// <param name="High">Upper end.</param>
/// <param name="Rounds">Rounds compared (pairs of slices).</param>
public sealed record SliceComparison(double Ratio, double Low, double High, int Rounds)
{
    /// <summary>Compares the slices of <paramref name="first"/> with those of <paramref name="second"/> (throughputs
    /// in any one unit, in the order measured), pairing the k-th slice of each; null if there is no pair with a
    /// positive throughput on both sides.</summary>
    public static SliceComparison? Of(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        var ratios = new List<double>();
        for (int k = 0; k < Math.Min(first.Count, second.Count); k++)
        {
            if (first[k] > 0 && second[k] > 0)
            {
                ratios.Add(first[k] / second[k]);
            }
        }

        int n = ratios.Count;
        if (n == 0)
        {
            return null;
        }

        ratios.Sort();
        double median = n % 2 == 1 ? ratios[n / 2] : (ratios[(n / 2) - 1] + ratios[n / 2]) / 2;
        double half = 1.96 * Math.Sqrt(n) / 2;
        int j = Math.Max(1, (int)Math.Round((n / 2.0) - half, MidpointRounding.AwayFromZero));
        int k2 = Math.Min(n, (int)Math.Round(1 + (n / 2.0) + half, MidpointRounding.AwayFromZero));
        return new SliceComparison(median, ratios[j - 1], ratios[k2 - 1], n);
    }
}
