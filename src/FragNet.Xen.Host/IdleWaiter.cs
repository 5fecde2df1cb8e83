using System.Diagnostics;

namespace FragNet.Xen.Host;

/// <summary>
/// How a driver loop waits when it found no work: spin for a few tens of microseconds (a busy peer answers within
/// that, and a sleep and wake-up costs more), then sleep on the event channel until the peer notifies. The caller must
/// have armed the ring's event index before <see cref="Idle"/> sleeps (ring.h's final check), so a notification is
/// never missed; the sleep is bounded anyway, so a lost one would cost at most that much, and
/// <see cref="TimedOut"/> counts those.
/// </summary>
internal struct IdleWaiter(EventFd events, double spinMicroseconds = 50, int sleepMilliseconds = 5)
{
    private long _idleSince;

    /// <summary>Sleeps that ended by a notification.</summary>
    public long Woken { get; private set; }

    /// <summary>Sleeps that ended by the timeout.</summary>
    public long TimedOut { get; private set; }

    /// <summary>Work was found: spin again next time.</summary>
    public void Busy() => _idleSince = 0;

    /// <summary>No work: spin, or sleep once the spin budget is spent. True if it slept.</summary>
    public bool Idle()
    {
        long now = Stopwatch.GetTimestamp();
        if (_idleSince == 0)
        {
            _idleSince = now;
        }

        if (Stopwatch.GetElapsedTime(_idleSince, now).TotalMicroseconds < spinMicroseconds)
        {
            Thread.SpinWait(4);
            return false;
        }

        if (events.Wait(sleepMilliseconds))
        {
            Woken++;
        }
        else
        {
            TimedOut++;
        }

        _idleSince = 0;
        return true;
    }
}
