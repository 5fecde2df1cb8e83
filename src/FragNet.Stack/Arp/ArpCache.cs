using System.Runtime.InteropServices;
using FragNet.Buffers;
using FragNet.Wire;

namespace FragNet.Stack.Arp;

/// <summary>
/// The neighbour table for IPv4 over Ethernet (RFC 826), sans-IO: resolved entries expire, unresolved ones hold a
/// bounded queue of packets waiting for the reply, requests are retried a few times and then the waiting packets are
/// dropped with <see cref="DropReason.NeighbourUnresolved"/>.
/// </summary>
public sealed class ArpCache
{
    /// <summary>How long a learned mapping is trusted (Linux base_reachable_time is 30 s).</summary>
    public static readonly Duration EntryLifetime = Duration.FromSeconds(60);

    /// <summary>Time between requests for one address.</summary>
    public static readonly Duration RequestInterval = Duration.FromSeconds(1);

    /// <summary>Requests before giving up (Linux mcast_solicit 3).</summary>
    public const int MaxRequests = 3;

    /// <summary>Packets queued per unresolved address (Linux unres_qlen).</summary>
    public const int MaxPending = 64;

    private readonly Dictionary<Ipv4Address, Entry> _entries = [];
    private readonly List<Ipv4Address> _scratch = [];

    /// <summary>Packets dropped because their neighbour never answered or the queue was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>The hardware address of <paramref name="ip"/>, if resolved and fresh.</summary>
    public bool TryLookup(Ipv4Address ip, Instant now, out EthernetAddress mac)
    {
        if (_entries.TryGetValue(ip, out Entry? e) && e.Resolved && now < e.ExpiresAt)
        {
            mac = e.Mac;
            return true;
        }

        mac = default;
        return false;
    }

    /// <summary>Records a mapping (from a reply or a request) and returns the packets that waited for it, linked
    /// through <see cref="SkBuff.Next"/>, for the caller to send.</summary>
    public SkBuff? Learn(Ipv4Address ip, EthernetAddress mac, Instant now)
    {
        if (!_entries.TryGetValue(ip, out Entry? e))
        {
            e = new Entry();
            _entries[ip] = e;
        }

        e.Mac = mac;
        e.Resolved = true;
        e.ExpiresAt = now + EntryLifetime;
        e.Requests = 0;
        SkBuff? pending = e.PendingHead;
        e.PendingHead = null;
        e.PendingTail = null;
        e.PendingCount = 0;
        return pending;
    }

    /// <summary>
    /// Confirms that <paramref name="ip"/> is reachable at <paramref name="mac"/> because a packet from it just arrived
    /// (Linux confirms neighbours on forward progress, <c>neigh_confirm</c>): a resolved entry with that address is
    /// trusted for another <see cref="EntryLifetime"/>. Nothing is learned from it — a mapping still comes only from
    /// ARP — so a spoofed source cannot redirect traffic.
    /// </summary>
    public void Confirm(Ipv4Address ip, EthernetAddress mac, Instant now)
    {
        if (_entries.TryGetValue(ip, out Entry? e) && e.Resolved && e.Mac == mac && now < e.ExpiresAt)
        {
            e.ExpiresAt = now + EntryLifetime;
        }
    }

    /// <summary>Queues <paramref name="skb"/> until <paramref name="ip"/> resolves. Returns true if a request should
    /// be sent now. A full queue drops the packet.</summary>
    public bool QueuePending(Ipv4Address ip, SkBuff skb, Instant now)
    {
        if (!_entries.TryGetValue(ip, out Entry? e))
        {
            e = new Entry();
            _entries[ip] = e;
        }

        e.Resolved = false;
        if (e.PendingCount >= MaxPending)
        {
            skb.Drop(DropReason.NeighbourUnresolved);
            Dropped++;
        }
        else
        {
            skb.Next = null;
            if (e.PendingTail is null)
            {
                e.PendingHead = skb;
            }
            else
            {
                e.PendingTail.Next = skb;
            }

            e.PendingTail = skb;
            e.PendingCount++;
        }

        if (e.Requests == 0 || now >= e.NextRequestAt)
        {
            e.Requests++;
            e.NextRequestAt = now + RequestInterval;
            return true;
        }

        return false;
    }

    /// <summary>The earliest time <see cref="Poll"/> has work.</summary>
    public Instant PollAt()
    {
        Instant at = Instant.MaxValue;
        foreach (Entry e in _entries.Values)
        {
            if (!e.Resolved && e.PendingHead is not null)
            {
                at = Instant.Min(at, e.NextRequestAt);
            }
        }

        return at;
    }

    /// <summary>Retries or gives up on unresolved addresses; returns the addresses to send a request for now (valid
    /// until the next call; a span, so the per-poll loop allocates no enumerator).</summary>
    public ReadOnlySpan<Ipv4Address> Poll(Instant now)
    {
        _scratch.Clear();
        foreach ((Ipv4Address ip, Entry e) in _entries)
        {
            if (e.Resolved || e.PendingHead is null || now < e.NextRequestAt)
            {
                continue;
            }

            if (e.Requests >= MaxRequests)
            {
                Dropped += SkBuff.FreeList(e.PendingHead, DropReason.NeighbourUnresolved);
                e.PendingHead = null;
                e.PendingTail = null;
                e.PendingCount = 0;
                e.Requests = 0;
                continue;
            }

            e.Requests++;
            e.NextRequestAt = now + RequestInterval;
            _scratch.Add(ip);
        }

        return CollectionsMarshal.AsSpan(_scratch);
    }

    /// <summary>Drops every waiting packet (interface teardown).</summary>
    public void Clear()
    {
        foreach (Entry e in _entries.Values)
        {
            SkBuff.FreeList(e.PendingHead, DropReason.OwnerClosed);
        }

        _entries.Clear();
    }

    private sealed class Entry
    {
        public EthernetAddress Mac;
        public bool Resolved;
        public Instant ExpiresAt;
        public Instant NextRequestAt;
        public int Requests;
        public SkBuff? PendingHead;
        public SkBuff? PendingTail;
        public int PendingCount;
    }
}
