namespace FragNet.Devices;

/// <summary>
/// Something that happens at a scheduled instant of a <see cref="Simulator"/>: a frame arriving at the end of a link,
/// a timer firing. Implement it on the object that owns the state (a link, a device) and pass a <c>tag</c> to tell
/// its events apart, so scheduling allocates nothing.
/// </summary>
public interface ISimulatorEvent
{
    /// <summary>Runs the event. <see cref="Simulator.Now"/> is the instant it was scheduled for; it may schedule and
    /// cancel other events (and itself again).</summary>
    /// <param name="simulator">The simulator running the event.</param>
    /// <param name="tag">The tag given when the event was scheduled.</param>
    void Run(Simulator simulator, long tag);
}
