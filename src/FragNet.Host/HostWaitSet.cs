using FragNet.Host.Interop;

namespace FragNet.Host;

/// <summary>The descriptors one <see cref="HostLoop"/> wait covers (a growable <c>struct pollfd</c> array).</summary>
public sealed class HostWaitSet
{
    private PollFd[] _fds = new PollFd[8];

    /// <summary>Descriptors in the set.</summary>
    public int Count { get; private set; }

    /// <summary>Waits for <paramref name="events"/> on <paramref name="fd"/>.</summary>
    public void Add(int fd, PollEvents events)
    {
        if (Count == _fds.Length)
        {
            Array.Resize(ref _fds, _fds.Length * 2);
        }

        _fds[Count++] = new PollFd { Fd = fd, Events = events };
    }

    /// <summary>The events that woke <paramref name="fd"/> in the last wait (none if it is not in the set).</summary>
    public PollEvents Ready(int fd)
    {
        for (int i = 0; i < Count; i++)
        {
            if (_fds[i].Fd == fd)
            {
                return _fds[i].Revents;
            }
        }

        return PollEvents.None;
    }

    internal void Clear() => Count = 0;

    internal PollFd[] Raw => _fds;
}
