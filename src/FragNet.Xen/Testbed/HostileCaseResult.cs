namespace FragNet.Xen.Testbed;

/// <summary>One row of the hostile-guest matrix.</summary>
/// <param name="Name">The case.</param>
/// <param name="Expected">What Linux netback does, and so what netback must do.</param>
/// <param name="Observed">What netback did (counters, state).</param>
/// <param name="Handled">Observed matches expected, nothing leaked, nothing threw.</param>
/// <param name="BackendAlive">The backend still works: the vif serves traffic, or (after a fatal error) it is cleanly
/// disconnected and the backend's stack still runs.</param>
public sealed record HostileCaseResult(string Name, string Expected, string Observed, bool Handled, bool BackendAlive);
