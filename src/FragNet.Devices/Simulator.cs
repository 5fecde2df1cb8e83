using System.Diagnostics;

namespace FragNet.Devices;

/// <summary>
/// A deterministic discrete-event simulator: virtual time, a queue of events, seeded randomness. A 60-second outage
/// runs in microseconds of real time, and a run replays exactly from its seed.
/// </summary>
/// <remarks>
/// <para><b>Order.</b> Events run in the total order (time, sequence): earlier instants first, and events scheduled for
/// the same instant in the order they were scheduled — including events an event schedules for the current instant,
/// which run after every event already due then. <see cref="Now"/> only moves forward; it is the instant of the
/// running event, and after a <see cref="RunUntil"/> the instant asked for.</para>
/// <para><b>Termination.</b> Every run method takes an event limit and returns
/// <see cref="SimulatorStopReason.EventLimit"/> when it is hit instead of running forever, so an event that reschedules
/// itself at the current instant cannot hang a test.</para>
/// <para><b>Randomness.</b> <see cref="Random"/> is a <see cref="SeededRandom"/> from <see cref="Seed"/>: its sequence
/// depends only on the seed. Components that need their own stream take <c>Random.Derive(n)</c> or
/// <see cref="SeededRandom.DeriveSeed"/>.</para>
/// <para><b>Cost.</b> Entries live in arrays that grow by doubling and are reused, and the queue is a binary heap of
/// slot indices; in steady state scheduling, cancelling and running events allocate nothing (schedule an
/// <see cref="ISimulatorEvent"/> with a tag, or an <see cref="Action"/> created once).</para>
/// <para>Single-threaded: everything happens on the thread that calls the run methods; not thread-safe.</para>
/// </remarks>
public sealed class Simulator
{
    private Entry[] _entries = new Entry[64]; // event slots; a free slot has HeapIndex -1 and is on the free list
    private int[] _heap = new int[64];         // slot indices, a min-heap by (Time, Sequence)
    private int _heapCount;
    private int _slotsUsed;                    // slots [0, _slotsUsed) have been handed out at least once
    private int _freeHead = -1;                // first free slot below _slotsUsed, linked through NextFree
    private long _sequence;                    // next sequence number: ties at one instant run in this order
    private bool _running;                     // a run method is on the stack (runs do not nest)
    private bool _stopRequested;               // Stop() was called by the running event

    /// <summary>Creates a simulator at <paramref name="start"/> (default: time zero) with the given seed.</summary>
    public Simulator(ulong seed, Instant start = default)
    {
        Seed = seed;
        Now = start;
        Random = new SeededRandom(seed);
    }

    /// <summary>The seed of this run.</summary>
    public ulong Seed { get; }

    /// <summary>Virtual time.</summary>
    public Instant Now { get; private set; }

    /// <summary>The run's random source; its sequence depends only on <see cref="Seed"/>.</summary>
    public SeededRandom Random { get; }

    /// <summary>Events scheduled and neither run nor cancelled.</summary>
    public int PendingCount => _heapCount;

    /// <summary>Events run since the simulator was created.</summary>
    public long EventsRun { get; private set; }

    /// <summary>When the next event is due, or <see cref="Instant.MaxValue"/> if none is (smoltcp's <c>poll_at</c>).</summary>
    public Instant NextEventTime => _heapCount == 0 ? Instant.MaxValue : new Instant(_entries[_heap[0]].Time);

    /// <summary>Schedules <paramref name="handler"/>.Run(this, <paramref name="tag"/>) at <paramref name="at"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="at"/> is before <see cref="Now"/>.</exception>
    public SimulatorEventId Schedule(Instant at, ISimulatorEvent handler, long tag = 0)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Add(at, handler, null, tag);
    }

    /// <summary>Schedules <paramref name="action"/> at <paramref name="at"/>. Create the delegate once if it is
    /// scheduled often: a lambda that captures allocates each time it is created.</summary>
    public SimulatorEventId Schedule(Instant at, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Add(at, null, action, 0);
    }

    /// <summary>Schedules <paramref name="handler"/> <paramref name="delay"/> after <see cref="Now"/>.</summary>
    public SimulatorEventId ScheduleAfter(Duration delay, ISimulatorEvent handler, long tag = 0) =>
        Schedule(Now + delay, handler, tag);

    /// <summary>Schedules <paramref name="action"/> <paramref name="delay"/> after <see cref="Now"/>.</summary>
    public SimulatorEventId ScheduleAfter(Duration delay, Action action) => Schedule(Now + delay, action);

    /// <summary>Cancels a pending event. Returns false if it already ran, was cancelled, or is the running event.</summary>
    public bool Cancel(SimulatorEventId id)
    {
        if (!IsPending(id))
        {
            return false;
        }

        RemoveFromHeap(_entries[id.Slot].HeapIndex);
        Free(id.Slot);
        return true;
    }

    /// <summary>True if <paramref name="id"/> names an event that is still to run.</summary>
    public bool IsPending(SimulatorEventId id) =>
        !id.IsNone
        && (uint)id.Slot < (uint)_slotsUsed
        && _entries[id.Slot].Generation == id.Generation
        && _entries[id.Slot].HeapIndex >= 0;

    /// <summary>Ends the current run after the running event returns (<see cref="SimulatorStopReason.Stopped"/>).</summary>
    public void Stop() => _stopRequested = true;

    /// <summary>Runs the next event, if any, advancing <see cref="Now"/> to its instant. Returns false when idle.</summary>
    public bool RunNext()
    {
        BeginRun();
        try
        {
            if (_heapCount == 0)
            {
                return false;
            }

            RunFirst();
            return true;
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>Runs every event due at or before <paramref name="until"/>, then sets <see cref="Now"/> to it.</summary>
    /// <param name="until">The instant to reach; not before <see cref="Now"/>.</param>
    /// <param name="maxEvents">Most events to run; if more are due the run returns
    /// <see cref="SimulatorStopReason.EventLimit"/> with <see cref="Now"/> at the last event run.</param>
    public SimulatorRunResult RunUntil(Instant until, long maxEvents = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(until, Now);
        ArgumentOutOfRangeException.ThrowIfNegative(maxEvents);
        BeginRun();
        long run = 0;
        try
        {
            while (_heapCount > 0 && _entries[_heap[0]].Time <= until.TotalMicroseconds)
            {
                if (run == maxEvents)
                {
                    return new SimulatorRunResult(SimulatorStopReason.EventLimit, run, Now);
                }

                RunFirst();
                run++;
                if (_stopRequested)
                {
                    return new SimulatorRunResult(SimulatorStopReason.Stopped, run, Now);
                }
            }

            Now = until;
            return new SimulatorRunResult(SimulatorStopReason.TimeReached, run, Now);
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>Runs for <paramref name="duration"/> of virtual time (<see cref="RunUntil"/> of Now + duration).</summary>
    public SimulatorRunResult RunFor(Duration duration, long maxEvents = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, Duration.Zero);
        return RunUntil(Now + duration, maxEvents);
    }

    /// <summary>Runs events until none is pending, or until <paramref name="maxEvents"/> have run
    /// (<see cref="SimulatorStopReason.EventLimit"/>: the queue never drained, which in a test is usually a
    /// livelock).</summary>
    public SimulatorRunResult RunUntilIdle(long maxEvents)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxEvents);
        BeginRun();
        long run = 0;
        try
        {
            while (_heapCount > 0)
            {
                if (run == maxEvents)
                {
                    return new SimulatorRunResult(SimulatorStopReason.EventLimit, run, Now);
                }

                RunFirst();
                run++;
                if (_stopRequested)
                {
                    return new SimulatorRunResult(SimulatorStopReason.Stopped, run, Now);
                }
            }

            return new SimulatorRunResult(SimulatorStopReason.Idle, run, Now);
        }
        finally
        {
            _running = false;
        }
    }

    private void BeginRun()
    {
        if (_running)
        {
            throw new InvalidOperationException("a simulator run cannot be started from inside an event");
        }

        _running = true;
        _stopRequested = false;
    }

    private SimulatorEventId Add(Instant at, ISimulatorEvent? handler, Action? action, long tag)
    {
        if (at < Now)
        {
            throw new ArgumentOutOfRangeException(nameof(at), at, $"cannot schedule an event in the past (now {Now})");
        }

        int slot = AllocateSlot();
        ref Entry e = ref _entries[slot];
        e.Time = at.TotalMicroseconds;
        e.Sequence = _sequence++;
        e.Handler = handler;
        e.Action = action;
        e.Tag = tag;
        if (_heapCount == _heap.Length)
        {
            Array.Resize(ref _heap, _heap.Length * 2);
        }

        _heap[_heapCount] = slot;
        e.HeapIndex = _heapCount;
        _heapCount++;
        SiftUp(_heapCount - 1);
        return new SimulatorEventId(slot, e.Generation);
    }

    private void RunFirst()
    {
        int slot = _heap[0];
        ref Entry e = ref _entries[slot];
        Debug.Assert(e.Time >= Now.TotalMicroseconds, "the queue never holds an event in the past");
        Now = new Instant(e.Time);
        ISimulatorEvent? handler = e.Handler;
        Action? action = e.Action;
        long tag = e.Tag;
        RemoveFromHeap(0);
        Free(slot); // before running: the event may schedule into this slot, and its own id no longer names it
        EventsRun++;
        if (handler is not null)
        {
            handler.Run(this, tag);
        }
        else
        {
            action!();
        }
    }

    private int AllocateSlot()
    {
        int slot;
        if (_freeHead >= 0)
        {
            slot = _freeHead;
            _freeHead = _entries[slot].NextFree;
        }
        else
        {
            if (_slotsUsed == _entries.Length)
            {
                Array.Resize(ref _entries, _entries.Length * 2);
            }

            slot = _slotsUsed++;
            _entries[slot].Generation = 1;
        }

        return slot;
    }

    private void Free(int slot)
    {
        ref Entry e = ref _entries[slot];
        e.Handler = null; // drop references so the simulator does not keep finished work alive
        e.Action = null;
        e.HeapIndex = -1;
        e.Generation = e.Generation == uint.MaxValue ? 1 : e.Generation + 1;
        e.NextFree = _freeHead;
        _freeHead = slot;
    }

    private void RemoveFromHeap(int index)
    {
        _heapCount--;
        if (index != _heapCount)
        {
            _heap[index] = _heap[_heapCount];
            _entries[_heap[index]].HeapIndex = index;
            SiftDown(index);
            SiftUp(index);
        }
    }

    private bool Before(int slotA, int slotB)
    {
        ref Entry a = ref _entries[slotA];
        ref Entry b = ref _entries[slotB];
        return a.Time < b.Time || (a.Time == b.Time && a.Sequence < b.Sequence);
    }

    private void SiftUp(int index)
    {
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            if (!Before(_heap[index], _heap[parent]))
            {
                return;
            }

            Swap(index, parent);
            index = parent;
        }
    }

    private void SiftDown(int index)
    {
        while (true)
        {
            int left = (2 * index) + 1;
            if (left >= _heapCount)
            {
                return;
            }

            int smallest = left + 1 < _heapCount && Before(_heap[left + 1], _heap[left]) ? left + 1 : left;
            if (!Before(_heap[smallest], _heap[index]))
            {
                return;
            }

            Swap(index, smallest);
            index = smallest;
        }
    }

    private void Swap(int i, int j)
    {
        (_heap[i], _heap[j]) = (_heap[j], _heap[i]);
        _entries[_heap[i]].HeapIndex = i;
        _entries[_heap[j]].HeapIndex = j;
    }

    /// <summary>A scheduled event (or a free slot).</summary>
    private struct Entry
    {
        public long Time;               // microseconds of the instant it is due
        public long Sequence;           // scheduling order, the tie-break at one instant
        public ISimulatorEvent? Handler; // what to run (or Action)
        public Action? Action;
        public long Tag;                // passed to Handler
        public uint Generation;         // incremented when the slot is freed, so stale ids name nothing
        public int HeapIndex;           // position in _heap, or -1 when not pending
        public int NextFree;            // free-list link while free
    }
}
