using FragNet.Xen.Host.Interop;

namespace FragNet.Xen.Host;

/// <summary>
/// One direction of an interdomain event channel between processes: an <c>eventfd</c> (non-blocking). A
/// notification is a write of 1; the receiver's <see cref="TryConsume"/> reads and clears the count, so notifications
/// coalesce exactly as Xen's pending bit does. <see cref="Wait"/> sleeps in <c>poll</c> until a notification or a
/// timeout.
/// </summary>
public sealed unsafe class EventFd : IDisposable
{
    private int _fd;

    private EventFd(int fd) => _fd = fd;

    public int Fd => _fd;

    /// <summary>Notifications written by this process.</summary>
    public long Signals { get; private set; }

    /// <summary>A new eventfd (close-on-exec; <see cref="FrontendProcess"/> lets the guest inherit it).</summary>
    public static EventFd Create() => new(Libc.Check(Libc.Eventfd(0, Libc.EfdNonblock | Libc.EfdCloexec), "eventfd"));

    /// <summary>An eventfd inherited from the parent process.</summary>
    public static EventFd Inherit(int fd) => new(fd);

    /// <summary>Notifies the other side.</summary>
    public void Signal()
    {
        ulong one = 1;
        Signals++;
        if (Libc.Write(_fd, &one, sizeof(ulong)) != sizeof(ulong))
        {
            throw Libc.Error("write(eventfd)");
        }
    }

    /// <summary>True if notifications arrived since the last call (and clears them).</summary>
    public bool TryConsume()
    {
        ulong count;
        return Libc.Read(_fd, &count, sizeof(ulong)) == sizeof(ulong) && count > 0;
    }

    /// <summary>Sleeps until a notification is pending or <paramref name="timeoutMilliseconds"/> passed; true if one
    /// is pending (not consumed).</summary>
    public bool Wait(int timeoutMilliseconds)
    {
        var p = new Libc.PollFd { Fd = _fd, Events = Libc.PollIn };
        int n = Libc.Poll(&p, 1, timeoutMilliseconds);
        return n > 0 && (p.Revents & Libc.PollIn) != 0;
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.Close(fd);
        }
    }
}
