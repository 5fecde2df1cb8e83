using FragNet.Xen.Testbed;

namespace FragNet.Xen.Host.Tests;

/// <summary>
/// The double fetch with a real second process: the guest keeps rewriting each request after producing it (and
/// revoking and restoring the grant behind the table's back) while netback reads it. Netback must act on its one copy:
/// no delivered packet is inconsistent with a single copy of the slot, the vif stays connected, nothing leaks.
/// </summary>
public sealed class CrossProcessHostileTests
{
    public static TheoryData<string> Cases => new(CrossProcessHostile.CaseNames);

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_guest_process_rewriting_its_requests_cannot_make_netback_use_a_value_it_did_not_check(string name)
    {
        (HostileCaseResult result, XenLeakReport leaks) = CrossProcessHostile.Run(name, GuestProcess.Command, TimeSpan.FromSeconds(0.5));
        Assert.True(result.Handled, result.Observed);
        Assert.True(result.BackendAlive);
        Assert.True(leaks.IsClean, leaks.ToString());
    }
}
