using FragNet.Buffers;
using FragNet.Stack;

namespace FragNet.SunRpc.Server;

/// <summary>
/// The duplicate request cache (DRC) of an <see cref="RpcServer"/>: the replies of recent non-idempotent calls, so a
/// retransmitted call (same xid, client, procedure and first argument bytes) gets the original reply again instead of
/// being executed twice — a retransmitted REMOVE must not answer NOENT, a retransmitted WRITE must not write again.
/// </summary>
/// <remarks>
/// Bounded: at most <see cref="Capacity"/> entries, least recently used evicted first, and entries older than
/// <see cref="MaxAge"/> are not replayed. A lookup that finds the xid from the same client and procedure but with a
/// different checksum or length is a <see cref="ChecksumMismatches"/>: a new request, executed (this is what lets a
/// stale retransmission with rewritten data through in the talk's experiment, and what knfsd does too).
/// </remarks>
public sealed class ReplyCache
{
    /// <summary>Argument bytes covered by the checksum (knfsd's <c>RC_CSUMLEN</c>).</summary>
    public const int ChecksumBytes = 256;

    private readonly Dictionary<ReplyCacheKey, LinkedListNode<Entry>> _entries = [];
    private readonly Dictionary<ReplyCacheKey, ReplyCacheKey> _byCall = []; // the call's identity (no length, no checksum) → its full key
    private readonly LinkedList<Entry> _lru = new();

    public ReplyCache(int capacity = 1024, Duration? maxAge = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        MaxAge = maxAge ?? Duration.FromSeconds(120);
    }

    public int Capacity { get; }

    public Duration MaxAge { get; }

    public int Count => _entries.Count;

    /// <summary>Retransmissions answered from the cache.</summary>
    public long Hits { get; private set; }

    /// <summary>Non-idempotent calls not found (executed).</summary>
    public long Misses { get; private set; }

    /// <summary>Calls whose xid, client and procedure matched a cached entry but whose arguments did not.</summary>
    public long ChecksumMismatches { get; private set; }

    /// <summary>Entries dropped to make room or for age.</summary>
    public long Evictions { get; private set; }

    /// <summary>The key of a call.</summary>
    public static ReplyCacheKey KeyOf(uint xid, Ipv4Endpoint client, uint program, uint version, uint procedure, ReadOnlySpan<byte> arguments) =>
        new(xid, client, program, version, procedure, arguments.Length, InternetChecksum.Compute(arguments[..Math.Min(arguments.Length, ChecksumBytes)]));

    /// <summary>The cached reply record for <paramref name="key"/>, or null (then execute and <see cref="Store"/>).</summary>
    public byte[]? Lookup(in ReplyCacheKey key, Instant now)
    {
        if (_entries.TryGetValue(key, out LinkedListNode<Entry>? node))
        {
            if (now - node.Value.StoredAt <= MaxAge)
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                Hits++;
                return node.Value.Reply;
            }

            Remove(node);
            Evictions++;
        }
        else if (_byCall.ContainsKey(CallOf(key)))
        {
            ChecksumMismatches++;
        }

        Misses++;
        return null;
    }

    /// <summary>Caches <paramref name="reply"/> (the whole reply record) for <paramref name="key"/>.</summary>
    public void Store(in ReplyCacheKey key, byte[] reply, Instant now)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (_byCall.TryGetValue(CallOf(key), out ReplyCacheKey old) && _entries.TryGetValue(old, out LinkedListNode<Entry>? stale))
        {
            Remove(stale);
        }

        while (_entries.Count >= Capacity)
        {
            Remove(_lru.Last!);
            Evictions++;
        }

        LinkedListNode<Entry> node = _lru.AddFirst(new Entry(key, reply, now));
        _entries[key] = node;
        _byCall[CallOf(key)] = key;
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _lru.Remove(node);
        _entries.Remove(node.Value.Key);
        _byCall.Remove(CallOf(node.Value.Key));
    }

    /// <summary>Which call a key is for, whatever its arguments: the key without length and checksum.</summary>
    private static ReplyCacheKey CallOf(in ReplyCacheKey key) => key with { ArgumentLength = 0, Checksum = 0 };

    private sealed record Entry(ReplyCacheKey Key, byte[] Reply, Instant StoredAt);
}
