using System.Runtime.CompilerServices;
using System.Text;

namespace FragNet.Buffers;

/// <summary>
/// The one reference-count core for pages, fragment destructors and (later) grant mappings.
/// </summary>
/// <remarks>
/// <para>
/// Rules, the same for every kind of object (gVisor's refs template): a live object has a count of at least 1; the
/// count starts at 1 when the object is created or handed out by its pool (<see cref="Revive"/>); taking a reference
/// on an object whose count is 0 is a use after release and throws; dropping below zero is a double free and throws;
/// reaching zero calls <see cref="OnReleased"/> exactly once for that life. Pooled objects get a new
/// <see cref="Generation"/> each life, so a stale holder is told apart from a new one.
/// </para>
/// <para>
/// All counting is atomic: a NIC model or a host thread may drop the last reference on another thread.
/// </para>
/// </remarks>
public abstract class RefCounted
{
    private int _refCount;
    private uint _generation;
    private RefHistory? _history;

    /// <summary>Creates a live object with one reference, held by the creator.</summary>
    protected RefCounted(bool startLive)
    {
        if (startLive)
        {
            _refCount = 1;
            _generation = 1;
            Record("Create", 0, 1, null);
        }
    }

    /// <summary>The current reference count (0 once released).</summary>
    public int RefCount => Volatile.Read(ref _refCount);

    /// <summary>Which life of a pooled object this is; changes every time the pool hands the object out.</summary>
    public uint Generation => Volatile.Read(ref _generation);

    /// <summary>True while at least one reference is held.</summary>
    public bool IsLive => RefCount > 0;

    /// <summary>The recorded takes and drops of this life (empty unless tracking is on).</summary>
    public IReadOnlyList<RefEvent> History => _history?.Snapshot() ?? [];

    /// <summary>A short name for reports and exceptions, e.g. <c>page #12 (pool)</c>.</summary>
    public abstract string Describe();

    /// <summary>Called once when the count reaches zero.</summary>
    protected abstract void OnReleased();

    /// <summary>Takes a reference. Throws <see cref="RefCountException"/> if the object is released.</summary>
    internal void Acquire(string operation, string? file = null, int line = 0) => Take(1, operation, file, line);

    /// <summary>Drops a reference; at zero runs <see cref="OnReleased"/>. Returns true if this was the last one.</summary>
    internal bool ReleaseRef(string operation, string? file = null, int line = 0) => Drop(1, operation, file, line);

    /// <summary>Takes <paramref name="count"/> references at once, exactly as that many <see cref="Acquire"/> calls would
    /// (one atomic step). Throws <see cref="RefCountException"/> if the object is released.</summary>
    internal void AcquireRefs(int count, string operation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Take(count, operation, null, 0);
    }

    /// <summary>Drops <paramref name="count"/> references at once, exactly as that many <see cref="ReleaseRef"/> calls
    /// would (one atomic step instead of <paramref name="count"/>); at zero runs <see cref="OnReleased"/>. Throws, dropping
    /// nothing, if fewer than <paramref name="count"/> are held. Returns true if these were the last ones.</summary>
    internal bool ReleaseRefs(int count, string operation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return Drop(count, operation, null, 0);
    }

    private void Take(int count, string operation, string? file, int line)
    {
        int held = Volatile.Read(ref _refCount);
        while (true)
        {
            if (held <= 0)
            {
                throw Misuse(count == 1 ? $"reference taken after release (by {operation})" : $"references taken after release (by {operation})");
            }

            int seen = Interlocked.CompareExchange(ref _refCount, held + count, held);
            if (seen == held)
            {
                break;
            }

            held = seen;
        }

        if (RefTracking.IsTracking)
        {
            Record(operation, count, held + count, CallSite(file, line));
        }
    }

    private bool Drop(int count, string operation, string? file, int line)
    {
        int held = Volatile.Read(ref _refCount);
        while (true)
        {
            if (held < count)
            {
                throw Misuse(count == 1 ? $"reference dropped below zero (by {operation})" : $"{count} references dropped with {held} held (by {operation})");
            }

            int seen = Interlocked.CompareExchange(ref _refCount, held - count, held);
            if (seen == held)
            {
                break;
            }

            held = seen;
        }

        if (RefTracking.IsTracking)
        {
            Record(operation, -count, held - count, CallSite(file, line));
        }

        if (held == count)
        {
            OnReleased();
            return true;
        }

        return false;
    }

    /// <summary>Starts a new life of a pooled object: count 0 → 1, new generation, fresh history.</summary>
    protected void Revive(string operation)
    {
        if (Interlocked.CompareExchange(ref _refCount, 1, 0) != 0)
        {
            throw Misuse($"revived while still referenced (by {operation})");
        }

        Interlocked.Increment(ref _generation);
        _history?.Clear();
        if (RefTracking.IsTracking)
        {
            Record(operation, 0, 1, null);
        }
    }

    /// <summary>Throws if the object is released, or is not in the life <paramref name="generation"/> names.</summary>
    protected void ThrowIfNotLive(uint generation, string operation)
    {
        if (Volatile.Read(ref _refCount) <= 0 || Volatile.Read(ref _generation) != generation)
        {
            throw Misuse($"used after release (by {operation}; holder saw generation {generation})");
        }
    }

    /// <summary>Builds the exception for a misuse, naming the object and, in tracking mode, its last holders.</summary>
    protected RefCountException Misuse(string what)
    {
        var sb = new StringBuilder();
        sb.Append(Describe()).Append(": ").Append(what).Append("; refcount ").Append(RefCount)
          .Append(", generation ").Append(Generation).Append('.');
        AppendHistory(sb, "  ");
        if (!RefTracking.IsTracking)
        {
            sb.Append(" (turn on RefTracking.Mode to see the last holders)");
        }

        return new RefCountException(sb.ToString());
    }

    /// <summary>Appends the recorded events, one per line, for misuse messages and leak reports.</summary>
    internal void AppendHistory(StringBuilder sb, string indent)
    {
        IReadOnlyList<RefEvent> events = History;
        if (events.Count == 0)
        {
            return;
        }

        sb.Append(Environment.NewLine).Append(indent).Append("last holders (oldest first):");
        foreach (RefEvent e in events)
        {
            sb.Append(Environment.NewLine).Append(indent).Append("  ").Append(e);
        }
    }

    /// <summary>Records a marker event (e.g. "Destroy") in tracking mode.</summary>
    protected void Mark(string operation)
    {
        if (RefTracking.IsTracking)
        {
            Record(operation, 0, RefCount, null);
        }
    }

    private void Record(string operation, int delta, int after, string? callSite)
    {
        if (!RefTracking.IsTracking)
        {
            return;
        }

        RefHistory history = _history ?? Interlocked.CompareExchange(ref _history, new RefHistory(), null) ?? _history!;
        history.Add(new RefEvent(operation, delta, after, callSite));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string? CallSite(string? file, int line)
        => RefTracking.CaptureCallSites && file is not null ? $"{Path.GetFileName(file)}:{line}" : null;

    /// <summary>A small ring of the most recent events.</summary>
    private sealed class RefHistory
    {
        private readonly RefEvent[] _ring = new RefEvent[RefTracking.HistoryDepth];
        private int _next;
        private int _count;

        public void Add(RefEvent e)
        {
            lock (_ring)
            {
                _ring[_next] = e;
                _next = (_next + 1) % _ring.Length;
                _count = Math.Min(_count + 1, _ring.Length);
            }
        }

        public void Clear()
        {
            lock (_ring)
            {
                _next = 0;
                _count = 0;
            }
        }

        public RefEvent[] Snapshot()
        {
            lock (_ring)
            {
                var result = new RefEvent[_count];
                int start = (_next - _count + _ring.Length) % _ring.Length;
                for (int i = 0; i < _count; i++)
                {
                    result[i] = _ring[(start + i) % _ring.Length];
                }

                return result;
            }
        }
    }
}
