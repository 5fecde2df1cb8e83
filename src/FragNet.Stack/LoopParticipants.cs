namespace FragNet.Stack;

/// <summary>
/// The participants of an event loop (<see cref="IEventLoop"/>): sans-IO parts polled every turn in the order they were
/// added, each optionally saying when it next needs a turn. A participant removed — even by itself, while the loop is
/// walking the list — is taken out before the next walk, so it is neither polled nor asked for a deadline again.
/// </summary>
public sealed class LoopParticipants
{
    private readonly List<(Action<Instant> Poll, Func<Instant>? PollAt)> _items = [];
    private readonly List<Action<Instant>> _removed = [];

    /// <summary>Participants in the loop (those removed during the current turn not counted).</summary>
    public int Count => _items.Count - _removed.Count;

    public void Add(Action<Instant> poll, Func<Instant>? pollAt)
    {
        ArgumentNullException.ThrowIfNull(poll);
        _items.Add((poll, pollAt));
    }

    /// <summary>Removes the participant added with this very <paramref name="poll"/>; false if there is none.</summary>
    public bool Remove(Action<Instant> poll)
    {
        ArgumentNullException.ThrowIfNull(poll);
        if (!_items.Exists(p => ReferenceEquals(p.Poll, poll)) || _removed.Contains(poll))
        {
            return false;
        }

        _removed.Add(poll); // taken out between walks: the list may be being walked right now
        return true;
    }

    /// <summary>Polls every participant at <paramref name="now"/>, in order.</summary>
    public void PollAll(Instant now)
    {
        Sweep();
        foreach ((Action<Instant> poll, Func<Instant>? _) in _items)
        {
            poll(now);
        }
    }

    /// <summary>The earliest deadline a participant reports (<see cref="Instant.MaxValue"/>: none).</summary>
    public Instant NextDeadline()
    {
        Sweep();
        Instant at = Instant.MaxValue;
        foreach ((Action<Instant> _, Func<Instant>? pollAt) in _items)
        {
            if (pollAt is not null)
            {
                at = Instant.Min(at, pollAt());
            }
        }

        return at;
    }

    private void Sweep()
    {
        if (_removed.Count > 0)
        {
            _items.RemoveAll(p => _removed.Contains(p.Poll));
            _removed.Clear();
        }
    }
}
