using FragNet.Buffers;
using FragNet.Stack;
using FragNet.Wire;
using FragNet.Xen.Abi;
using FragNet.Xen.Hypervisor;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Netif;

/// <summary>
/// Netback's half of one virtual interface (Linux's <c>struct xenvif</c>): it maps the guest's TX and RX rings,
/// turns the guest's transmit requests into <see cref="SkBuff"/>s for the backend's <see cref="NetInterface"/> (as an
/// <see cref="INetDevice"/>), and grant-copies what that interface transmits into the buffers the guest posted.
/// Sans-IO: <see cref="Poll"/> does the work, <see cref="PollAt"/> says when there is some.
/// </summary>
/// <remarks>
/// <para><b>Untrusted input.</b> Every request is copied out of the shared ring before it is looked at
/// (<see cref="BackRing.TryConsumeRequest"/>), so a guest rewriting a slot after producing it changes nothing. Errors
/// Linux netback answers per packet (a runt, a bad grant, too many slots, bad extra info) get error responses and a
/// counted drop; the ones it treats as fatal (ring overflow, a slot crossing its page, sizes that contradict the
/// total, more slots than exist) disconnect this vif and no other.</para>
/// <para><b>Answering the guest.</b> <see cref="NetbackMode.Copy"/> answers as soon as the bytes are copied. The
/// mapping modes answer when the stack is done with the guest's pages: the fragment destructor's <c>Destroy</c> (or
/// the foreign page destructor) queues the packet, and the next poll unmaps every grant — the aliases are back by
/// then — and pushes the responses. A TX response therefore means "this memory is yours again", never earlier.</para>
/// </remarks>
public sealed partial class Vif : INetDevice
{
    private readonly XenHypervisor _xen;
    private readonly Domain _backend;
    private readonly Domain _guest;
    private readonly string _frontendPath;
    private readonly NetbackConfig _config;
    private readonly SkbCache _cache;
    private readonly long[] _drops = new long[Enum.GetValues<NetbackDropReason>().Length];
    private readonly AdaptiveModeSelector? _selector;
    private GrantMapping? _txRingMapping;
    private GrantMapping? _rxRingMapping;
    private BackRing? _tx;
    private BackRing? _rx;
    private EventChannel? _event;

    public Vif(XenHypervisor xen, Domain backend, Domain guest, string frontendPath, SkbCache cache, NetbackConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(xen);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(guest);
        ArgumentNullException.ThrowIfNull(frontendPath);
        ArgumentNullException.ThrowIfNull(cache);
        _xen = xen;
        _backend = backend;
        _guest = guest;
        _frontendPath = frontendPath;
        _cache = cache;
        _config = config ?? new NetbackConfig();
        Mode = _config.Mode;
        _selector = _config.WorkClock is null ? null : new AdaptiveModeSelector(_config.WorkClock, _config.AdaptiveYouth);
        Name = $"vif{guest.Id}.0";
        Address = new EthernetAddress([0xfe, 0xff, 0xff, 0xff, 0xff, (byte)guest.Id]);
        BackendPath = $"backend/vif/{guest.Id}/0";
        xen.Store.WriteState(BackendPath, XenbusState.InitWait);
        xen.Store.Write(BackendPath + "/feature-sg", "1");
        xen.Store.Write(BackendPath + "/feature-gso-tcpv4", "1");
        xen.Store.Write(BackendPath + "/feature-rx-copy", "1");
    }

    public string Name { get; }

    public EthernetAddress Address { get; }

    public int Mtu => 1500;

    /// <summary>Scatter-gather and TSO: the stack may hand whole GSO super-frames to the guest.</summary>
    public NetDeviceFeatures Features => NetDeviceFeatures.ScatterGather;

    /// <summary>The backend's interface that receives the guest's frames.</summary>
    public NetInterface? Host { get; set; }

    /// <summary>When set, the guest's frames go here instead of <see cref="Host"/> (a tap for tests and benchmarks;
    /// the receiver owns each buffer and must free it).</summary>
    public Action<SkBuff, Instant>? Receiver { get; set; }

    /// <summary>This vif's XenStore directory.</summary>
    public string BackendPath { get; }

    public NetbackConfig Config => _config;

    /// <summary>The mode for the next packet (<see cref="NetbackConfig.Mode"/> to start with). A packet keeps the mode
    /// it was taken in until it is answered, so the mode may change between any two packets (a benchmark compares
    /// modes in alternating slices of one session this way).</summary>
    public NetbackMode Mode { get; set; }

    /// <summary>True between a successful <see cref="Connect"/> and a disconnect.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>Why the vif was disconnected, if it was.</summary>
    public string? DisconnectReason { get; private set; }

    public long TxPackets { get; private set; }

    public long TxBytes { get; private set; }

    /// <summary>Bytes of guest packets copied (grant copies; all of them in copy mode, headers in copy-header mode).</summary>
    public long TxBytesCopied { get; private set; }

    /// <summary>Guest pages mapped for transmit.</summary>
    public long TxGrantMaps { get; private set; }

    /// <summary>Fragment destructors created for mapped packets.</summary>
    public long TxDestructorsCreated { get; private set; }

    /// <summary>Fragment destructors whose <c>Destroy</c> ran (equal to <see cref="TxDestructorsCreated"/> once the
    /// stack let go of everything).</summary>
    public long TxDestructorsRun { get; private set; }

    /// <summary>TX responses pushed.</summary>
    public long TxResponses { get; private set; }

    public long RxPackets { get; private set; }

    /// <summary>Packets whose pages the stack still holds (mapping modes).</summary>
    public int TxInFlight => _txInFlight;

    /// <summary>Adaptive mode with a work clock: what it learned per size class (allocates; for reports). Empty
    /// otherwise.</summary>
    public IReadOnlyList<AdaptiveSizeClass> AdaptiveClasses() =>
        _selector?.Report(_config.WorkClock!.TicksPerSecond) ?? [];

    /// <summary>Drops and fatal errors by reason.</summary>
    public long Drops(NetbackDropReason reason) => _drops[(int)reason];

    /// <summary>
    /// Reads the frontend's keys (<c>tx-ring-ref</c>, <c>rx-ring-ref</c>, <c>event-channel</c>), maps both rings and
    /// binds the event channel; the backend state becomes Connected. False (and the state Closed) when a key is
    /// missing or a map or bind fails.
    /// </summary>
    public bool Connect()
    {
        XenStore store = _xen.Store;
        uint? txRef = store.ReadUInt(_frontendPath + "/tx-ring-ref");
        uint? rxRef = store.ReadUInt(_frontendPath + "/rx-ring-ref");
        uint? port = store.ReadUInt(_frontendPath + "/event-channel");
        if (txRef is null || rxRef is null || port is null)
        {
            return Fail("the frontend's ring references or event channel are missing");
        }

        if (_xen.Map(_backend, _guest.Id, txRef.Value, GrantMapFlags.HostMap, out _txRingMapping) != GrantStatus.Okay
            || _xen.Map(_backend, _guest.Id, rxRef.Value, GrantMapFlags.HostMap, out _rxRingMapping) != GrantStatus.Okay)
        {
            return Fail("the frontend's rings could not be mapped");
        }

        _event = _xen.EventChannels.BindInterdomain(_backend, _guest.Id, (int)port.Value);
        if (_event is null)
        {
            return Fail("the frontend's event channel could not be bound");
        }

        _tx = new BackRing(_txRingMapping!.Page, NetifConstants.TxSlotSize);
        _rx = new BackRing(_rxRingMapping!.Page, NetifConstants.RxSlotSize);
        IsConnected = true;
        store.WriteState(BackendPath, XenbusState.Connected);
        return true;
    }

    /// <summary>When <see cref="Poll"/> has work: now if the guest notified, frames wait for the guest, or released
    /// packets wait for their responses.</summary>
    public Instant PollAt() =>
        IsConnected && (_event!.Pending || _released.Count > 0 || (_rxQueue.Count > 0 && _rx!.UnconsumedRequests > 0) || _tx!.UnconsumedRequests > 0)
            ? Instant.Zero
            : Instant.MaxValue;

    /// <summary>Handles the guest's requests, answers released packets and fills posted receive buffers.</summary>
    public void Poll(Instant now)
    {
        if (!IsConnected)
        {
            return;
        }

        _event!.TakePending();
        bool notify = false;
        notify |= AnswerReleased();
        if (IsConnected)
        {
            notify |= ProcessTransmits(now);
        }

        if (IsConnected)
        {
            notify |= ProcessReceives();
        }

        if (notify && IsConnected)
        {
            _xen.EventChannels.Notify(_event);
        }
    }

    /// <summary>Stack → guest: queue <paramref name="frame"/> for the guest's next posted buffers.</summary>
    public void Transmit(SkBuff frame, Instant now)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!IsConnected || _rxQueue.Count >= _config.RxQueueLimit)
        {
            _drops[(int)NetbackDropReason.RxQueueFull]++;
            frame.Drop(DropReason.QueueFull);
            return;
        }

        _rxQueue.Enqueue(frame);
    }

    /// <summary>Disconnects (a fatal guest error, or teardown): unmaps the rings once nothing references them, closes
    /// the event channel, drops queued frames. Packets still in the stack are answered never; their mappings are
    /// released when the stack lets go (<see cref="ReleaseAfterDisconnect"/>).</summary>
    public void Disconnect(string reason)
    {
        if (!IsConnected && DisconnectReason is not null)
        {
            return;
        }

        IsConnected = false;
        DisconnectReason ??= reason;
        while (_rxQueue.TryDequeue(out SkBuff? f))
        {
            f.Drop(DropReason.DeviceDown);
        }

        if (_event is not null)
        {
            _xen.EventChannels.Close(_event);
        }

        UnmapRing(ref _txRingMapping);
        UnmapRing(ref _rxRingMapping);
        _tx = null;
        _rx = null;
        _xen.Store.WriteState(BackendPath, XenbusState.Closed);
    }

    /// <summary>After a disconnect: unmaps the grants of packets the stack has released since (no responses: the
    /// rings are gone). Returns the packets still held.</summary>
    public int ReleaseAfterDisconnect()
    {
        while (_released.TryDequeue(out PendingPacket? p))
        {
            UnmapPacket(p);
            ReturnPending(p);
        }

        return _txInFlight;
    }

    private bool Fail(string reason)
    {
        DisconnectReason = reason;
        UnmapRing(ref _txRingMapping);
        UnmapRing(ref _rxRingMapping);
        _xen.Store.WriteState(BackendPath, XenbusState.Closed);
        return false;
    }

    private void UnmapRing(ref GrantMapping? mapping)
    {
        if (mapping is null)
        {
            return;
        }

        mapping.Page.Release(); // the ring views hold no reference: only our mapping hold
        _xen.Unmap(mapping);
        mapping = null;
    }

    private void FatalError(NetbackDropReason reason, string what)
    {
        _drops[(int)reason]++;
        Disconnect($"fatal: {what}");
    }
}
