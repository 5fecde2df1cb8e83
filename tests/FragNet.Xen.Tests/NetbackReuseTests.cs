using FragNet.Xen.Netif;
using FragNet.Xen.Testbed;

namespace FragNet.Xen.Tests;

/// <summary>Netback in steady state reuses what it made: a guest that sends from the same frames again and again costs
/// one alias page per frame, however many packets, and one pending packet (with its destructor) per packet in flight;
/// every packet is still answered exactly once, after its destructor ran, and nothing is left at the end.</summary>
public sealed class NetbackReuseTests
{
    [Theory]
    [InlineData(NetbackMode.MapDestructor, 1500)]
    [InlineData(NetbackMode.MapDestructor, 65535)]
    [InlineData(NetbackMode.MapForeign, 65535)]
    [InlineData(NetbackMode.CopyHeaderMapRest, 9000)]
    public void Repeated_maps_of_the_guest_frames_reuse_their_alias_pages_and_answer_every_packet_once(NetbackMode mode, int size)
    {
        var bench = new NetbackBench(mode, size);
        const int Packets = 600;
        Assert.Equal(Packets, bench.Run(Packets));
        int pages = (size + 4095) / 4096;
        long maps = bench.GrantMaps;
        Assert.True(maps >= Packets * (mode == NetbackMode.CopyHeaderMapRest ? pages - 1 : pages));

        // The guest's window is at most 64 blocks: the aliases made are bounded by its frames, not by the packets.
        Assert.InRange(bench.AliasPagesMade, 1, 64 * pages);
        Assert.True(bench.AliasPagesMade * 4 < maps);
        if (mode != NetbackMode.MapForeign)
        {
            Assert.Equal(bench.Destructors.Created, bench.Destructors.Run);
            Assert.Equal(Packets, bench.Destructors.Created);
        }

        bench.Dispose();
        Assert.True(bench.Leaks.IsClean, bench.Leaks.ToString());
    }
}
