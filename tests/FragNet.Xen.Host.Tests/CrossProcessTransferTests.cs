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
    public void The_adaptive_mode_measures_its_threshold_on_the_live_grant()
    {
        CrossProcessReport r = CrossProcessSession.Run(new CrossProcessOptions
        {
            Frontend = GuestProcess.Command,
            Mode = NetbackMode.Adaptive,
            Workload = GuestWorkload.Bench,
            PacketSize = 1500,
            Warmup = TimeSpan.Zero,
            Duration = TimeSpan.FromSeconds(0.3),
        });

        Assert.True(r.FrontendExitCode == 0, r.FrontendOutput);
        Assert.NotNull(r.Calibration);
        Assert.True(r.Calibration.MapNsPerPage > 0);
        Assert.True(r.Calibration.CopyNsPerByte > 0);
        Assert.True(r.Calibration.Threshold >= 0);
        AssertNothingLeaked(r);
    }

    internal static void AssertNothingLeaked(CrossProcessReport r)
    {
        Assert.True(r.Leaks.IsClean, r.Leaks.ToString());
        Assert.True(r.MemoryReleased, "a guest page is still referenced or a per-grant view still mapped");
        Assert.Equal(0, r.Guest.GrantsNotEnded);
    }
}
