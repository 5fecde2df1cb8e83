using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using FragNet.Buffers;

namespace FragNet.Xen.Tests;

/// <summary>The whole test assembly runs in <see cref="LeakMode.Throw"/>, set before any test (and so independent of
/// which test happens to run first): every take and drop is recorded and a leak check that finds anything throws.</summary>
internal static class TrackingSetup
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "A test assembly: the mode must hold before the first test runs, whichever it is.")]
    internal static void TrackEverything() => RefTracking.Mode = LeakMode.Throw;
}
