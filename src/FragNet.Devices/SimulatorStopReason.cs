namespace FragNet.Devices;

/// <summary>Why a <see cref="Simulator"/> run returned.</summary>
public enum SimulatorStopReason
{
    /// <summary>No event is pending.</summary>
    Idle,

    /// <summary>The requested instant was reached; events scheduled later remain pending.</summary>
    TimeReached,

    /// <summary>The run's event limit was hit with events still due: probably a livelock (an event rescheduling
    /// itself at the same instant), or the limit was too small.</summary>
    EventLimit,

    /// <summary>An event called <see cref="Simulator.Stop"/>.</summary>
    Stopped,
}
