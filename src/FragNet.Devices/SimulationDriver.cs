using FragNet.Stack;

namespace FragNet.Devices;

/// <summary>
/// The application loop of a simulation: after every <see cref="Simulator"/> event it polls each sans-IO participant
/// (RPC clients and servers, an application's state machine, the hosts), and it keeps one wakeup event at the earliest
/// deadline they report, so timers fire at their virtual instant even when no frame arrives.
/// </summary>
/// <remarks>Participants are polled in the order they were added. A deadline already due when polled is handled by that
/// poll; the wakeup is never scheduled at the current instant, so a participant that keeps reporting a past deadline
/// cannot spin the loop.</remarks>
public sealed class SimulationDriver : ISimulatorEvent, IEventLoop
{
    private readonly LoopParticipants _participants = new();
    private Instant _wakeupAt = Instant.MaxValue;
    private SimulatorEventId _wakeup;

    public SimulationDriver(Simulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        Simulator = simulator;
    }

    public Simulator Simulator { get; }

    /// <summary>The simulator's virtual time.</summary>
    public Instant Now => Simulator.Now;

    /// <summary>Adds a participant: <paramref name="poll"/> runs after every event; <paramref name="pollAt"/>, if
    /// given, says when it next needs a poll with nothing else happening.</summary>
    public SimulationDriver Add(Action<Instant> poll, Func<Instant>? pollAt = null)
    {
        _participants.Add(poll, pollAt);
        return this;
    }

    void IEventLoop.Add(Action<Instant> poll, Func<Instant>? pollAt) => Add(poll, pollAt);

    /// <inheritdoc/>
    public bool Remove(Action<Instant> poll) => _participants.Remove(poll);

    /// <summary>Participants in the loop (those removed during the current turn not counted).</summary>
    public int Participants => _participants.Count;

    /// <summary>Adds a host: it re-reads its stack's deadline after the others ran (they may have queued data).</summary>
    public SimulationDriver Add(SimulatedHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Add(_ => host.Kick());
    }

    /// <summary>Polls every participant now and re-arms the wakeup.</summary>
    public void PollAll()
    {
        Instant now = Simulator.Now;
        _participants.PollAll(now);
        Instant next = _participants.NextDeadline(); // one removed during this turn reports none
        if (next == _wakeupAt)
        {
            return;
        }

        if (_wakeupAt != Instant.MaxValue)
        {
            Simulator.Cancel(_wakeup);
        }

        _wakeupAt = next;
        if (next != Instant.MaxValue)
        {
            _wakeup = Simulator.Schedule(Instant.Max(next, now + Duration.FromMicroseconds(1)), this);
        }
    }

    /// <summary>Polls, then runs events (polling after each) until <paramref name="done"/> holds — true — or the
    /// next event lies past <paramref name="limit"/> from now or there is none — false.</summary>
    public bool RunUntil(Func<bool> done, Duration limit)
    {
        ArgumentNullException.ThrowIfNull(done);
        Instant until = Simulator.Now + limit;
        while (true)
        {
            PollAll();
            if (done())
            {
                return true;
            }

            if (Simulator.NextEventTime > until || !Simulator.RunNext())
            {
                return false;
            }
        }
    }

    /// <summary>Runs every event within <paramref name="duration"/>, polling after each, and ends with the clock
    /// <paramref name="duration"/> later even if the last event came earlier.</summary>
    public void RunFor(Duration duration)
    {
        Simulator.Schedule(Simulator.Now + duration, EndOfWindow.Instance);
        RunUntil(static () => false, duration);
    }

    void ISimulatorEvent.Run(Simulator simulator, long tag) => _wakeupAt = Instant.MaxValue; // the loop polls next

    /// <summary>A no-op event that carries the clock to the end of a <see cref="RunFor"/> window.</summary>
    private sealed class EndOfWindow : ISimulatorEvent
    {
        public static readonly EndOfWindow Instance = new();

        public void Run(Simulator simulator, long tag)
        {
        }
    }
}
