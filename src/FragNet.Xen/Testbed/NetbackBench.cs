using FragNet.Xen.CrossProcess;
using FragNet.Xen.Netif;

namespace FragNet.Xen.Testbed;

/// <summary>
/// Guest → netback → sink throughput, in process: a <see cref="GuestTransmitter"/> keeps the TX ring full of packets
/// of one size, netback handles them in the chosen mode, the sink frees each buffer at once, and the guest reclaims
/// the responses. The caller times <see cref="Run"/> (this layer has no clock).
/// </summary>
public sealed class NetbackBench : IDisposable
{
    private readonly XenPair _pair;
    private readonly GuestTransmitter _guest;
    private Instant _now = Instant.FromSeconds(1);
    private bool _disposed;

    /// <param name="mode">Netback's mode.</param>
    /// <param name="size">Bytes per packet.</param>
    /// <param name="workClock">For adaptive mode: the clock it prices its work with (null: the fixed threshold).</param>
    /// <param name="workload">What the guest sends: <see cref="GuestWorkload.Bench"/> (one size) or
    /// <see cref="GuestWorkload.Mix"/> (small packets and packets of <paramref name="size"/> in turn).</param>
    /// <param name="adaptiveYouth">For adaptive mode with a work clock: <see cref="NetbackConfig.AdaptiveYouth"/>
    /// (null: its default).</param>
    public NetbackBench(NetbackMode mode, int size, IWorkClock? workClock = null, GuestWorkload workload = GuestWorkload.Bench, Duration? adaptiveYouth = null)
    {
        var config = new NetbackConfig { Mode = mode, HoldLimit = null, WorkClock = workClock };
        _pair = new XenPair(adaptiveYouth is { } youth ? config with { AdaptiveYouth = youth } : config);
        _pair.Front.Paused = true; // the bench is the guest now
        _pair.Back.Receiver = (skb, _) => skb.Consume();
        _guest = new GuestTransmitter(_pair.Guest, _pair.Dom0.Id, _pair.Front.TxRing!, XenPair.ScratchFrame,
            _pair.Guest.FrameCount - XenPair.ScratchFrame, workload, size, seed: size);
    }

    /// <summary>Netback's mode for the next packets (to compare modes slice by slice on one guest).</summary>
    public NetbackMode Mode
    {
        get => _pair.Back.Mode;
        set => _pair.Back.Mode = value;
    }

    /// <summary>Bytes of the packets netback took so far.</summary>
    public long Bytes => _pair.Back.TxBytes;

    /// <summary>Bytes grant-copied by netback so far.</summary>
    public long BytesCopied => _pair.Back.TxBytesCopied;

    /// <summary>Grant maps so far.</summary>
    public long GrantMaps => _pair.Xen.Maps;

    /// <summary>Grant unmaps so far.</summary>
    public long GrantUnmaps => _pair.Xen.Unmaps;

    /// <summary>Grant copies so far.</summary>
    public long GrantCopies => _pair.Xen.Copies;

    /// <summary>Alias page structs the backend made for its grant maps (the others reused one of these).</summary>
    public long AliasPagesMade => _pair.Dom0.Mappings.Maps - _pair.Dom0.Mappings.Remaps;

    /// <summary>TX responses netback pushed so far.</summary>
    public long Responses => _pair.Back.TxResponses;

    /// <summary>Fragment destructors netback armed, and those whose <c>Destroy</c> ran.</summary>
    public (long Created, long Run) Destructors => (_pair.Back.TxDestructorsCreated, _pair.Back.TxDestructorsRun);

    /// <summary>What adaptive mode learned (empty for the fixed modes).</summary>
    public IReadOnlyList<AdaptiveSizeClass> AdaptiveClasses => _pair.Back.AdaptiveClasses();

    /// <summary>What leaked at <see cref="Dispose"/>.</summary>
    public XenLeakReport Leaks => _pair.Leaks;

    /// <summary>Moves <paramref name="packets"/> packets through netback; returns the packets answered.</summary>
    public long Run(long packets)
    {
        long sent = 0;
        long answered = 0;
        while (answered < packets)
        {
            long before = _guest.PacketsSent;
            _guest.Produce(packets - sent);
            sent += _guest.PacketsSent - before;
            _now += Duration.FromMicroseconds(1);
            _pair.Back.Poll(_now);
            _pair.Back.Poll(_now); // answers what the sink released in the first
            answered += _guest.Reclaim();
            if (!_pair.Back.IsConnected)
            {
                throw new InvalidOperationException($"netback disconnected: {_pair.Back.DisconnectReason}");
            }
        }

        return answered;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _guest.EndGrants();
        _pair.Front.Paused = false;
        _pair.Dispose();
    }
}
