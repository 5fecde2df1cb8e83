using FragNet.Buffers;
using FragNet.Stack;
using FragNet.Wire;
using FragNet.Xen.Abi;
using FragNet.Xen.Hypervisor;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Netif;

/// <summary>
/// The guest's half of a virtual interface (Linux's xen-netfront), an <see cref="INetDevice"/> for the guest's
/// <see cref="NetInterface"/>. It owns a range of the guest's frames: two ring pages, transmit buffers and receive
/// buffers, all granted to the backend.
/// </summary>
/// <remarks>
/// Transmit copies a frame into granted guest frames (read-only grants; page-sized slots, the first announcing the
/// total, <c>more_data</c> chaining, a GSO extra-info slot for super-frames) and reclaims each grant when the backend
/// answers: <see cref="GrantTable.EndAccess"/> must then succeed, since an answered request means the backend let go —
/// <see cref="EndAccessFailures"/> counts backends that lie. Receive posts granted empty frames and rebuilds frames
/// from the backend's responses. The guest-side copy on transmit stands in for Linux granting the skb's own pages;
/// what is studied here is the backend.
/// </remarks>
public sealed class Netfront : INetDevice
{
    private const int RxBuffers = 64;

    private readonly XenHypervisor _xen;
    private readonly Domain _guest;
    private readonly Domain _backend;
    private readonly SkbCache _cache;
    private readonly int _txRingFrame;
    private readonly int _rxRingFrame;
    private readonly Stack<int> _freeTxFrames = new();
    private readonly Dictionary<ushort, (int Frame, uint Gref)> _txInFlight = [];
    private readonly (int Frame, uint Gref)[] _rxPosted = new (int, uint)[RxBuffers];
    private readonly Stack<ushort> _freeRxIds = new();
    private readonly Queue<SkBuff> _txQueue = new();
    private readonly byte[] _slot = new byte[NetifConstants.TxSlotSize];
    private readonly List<(ushort Id, int Offset, int Length)> _rxParts = [];
    private FrontRing? _tx;
    private FrontRing? _rx;
    private EventChannel? _event;
    private uint _txRingRef;
    private uint _rxRingRef;

    public Netfront(XenHypervisor xen, Domain guest, Domain backend, string devicePath, SkbCache cache, int firstFrame, int frameCount)
    {
        ArgumentNullException.ThrowIfNull(xen);
        ArgumentNullException.ThrowIfNull(guest);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(devicePath);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentOutOfRangeException.ThrowIfLessThan(frameCount, RxBuffers + 2 + NetifConstants.MaxSlotsPerPacket);
        _xen = xen;
        _guest = guest;
        _backend = backend;
        _cache = cache;
        DevicePath = devicePath;
        _txRingFrame = firstFrame;
        _rxRingFrame = firstFrame + 1;
        for (int i = firstFrame + frameCount - 1; i >= firstFrame + 2 + RxBuffers; i--)
        {
            _freeTxFrames.Push(i);
        }

        for (int i = 0; i < RxBuffers; i++)
        {
            _rxPosted[i] = (firstFrame + 2 + i, 0);
            _freeRxIds.Push((ushort)(RxBuffers - 1 - i));
        }

        Address = new EthernetAddress([0x00, 0x16, 0x3e, 0x00, 0x00, (byte)guest.Id]);
    }

    public string Name => "eth0";

    public EthernetAddress Address { get; }

    public int Mtu => 1500;

    public NetDeviceFeatures Features => NetDeviceFeatures.ScatterGather;

    /// <summary>The guest's interface.</summary>
    public NetInterface? Host { get; set; }

    public string DevicePath { get; }

    public bool IsConnected { get; private set; }

    public long TxPackets { get; private set; }

    public long TxErrors { get; private set; }

    public long RxPackets { get; private set; }

    /// <summary>Grants the backend answered but still had mapped (must stay 0).</summary>
    public long EndAccessFailures { get; private set; }

    /// <summary>A frozen guest: <see cref="Poll"/> does nothing (no buffers reposted, no responses read).</summary>
    public bool Paused { get; set; }

    /// <summary>Transmit requests not yet answered.</summary>
    public int TxOutstanding => _txInFlight.Count;

    /// <summary>The event channel (tests use it to storm the backend).</summary>
    public EventChannel? Event => _event;

    /// <summary>The transmit ring (tests use it to play a hostile guest).</summary>
    public FrontRing? TxRing => _tx;

    /// <summary>The receive ring (tests use it to play a hostile guest).</summary>
    public FrontRing? RxRing => _rx;

    /// <summary>Sets up the rings and the event channel and publishes them (<c>tx-ring-ref</c>, <c>rx-ring-ref</c>,
    /// <c>event-channel</c>, <c>feature-sg</c>, <c>request-rx-copy</c>); the state becomes Initialised.</summary>
    public void Initialise()
    {
        new SharedRing(_guest.Frame(_txRingFrame).Span, NetifConstants.TxSlotSize).Initialize();
        new SharedRing(_guest.Frame(_rxRingFrame).Span, NetifConstants.RxSlotSize).Initialize();
        _tx = new FrontRing(_guest.Frame(_txRingFrame), NetifConstants.TxSlotSize);
        _rx = new FrontRing(_guest.Frame(_rxRingFrame), NetifConstants.RxSlotSize);
        _txRingRef = _guest.Grants.GrantAccess(_backend.Id, _txRingFrame, readOnly: false);
        _rxRingRef = _guest.Grants.GrantAccess(_backend.Id, _rxRingFrame, readOnly: false);
        _event = _xen.EventChannels.AllocUnbound(_guest, _backend.Id);
        XenStore store = _xen.Store;
        store.Write(DevicePath + "/tx-ring-ref", _txRingRef.ToString(System.Globalization.CultureInfo.InvariantCulture));
        store.Write(DevicePath + "/rx-ring-ref", _rxRingRef.ToString(System.Globalization.CultureInfo.InvariantCulture));
        store.Write(DevicePath + "/event-channel", _event.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        store.Write(DevicePath + "/feature-sg", "1");
        store.Write(DevicePath + "/request-rx-copy", "1");
        store.WriteState(DevicePath, XenbusState.Initialised);
    }

    /// <summary>Completes the handshake once the backend at <paramref name="backendPath"/> is Connected: posts the
    /// receive buffers; the state becomes Connected.</summary>
    public bool Connect(string backendPath)
    {
        if (_xen.Store.ReadState(backendPath) != XenbusState.Connected || _event?.Peer is null)
        {
            return false;
        }

        IsConnected = true;
        PostReceiveBuffers();
        _xen.Store.WriteState(DevicePath, XenbusState.Connected);
        return true;
    }

    public void Transmit(SkBuff frame, Instant now)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (!IsConnected || _txQueue.Count >= 1024)
        {
            frame.Drop(DropReason.QueueFull);
            return;
        }

        _txQueue.Enqueue(frame);
    }

    public Instant PollAt() =>
        IsConnected && !Paused && (_event!.Pending || _txQueue.Count > 0 || _tx!.UnconsumedResponses > 0 || _rx!.UnconsumedResponses > 0)
            ? Instant.Zero
            : Instant.MaxValue;

    /// <summary>Reclaims answered transmits, delivers received frames, reposts buffers and sends queued frames.</summary>
    public void Poll(Instant now)
    {
        if (!IsConnected || Paused)
        {
            return;
        }

        _event!.TakePending();
        ReclaimTransmits();
        ReceiveFrames(now);
        bool notify = PostReceiveBuffers();
        notify |= SendQueued();
        if (notify)
        {
            _xen.EventChannels.Notify(_event);
        }
    }

    /// <summary>Ends the grants of the rings and of everything posted (teardown, after the backend disconnected).</summary>
    public void Close()
    {
        IsConnected = false;
        while (_txQueue.TryDequeue(out SkBuff? f))
        {
            f.Drop(DropReason.DeviceDown);
        }

        foreach ((ushort _, (int frame, uint gref)) in _txInFlight)
        {
            EndGrant(gref);
        }

        _txInFlight.Clear();
        for (ushort id = 0; id < RxBuffers; id++)
        {
            if (_rxPosted[id].Gref != 0)
            {
                EndGrant(_rxPosted[id].Gref);
                _rxPosted[id].Gref = 0;
            }
        }

        EndGrant(_txRingRef);
        EndGrant(_rxRingRef);
        if (_event is not null)
        {
            _xen.EventChannels.Close(_event);
        }

        _xen.Store.WriteState(DevicePath, XenbusState.Closed);
    }

    private void EndGrant(uint gref)
    {
        if (!_guest.Grants.EndAccess(gref))
        {
            EndAccessFailures++;
        }
    }

    private bool SendQueued()
    {
        bool any = false;
        while (_txQueue.TryPeek(out SkBuff? frame))
        {
            int len = frame.Len;
            int chunks = Math.Max(1, (len + Page.Size - 1) / Page.Size);
            int slots = chunks + (frame.GsoSize > 0 ? 1 : 0);
            if (_tx!.FreeRequests < slots || _freeTxFrames.Count < chunks)
            {
                break;
            }

            _txQueue.Dequeue();
            for (int i = 0; i < chunks; i++)
            {
                int frameNo = _freeTxFrames.Pop();
                int at = i * Page.Size;
                int n = Math.Min(Page.Size, len - at);
                frame.CopyBits(at, _guest.Frame(frameNo).Span[..n]);
                uint gref = _guest.Grants.GrantAccess(_backend.Id, frameNo, readOnly: true);
                var id = (ushort)frameNo;
                _txInFlight.Add(id, (frameNo, gref));
                NetTxFlags flags = i < chunks - 1 ? NetTxFlags.MoreData : 0;
                if (i == 0 && frame.GsoSize > 0)
                {
                    flags |= NetTxFlags.ExtraInfo;
                }

                _tx.TryGetRequestSlot(out Span<byte> slot);
                new NetifTxRequest(gref, 0, flags, id, (ushort)(i == 0 ? len : n)).Write(slot);
                if (i == 0 && frame.GsoSize > 0)
                {
                    _tx.TryGetRequestSlot(out Span<byte> extra);
                    NetifExtraInfo.ForGso((ushort)frame.GsoSize, NetifGsoType.TcpV4).Write(extra);
                }
            }

            frame.Consume();
            TxPackets++;
            any = true;
        }

        if (!any)
        {
            return false;
        }

        _tx!.PushRequests(out bool notify);
        return notify;
    }

    private void ReclaimTransmits()
    {
        FrontRing tx = _tx!;
        while (true)
        {
            while (tx.TryConsumeResponse(_slot))
            {
                NetifTxResponse r = NetifTxResponse.Read(_slot);
                if (r.Status == NetifResponseStatus.Null)
                {
                    continue; // an extra-info slot's answer
                }

                if (r.Status != NetifResponseStatus.Okay)
                {
                    TxErrors++;
                }

                if (_txInFlight.Remove(r.Id, out (int Frame, uint Gref) sent))
                {
                    EndGrant(sent.Gref);
                    _freeTxFrames.Push(sent.Frame);
                }
            }

            tx.FinalCheckForResponses(out bool more);
            if (!more)
            {
                return;
            }
        }
    }

    private void ReceiveFrames(Instant now)
    {
        FrontRing rx = _rx!;
        Span<byte> slot = stackalloc byte[NetifConstants.RxSlotSize];
        while (true)
        {
            while (rx.TryConsumeResponse(slot))
            {
                NetifRxResponse r = NetifRxResponse.Read(slot);
                if (r.Id >= RxBuffers)
                {
                    continue; // not a buffer we posted: ignore it
                }

                EndGrant(_rxPosted[r.Id].Gref);
                _rxPosted[r.Id].Gref = 0;
                _freeRxIds.Push(r.Id);
                if (r.Status < 0)
                {
                    _rxParts.Clear();
                    continue;
                }

                _rxParts.Add((r.Id, r.Offset, r.Status));
                if ((r.Flags & NetRxFlags.MoreData) != 0)
                {
                    continue;
                }

                Deliver(now);
            }

            rx.FinalCheckForResponses(out bool more);
            if (!more)
            {
                return;
            }
        }
    }

    private void Deliver(Instant now)
    {
        int len = 0;
        foreach ((ushort _, int offset, int length) in _rxParts)
        {
            len += length;
        }

        SkBuff skb = _cache.Alloc(len);
        Span<byte> dest = skb.Put(len);
        int at = 0;
        foreach ((ushort id, int offset, int length) in _rxParts)
        {
            if (offset + length <= Page.Size)
            {
                _guest.Frame(_rxPosted[id].Frame).Span.Slice(offset, length).CopyTo(dest[at..]);
            }

            at += length;
        }

        _rxParts.Clear();
        RxPackets++;
        if (Host is null)
        {
            skb.Drop(DropReason.DeviceDown);
            return;
        }

        Host.Receive(skb, now);
    }

    private bool PostReceiveBuffers()
    {
        FrontRing rx = _rx!;
        bool any = false;
        while (_freeRxIds.Count > 0 && !rx.IsFull)
        {
            ushort id = _freeRxIds.Pop();
            uint gref = _guest.Grants.GrantAccess(_backend.Id, _rxPosted[id].Frame, readOnly: false);
            _rxPosted[id].Gref = gref;
            rx.TryGetRequestSlot(out Span<byte> slot);
            new NetifRxRequest(id, gref).Write(slot);
            any = true;
        }

        if (!any)
        {
            return false;
        }

        rx.PushRequests(out bool notify);
        return notify;
    }
}
