namespace FragNet.Xen.Host;

/// <summary>
/// How a driver loop waits when it found no work: spin for a while (a busy peer answers within microseconds, and a
/// sleep and wake-up costs more than that), then sleep on the event channel until the peer notifies. The caller must
/// have armed the ring's event index before <see cref="Idle"/> sleeps (ring.h's final check), so a notification is
/// never missed; the sleep is bounded anyway, so a lost one costs at most that much.
/// </summary>
internal struct IdleWaiter(EventFd events, int spins = 20_000, int sleepMilliseconds = 5)
{
    private int _idle;

    /// <summary>Work was found: start spinning again next time.</summary>
    public void Busy() => _idle = 0;

    /// <summary>No work: spin, or sleep once the spins ran out. True if it slept.</summary>
    public bool Idle()
    {
        if (++_idle < spins)
        {
            Thread.SpinWait(8);
            return false;
        }

        events.Wait(sleepMilliseconds);
        return true;
    }
}
