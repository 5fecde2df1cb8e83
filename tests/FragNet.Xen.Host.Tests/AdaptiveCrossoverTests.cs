using FragNet.Xen.Host;

namespace FragNet.Xen.Host.Tests;

/// <summary>Where adaptive netback starts to map: the smallest packet for which copying its header and mapping its
/// pages costs less than grant-copying all of it (<see cref="AdaptiveCalibration.Crossover"/>).</summary>
public sealed class AdaptiveCrossoverTests
{
    [Fact]
    public void When_a_page_maps_for_less_than_copying_most_of_one_single_page_packets_past_the_crossover_are_mapped()
    {
        // 200 + 128 × 0.125 + 300 < 200 + n × 0.125 from n = 2529 on; sizes are tried in steps of 64.
        Assert.Equal(2560, AdaptiveCalibration.Crossover(mapPerPage: 300, copyFixed: 200, copyPerByte: 0.125, header: 128));
    }

    [Fact]
    public void Copying_in_cache_is_cheap_enough_that_only_packets_of_two_pages_or_more_are_mapped()
    {
        // One page never pays (128 + 250 / 0.05 > 4096); two pages do from 128 + (2 × 250 − 160) / 0.05 = 6928 on.
        Assert.Equal(6976, AdaptiveCalibration.Crossover(mapPerPage: 250, copyFixed: 160, copyPerByte: 0.05, header: 128));
    }

    [Fact]
    public void When_mapping_a_page_costs_more_than_copying_one_every_packet_is_copied()
    {
        Assert.Equal(int.MaxValue, AdaptiveCalibration.Crossover(mapPerPage: 5000, copyFixed: 200, copyPerByte: 0.125, header: 128));
    }
}
