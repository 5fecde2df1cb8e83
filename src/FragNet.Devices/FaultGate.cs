using FragNet.Buffers;

namespace FragNet.Devices;

/// <summary>
/// A <see cref="FaultInjector"/> on a frame path outside the simulator — between a real TAP device and the stack, say
/// — carrying out its decisions itself: frames it delays or stalls wait here, in arrival order per release time, until
/// <see cref="Poll"/> at or after their time passes them on; dropped frames are freed with
/// <see cref="DropReason.FaultInjected"/>; duplicates are copies; corruption flips a bit of a private linear copy.
/// </summary>
/// <remarks>Sans-IO like the injector: time is the <c>now</c> of each call, and <see cref="PollAt"/> says when the next
/// held frame is due. Reorder holds a frame until the next frame passes or its hold time ends, as the simulated NIC
/// does. <see cref="Dispose"/> frees whatever is still held.</remarks>
public sealed class FaultGate : IDisposable
{
    private readonly FaultInjector _faults;
    private readonly Action<SkBuff, Instant> _next;
    private readonly PriorityQueue<SkBuff, (Instant At, long Seq)> _held = new();
    private SkBuff? _reordered;
    private Instant _reorderedUntil = Instant.MaxValue;
    private long _seq;

    /// <param name="faults">What to do to each frame.</param>
    /// <param name="next">Where frames go when they pass (the stack's receive, a device's transmit).</param>
    public FaultGate(FaultInjector faults, Action<SkBuff, Instant> next)
    {
        ArgumentNullException.ThrowIfNull(faults);
        ArgumentNullException.ThrowIfNull(next);
        _faults = faults;
        _next = next;
    }

    /// <summary>The injector deciding.</summary>
    public FaultInjector Faults => _faults;

    /// <summary>Frames waiting for their release time.</summary>
    public int Held => _held.Count + (_reordered is null ? 0 : 1);

    /// <summary>Offers a frame arriving at <paramref name="now"/>; the gate owns it from here.</summary>
    public void Offer(SkBuff frame, Instant now)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.IsNonlinear)
        {
            frame.Linearize(); // the rules look at the frame's bytes in one piece
        }

        FaultDecision decision = _faults.Decide(frame.LinearData, now);
        switch (decision.Action)
        {
            case FaultAction.Drop:
                frame.Drop(DropReason.FaultInjected);
                break;
            case FaultAction.Delay or FaultAction.Stall:
                Hold(frame, now + decision.Delay);
                break;
            case FaultAction.Duplicate:
                _next(frame.Copy(), now);
                _next(frame, now);
                break;
            case FaultAction.Corrupt:
                SkBuff own = frame.Unshare();
                decision.ApplyCorruption(own.LinearData);
                _next(own, now);
                break;
            case FaultAction.Reorder:
                _reordered?.Drop(DropReason.FaultInjected); // cannot happen: the injector holds one at a time
                _reordered = frame;
                _reorderedUntil = now + decision.Delay;
                break;
            default:
                _next(frame, now);
                break;
        }

        if (decision.ReleaseHeld && _reordered is not null)
        {
            ReleaseReordered(now); // right after the frame that overtook it
        }
    }

    /// <summary>When the next held frame is due (<see cref="Instant.MaxValue"/> if none).</summary>
    public Instant PollAt()
    {
        Instant at = _held.TryPeek(out _, out (Instant At, long Seq) key) ? key.At : Instant.MaxValue;
        return Instant.Min(at, _reordered is null ? Instant.MaxValue : _reorderedUntil);
    }

    /// <summary>Passes on every held frame whose time has come, in order.</summary>
    public void Poll(Instant now)
    {
        while (_held.TryPeek(out SkBuff? frame, out (Instant At, long Seq) key) && key.At <= now)
        {
            _held.Dequeue();
            _next(frame, now);
        }

        if (_reordered is not null && _reorderedUntil <= now)
        {
            ReleaseReordered(now);
        }
    }

    public void Dispose()
    {
        while (_held.TryDequeue(out SkBuff? frame, out _))
        {
            frame.Drop(DropReason.FaultInjected);
        }

        _reordered?.Drop(DropReason.FaultInjected);
        _reordered = null;
    }

    private void Hold(SkBuff frame, Instant at) => _held.Enqueue(frame, (at, _seq++));

    private void ReleaseReordered(Instant now)
    {
        SkBuff frame = _reordered!;
        _reordered = null;
        _reorderedUntil = Instant.MaxValue;
        _next(frame, now);
    }
}
