using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using FragNet.Host.Interop;
using FragNet.Stack;

namespace FragNet.Host;

/// <summary>
/// The real-time application loop, twin of the simulation driver (<c>FragNet.Devices.SimulationDriver</c>). One thread
/// polls every source (devices, kernel sockets) and every participant (the stack, RPC clients and servers, the
/// application) at the monotonic clock's <c>now</c>, then sleeps in <c>ppoll</c> until a descriptor is ready, the
/// earliest <c>PollAt</c> arrives, or another thread calls <see cref="Wake"/>.
/// </summary>
/// <remarks>
/// <para>Everything the loop drives belongs to the loop's thread: other threads reach it only through
/// <see cref="Post"/> (work run at the top of the next iteration) and <see cref="Wake"/>. That keeps the protocol code
/// single-threaded, as it is in the simulator.</para>
/// <para>Order per iteration: posted work, sources (received frames enter the stack), participants in the order added,
/// then the wait. A participant that keeps reporting a deadline in the past makes the loop spin rather than sleep; that
/// is the participant's bug, and visible in <see cref="Iterations"/>.</para>
/// </remarks>
public sealed unsafe class HostLoop : IEventLoop, IDisposable
{
    private readonly List<IHostPollSource> _sources = [];
    private readonly LoopParticipants _participants = new();
    private readonly ConcurrentQueue<Action<Instant>> _posted = new();
    private readonly HostWaitSet _waits = new();
    private readonly int _wakeFd;
    private bool _disposed;

    public HostLoop(HostClock? clock = null)
    {
        Clock = clock ?? new HostClock();
        _wakeFd = Libc.EventFd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        if (_wakeFd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"eventfd: {Libc.Describe(errno)}");
        }
    }

    /// <summary>The clock the loop reads.</summary>
    public HostClock Clock { get; }

    /// <summary>The clock's current time.</summary>
    public Instant Now => Clock.Now;

    /// <summary>Iterations run (polls of every participant).</summary>
    public long Iterations { get; private set; }

    /// <summary>Adds a source of descriptor readiness (a device, a transport).</summary>
    public HostLoop Add(IHostPollSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _sources.Add(source);
        return this;
    }

    /// <summary>Adds a participant: <paramref name="poll"/> runs every iteration; <paramref name="pollAt"/>, if given,
    /// says when it next needs one with nothing else happening.</summary>
    public HostLoop Add(Action<Instant> poll, Func<Instant>? pollAt = null)
    {
        _participants.Add(poll, pollAt);
        return this;
    }

    void IEventLoop.Add(Action<Instant> poll, Func<Instant>? pollAt) => Add(poll, pollAt);

    /// <inheritdoc/>
    public bool Remove(Action<Instant> poll) => _participants.Remove(poll);

    /// <summary>Participants in the loop (those removed during the current turn not counted).</summary>
    public int Participants => _participants.Count;

    /// <summary>Runs iterations until <paramref name="done"/> holds or <paramref name="limit"/> passes.</summary>
    public bool RunUntil(Func<bool> done, Duration limit) => RunUntil(done, TimeSpan.FromTicks(checked(limit.TotalMicroseconds * 10)));

    /// <summary>Runs <paramref name="work"/> on the loop's thread at the start of the next iteration (thread-safe).</summary>
    public void Post(Action<Instant> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        _posted.Enqueue(work);
        Wake();
    }

    /// <summary>Ends the current wait now (thread-safe; signal-handler safe).</summary>
    public void Wake()
    {
        if (Volatile.Read(ref _disposed))
        {
            return;
        }

        ulong one = 1;
        _ = Libc.Write(_wakeFd, (byte*)&one, sizeof(ulong));
    }

    /// <summary>Runs iterations until <paramref name="done"/> holds (true), <paramref name="limit"/> passes or
    /// <paramref name="cancel"/> fires (false).</summary>
    public bool RunUntil(Func<bool> done, TimeSpan limit, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(done);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Instant until = limit == Timeout.InfiniteTimeSpan
            ? Instant.MaxValue
            : Clock.Now + Duration.FromMicroseconds((long)limit.TotalMicroseconds);
        using CancellationTokenRegistration registration = cancel.Register(Wake);
        while (true)
        {
            Instant now = RunOnce();
            if (done())
            {
                return true;
            }

            if (cancel.IsCancellationRequested || now >= until)
            {
                return false;
            }

            Wait(Instant.Min(NextDeadline(), until));
        }
    }

    /// <summary>One iteration without waiting: posted work, sources, participants. Returns the <c>now</c> it used.</summary>
    public Instant RunOnce()
    {
        Instant now = Clock.Now;
        while (_posted.TryDequeue(out Action<Instant>? work))
        {
            work(now);
        }

        foreach (IHostPollSource source in _sources)
        {
            source.Poll(now);
        }

        _participants.PollAll(now);
        Iterations++;
        return now;
    }

    /// <summary>The earliest deadline any source or participant reports.</summary>
    public Instant NextDeadline()
    {
        Instant at = _participants.NextDeadline();
        foreach (IHostPollSource source in _sources)
        {
            at = Instant.Min(at, source.PollAt());
        }

        return at;
    }

    /// <summary>Sleeps until a descriptor is ready, <paramref name="deadline"/> arrives, or <see cref="Wake"/>.</summary>
    private void Wait(Instant deadline)
    {
        _waits.Clear();
        _waits.Add(_wakeFd, PollEvents.In);
        foreach (IHostPollSource source in _sources)
        {
            source.AddWaits(_waits);
        }

        TimeSpec timeout = default;
        TimeSpec* timeoutPtr = null;
        if (deadline != Instant.MaxValue)
        {
            long us = Math.Max(0, (deadline - Clock.Now).TotalMicroseconds);
            timeout = new TimeSpec { Seconds = us / 1_000_000, Nanoseconds = us % 1_000_000 * 1000 };
            timeoutPtr = &timeout;
        }

        fixed (PollFd* fds = _waits.Raw)
        {
            int n = Libc.PPoll(fds, (nuint)_waits.Count, timeoutPtr, null);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno != Libc.EINTR)
                {
                    throw new IOException($"ppoll: {Libc.Describe(errno)}");
                }
            }
        }

        if ((_waits.Ready(_wakeFd) & PollEvents.In) != 0)
        {
            ulong count;
            _ = Libc.Read(_wakeFd, (byte*)&count, sizeof(ulong));
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Volatile.Write(ref _disposed, true);
        _ = Libc.Close(_wakeFd);
    }
}
