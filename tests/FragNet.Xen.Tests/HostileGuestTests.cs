using FragNet.Xen.Testbed;

namespace FragNet.Xen.Tests;

/// <summary>
/// Guests that break the protocol, one case each (<see cref="HostileMatrix"/>, the same matrix
/// <c>fragnet xen hostile</c> prints): netback answers with an error and counts a drop, or disconnects the vif where
/// Linux netback treats the error as fatal — never a crash, never a leak, never a mapping left behind, and the
/// backend keeps working.
/// </summary>
public sealed class HostileGuestTests
{
    public static TheoryData<string> Cases => new(HostileMatrix.CaseNames);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Netback_handles_the_hostile_guest_case(string name)
    {
        (HostileCaseResult result, XenLeakReport leaks) = HostileMatrix.Run(name);
        Assert.True(result.Handled, $"{result.Name}: expected {result.Expected}, observed {result.Observed}");
        Assert.True(result.BackendAlive);
        Assert.True(leaks.IsClean, leaks.ToString());
    }

    [Fact]
    public void The_matrix_covers_every_case_the_issue_lists()
    {
        string[] required =
        [
            "ungranted-gref", "read-only-rx-buffer", "cross-page-slot", "zero-size", "sizes-exceed-total", "nineteen-slots",
            "eighteen-slots", "ring-overflow", "double-fetch", "end-access-while-mapped", "stops-posting-rx", "event-storm",
            "bad-gso-extra", "runt-frame",
        ];
        Assert.Subset(HostileMatrix.CaseNames.ToHashSet(), required.ToHashSet());
    }
}
