using FragNet.Xen.CrossProcess;
using FragNet.Xen.Netif;

namespace FragNet.Xen.Host.Tests;

/// <summary>
/// Netback here, the guest in its own process (memfd memory, eventfd event channels), in both mapping models: packets
/// of random sizes and first-slot offsets arrive byte for byte intact, every request is answered, and at the end
/// nothing is mapped, pinned or referenced, every fragment destructor ran once and the guest could end every grant.
/// Real time, so every wait is bounded and the guest is killed if the run fails.
/// </summary>
public sealed class CrossProcessTransferTests
{
    public static TheoryData<MappingModel, NetbackMode> Cases => new()
    {
        { MappingModel.Premapped, NetbackMode.Copy },
        { MappingModel.Premapped, NetbackMode.MapDestructor },
        { MappingModel.Premapped, NetbackMode.MapForeign },
        { MappingModel.Premapped, NetbackMode.CopyHeaderMapRest },
        { MappingModel.Premapped, NetbackMode.Adaptive },
        { MappingModel.PerGrant, NetbackMode.Copy },
        { MappingModel.PerGrant, NetbackMode.MapDestructor },
        { MappingModel.PerGrant, NetbackMode.CopyHeaderMapRest },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_guest_process_sends_packets_of_every_size_through_netback_intact(MappingModel mapping, NetbackMode mode)
    {
        CrossProcessReport r = CrossProcessSession.Run(new CrossProcessOptions
        {
            Frontend = GuestProcess.Command,
            Mode = mode,
            Mapping = mapping,
            Workload = GuestWorkload.Verify,
            Seed = 7,
            Warmup = TimeSpan.Zero,
            Duration = TimeSpan.FromSeconds(1),
            PacketLimit = 300,
            AdaptiveThreshold = mode == NetbackMode.Adaptive ? 2048 : null,
        });

        Assert.True(r.FrontendExitCode == 0, r.FrontendOutput);
        Assert.True(r.VifStayedConnected, r.DisconnectReason ?? r.FrontendOutput);
        Assert.True(r.PacketsChecked >= 20, $"only {r.PacketsChecked} packets in a second");
        Assert.Equal(0, r.PacketsBad);
        Assert.Equal(r.Guest.PacketsSent, r.Guest.PacketsAnswered);
        Assert.Equal(0, r.Guest.ErrorResponses);
        AssertNothingLeaked(r);
        if (mode == NetbackMode.Copy)
        {
            Assert.Equal(0, r.GrantMaps);
        }
        else
        {
            Assert.True(r.GrantMaps > 0);
        }

        // Per grant, every map is its own mmap (the two ring maps happened before the measurement).
        Assert.Equal(mapping == MappingModel.PerGrant ? r.GrantMaps : 0, r.Mmaps);
    }

    [Fact]
    public void Interleaved_modes_each_get_their_slices_and_adaptive_learns_on_the_live_traffic()
    {
        CrossProcessReport r = CrossProcessSession.Run(new CrossProcessOptions
        {
            Frontend = GuestProcess.Command,
            Mode = NetbackMode.Copy,
            InterleavedModes = [NetbackMode.Copy, NetbackMode.MapDestructor, NetbackMode.Adaptive],
            Workload = GuestWorkload.Bench,
            PacketSize = 1500,
            Warmup = TimeSpan.FromSeconds(0.2),
            Duration = TimeSpan.FromSeconds(0.2),
        });

        Assert.True(r.FrontendExitCode == 0, r.FrontendOutput);
        Assert.True(r.VifStayedConnected, r.DisconnectReason ?? r.FrontendOutput);
        Assert.Equal([NetbackMode.Copy, NetbackMode.MapDestructor, NetbackMode.Adaptive], r.Interleaved.Select(x => x.Mode));
        Assert.All(r.Interleaved, x => Assert.True(x.Slices >= 2 && x.Packets > 0, $"{x.Mode}: {x.Slices} slices, {x.Packets} packets"));
        CrossProcessMeasurement copy = r.Interleaved[0];
        CrossProcessMeasurement mapped = r.Interleaved[1];
        Assert.Equal((0L, copy.Packets * 1500), (copy.GrantMaps, copy.BytesCopied));
        Assert.Equal((mapped.Packets, 0L), (mapped.GrantMaps, mapped.BytesCopied));
        Assert.True(r.Interleaved.Sum(x => x.Packets) <= r.Packets, "slices count only packets of the measurement");

        AdaptiveSizeClass learned = Assert.Single(r.Adaptive);
        Assert.Equal((1024, 2047), (learned.MinSize, learned.MaxSize));
        Assert.NotNull(learned.Chosen);
        Assert.Equal(4, learned.NsPerPacket.Count);
        Assert.All(learned.NsPerPacket.Values, ns => Assert.True(ns > 0));
        AssertNothingLeaked(r);
    }

    [Fact]
    public void A_single_interleaved_mode_is_measured_over_the_whole_run()
    {
        CrossProcessReport r = CrossProcessSession.Run(new CrossProcessOptions
        {
            Frontend = GuestProcess.Command,
            Mode = NetbackMode.MapDestructor,
            InterleavedModes = [NetbackMode.MapDestructor],
            Workload = GuestWorkload.Bench,
            PacketSize = 1500,
            Warmup = TimeSpan.FromSeconds(0.1),
            Duration = TimeSpan.FromSeconds(0.2),
        });

        Assert.True(r.FrontendExitCode == 0, r.FrontendOutput);
        CrossProcessMeasurement only = Assert.Single(r.Interleaved);
        Assert.Equal(NetbackMode.MapDestructor, only.Mode);
        Assert.True(only.Packets > 0, "one mode alone was not measured");
        Assert.Equal((r.Packets, r.Packets), (only.Packets, only.GrantMaps));
        AssertNothingLeaked(r);
    }

    internal static void AssertNothingLeaked(CrossProcessReport r)
    {
        Assert.True(r.Leaks.IsClean, r.Leaks.ToString());
        Assert.True(r.MemoryReleased, "a guest page is still referenced or a per-grant view still mapped");
        Assert.Equal(0, r.Guest.GrantsNotEnded);
    }
}
