using FragNet.Buffers;
using FragNet.Stack;

namespace FragNet.Devices;

/// <summary>Drives one <see cref="NetInterface"/> in a <see cref="Simulator"/>: delivers received frames and runs
/// <see cref="NetInterface.Poll"/> exactly when <see cref="NetInterface.PollAt"/> asks (smoltcp's poll loop, in
/// virtual time).</summary>
public sealed class SimulatedHost : ISimulatorEvent
{
    private readonly Simulator _simulator;
    private SimulatorEventId _pending;
    private Instant _pendingAt = Instant.MaxValue;

    public SimulatedHost(Simulator simulator, NetInterface stack, SimulatedNic nic)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(nic);
        _simulator = simulator;
        Stack = stack;
        Nic = nic;
        nic.Host = this;
    }

    public NetInterface Stack { get; }

    public SimulatedNic Nic { get; }

    /// <summary>Re-reads the stack's next deadline after anything changed it (a frame, an application call).</summary>
    public void Kick()
    {
        Instant at = Instant.Max(Stack.PollAt(), _simulator.Now);
        if (at == Instant.MaxValue || at >= _pendingAt)
        {
            return;
        }

        if (_pendingAt != Instant.MaxValue)
        {
            _simulator.Cancel(_pending);
        }

        _pendingAt = at;
        _pending = _simulator.Schedule(at, this);
    }

    internal void Receive(SkBuff frame, Instant now)
    {
        Stack.Receive(frame, now);
        Kick();
    }

    void ISimulatorEvent.Run(Simulator simulator, long tag)
    {
        _pendingAt = Instant.MaxValue;
        Stack.Poll(simulator.Now);
        Kick();
    }
}
