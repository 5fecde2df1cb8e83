using Xunit;

namespace FragNet.Testing;

/// <summary>
/// A test that needs root (network namespaces, TAP devices, real peers). It runs in CI, where root is required and a
/// missing privilege fails the test; outside CI without root it is skipped, and the skip reason says so loudly.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Privileges.IsRoot && !Privileges.IsCi)
        {
            Skip = "SKIPPED — NEEDS ROOT: this test creates network namespaces and TAP devices; run it as root (CI always does)";
        }
    }
}
