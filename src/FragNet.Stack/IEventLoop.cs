namespace FragNet.Stack;

/// <summary>
/// What drives a sans-IO world: the simulator's driver in virtual time, or the host loop in real time. Application
/// code written against it (an NFS session doing put/get/ls) runs unchanged in a deterministic test and on a real
/// network.
/// </summary>
public interface IEventLoop
{
    /// <summary>The loop's current time.</summary>
    Instant Now { get; }

    /// <summary>Adds a participant: <paramref name="poll"/> runs on every turn of the loop; <paramref name="pollAt"/>,
    /// if given, says when it next needs a turn with nothing else happening.</summary>
    void Add(Action<Instant> poll, Func<Instant>? pollAt = null);

    /// <summary>Removes the participant added with this very <paramref name="poll"/> delegate: from the next turn on
    /// it is neither polled nor asked for a deadline (a participant may remove itself, or another, while polled).
    /// False if no such participant is in the loop.</summary>
    bool Remove(Action<Instant> poll);

    /// <summary>Runs the loop until <paramref name="done"/> holds (true) or <paramref name="limit"/> has passed on
    /// the loop's clock (false).</summary>
    bool RunUntil(Func<bool> done, Duration limit);
}
