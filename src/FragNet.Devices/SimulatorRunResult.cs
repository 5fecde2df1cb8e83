namespace FragNet.Devices;

/// <summary>How a <see cref="Simulator"/> run ended.</summary>
/// <param name="Reason">Why it returned.</param>
/// <param name="EventsRun">Events run by this call.</param>
/// <param name="Now">Virtual time when it returned.</param>
public readonly record struct SimulatorRunResult(SimulatorStopReason Reason, long EventsRun, Instant Now)
{
    /// <summary>True if the run hit its event limit.</summary>
    public bool HitEventLimit => Reason == SimulatorStopReason.EventLimit;
}
