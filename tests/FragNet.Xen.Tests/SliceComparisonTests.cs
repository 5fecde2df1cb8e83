using FragNet.Xen.Testbed;

namespace FragNet.Xen.Tests;

/// <summary>
/// Comparing two modes that took turns in one session: the k-th slice of one is paired with the k-th of the other,
/// the ratio is the median of the pairs' ratios, and the interval is the distribution-free 95 % one for a median.
/// </summary>
public sealed class SliceComparisonTests
{
    [Fact]
    public void The_ratio_is_the_median_of_the_rounds_ratios_so_one_burst_does_not_move_it()
    {
        double[] adaptive = [10, 10, 10, 10, 1]; // the last slice was hit by another tenant's burst
        double[] best = [10, 10, 10, 10, 10];
        SliceComparison c = SliceComparison.Of(adaptive, best)!;
        Assert.Equal(1.0, c.Ratio);
        Assert.Equal(5, c.Rounds);
    }

    [Fact]
    public void The_interval_is_the_order_statistics_around_the_median()
    {
        // 100 rounds whose ratios are 0.951, 0.952, … 1.050: the median is between the 50th and 51st, and the
        // interval runs from the 40th to the 61st smallest (j = round(50 - 9.8), k = round(51 + 9.8)).
        double[] first = [.. Enumerable.Range(1, 100).Select(i => 0.95 + (i / 1000.0))];
        double[] second = [.. Enumerable.Repeat(1.0, 100)];
        SliceComparison c = SliceComparison.Of(first, second)!;
        Assert.Equal(1.0005, c.Ratio, 9);
        Assert.Equal(0.990, c.Low, 9);
        Assert.Equal(1.011, c.High, 9);
        Assert.Equal(100, c.Rounds);
    }

    [Fact]
    public void Slices_pair_by_order_and_the_unpaired_or_empty_ones_are_left_out()
    {
        SliceComparison c = SliceComparison.Of([2, 0, 4, 9], [1, 1, 2])!; // the 9 has no partner, the 0 no throughput
        Assert.Equal(2, c.Rounds);
        Assert.Equal(2.0, c.Ratio);
        Assert.Null(SliceComparison.Of([], [1, 2]));
        Assert.Null(SliceComparison.Of([0], [1]));
    }
}
