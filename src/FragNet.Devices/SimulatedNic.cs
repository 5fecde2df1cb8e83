using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Stack;
using FragNet.Wire;

namespace FragNet.Devices;

/// <summary>
/// A NIC on a <see cref="SimulatedLink"/>: a TX ring that maps every frag of a frame for DMA (<see cref="SkBuff.FragDmaMap"/>)
/// and keeps the mappings — and so the pages, and any lender's fragment destructor — until the frame has been
/// serialized onto the wire (TX completion, in virtual time). Then the frame's bytes are copied into a buffer of the
/// receiving side (its RX DMA), passed through this direction's <see cref="FaultInjector"/>, and delivered after the
/// propagation delay.
/// </summary>
/// <remarks>Per-frame work reuses ring slots, mapping arrays and delivery slots: no allocation in steady state beyond
/// the receiving side's pooled buffers.</remarks>
public sealed class SimulatedNic : INetDevice, ISimulatorEvent
{
    private const long TxDoneTag = -1;
    private const long HeldDeadlineTag = -2;

    private readonly SimulatedLink _link;
    private readonly DmaDevice _dma;
    private readonly TxEntry[] _ring;
    private readonly List<SkBuff?> _inFlight = [];
    private readonly Stack<int> _freeSlots = new();
    private int _head;
    private int _count;
    private Instant _busyUntil;
    private SkBuff? _held;
    private SimulatorEventId _heldDeadline;

    internal SimulatedNic(SimulatedLink link, string name, EthernetAddress address, SkbCache rxCache, NetDeviceFeatures features)
    {
        _link = link;
        Name = name;
        Address = address;
        RxCache = rxCache;
        Features = features;
        _dma = new DmaDevice(name, (link.Config.TxRing * SharedInfo.MaxSkbFrags) + 1);
        _ring = new TxEntry[link.Config.TxRing];
        for (int i = 0; i < _ring.Length; i++)
        {
            _ring[i].Maps = new DmaMapping[SharedInfo.MaxSkbFrags];
        }
    }

    public string Name { get; }

    public EthernetAddress Address { get; }

    public int Mtu => _link.Config.Mtu;

    public NetDeviceFeatures Features { get; }

    /// <summary>Where received frames' buffers come from (this host's cache).</summary>
    public SkbCache RxCache { get; }

    /// <summary>The other end of the link.</summary>
    public SimulatedNic Peer { get; internal set; } = null!;

    /// <summary>Faults applied to frames leaving this NIC (this direction of the link); null for none.</summary>
    public FaultInjector? Faults { get; set; }

    /// <summary>The host this NIC delivers received frames to.</summary>
    public SimulatedHost? Host { get; internal set; }

    /// <summary>The DMA model: mappings held by frames in the TX ring.</summary>
    public DmaDevice Dma => _dma;

    public long TxFrames { get; private set; }

    public long TxBytes { get; private set; }

    public long RxFrames { get; private set; }

    /// <summary>Frames dropped because the TX ring was full.</summary>
    public long RingDrops { get; private set; }

    /// <summary>Frames waiting in or being sent from the TX ring.</summary>
    public int TxQueued => _count;

    public void Transmit(SkBuff frame, Instant now)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_count == _ring.Length)
        {
            RingDrops++;
            frame.Drop(DropReason.QueueFull);
            return;
        }

        if (frame.FragList is not null)
        {
            frame.Linearize(); // no NETIF_F_FRAGLIST
        }

        ref TxEntry e = ref _ring[(_head + _count) % _ring.Length];
        e.Frame = frame;
        e.MapCount = 0;
        for (int i = 0; i < frame.NrFrags; i++)
        {
            e.Maps[e.MapCount++] = frame.FragDmaMap(_dma, i, 0, frame.FragSize(i), DmaDirection.ToDevice);
        }

        _count++;
        if (_count == 1)
        {
            StartNext(now);
        }
    }

    void ISimulatorEvent.Run(Simulator simulator, long tag)
    {
        Instant now = simulator.Now;
        switch (tag)
        {
            case TxDoneTag:
                CompleteTransmission(simulator, now);
                break;
            case HeldDeadlineTag:
                if (_held is not null)
                {
                    SkBuff held = _held;
                    _held = null;
                    Peer.DeliverReceived(held, now);
                }

                break;
            default:
                int slot = (int)tag;
                SkBuff rx = _inFlight[slot]!;
                _inFlight[slot] = null;
                _freeSlots.Push(slot);
                Peer.DeliverReceived(rx, now);
                break;
        }
    }

    /// <summary>Frees frames still in the ring or on the wire (teardown).</summary>
    internal void Clear()
    {
        while (_count > 0)
        {
            ref TxEntry e = ref _ring[_head];
            for (int i = 0; i < e.MapCount; i++)
            {
                _dma.Unmap(e.Maps[i]);
            }

            e.Frame!.Drop(DropReason.DeviceDown);
            e.Frame = null;
            _head = (_head + 1) % _ring.Length;
            _count--;
        }

        for (int i = 0; i < _inFlight.Count; i++)
        {
            _inFlight[i]?.Drop(DropReason.DeviceDown);
            _inFlight[i] = null;
        }

        _held?.Drop(DropReason.DeviceDown);
        _held = null;
    }

    private void StartNext(Instant now)
    {
        SkBuff frame = _ring[_head].Frame!;
        long bps = _link.Config.BitsPerSecond;
        // Wire time of the frame: preamble, SFD and inter-frame gap (20 bytes) and the FCS (4) on top of the frame.
        long micros = bps == 0 ? 0 : (frame.Len + 24) * 8L * 1_000_000 / bps;
        Instant start = Instant.Max(now, _busyUntil);
        _busyUntil = start + Duration.FromMicroseconds(micros);
        _link.Simulator.Schedule(_busyUntil, this, TxDoneTag);
    }

    private void CompleteTransmission(Simulator simulator, Instant now)
    {
        ref TxEntry e = ref _ring[_head];
        SkBuff frame = e.Frame!;
        int length = frame.Len;
        SkBuff rx = Peer.RxCache.Alloc(length);
        frame.CopyBits(0, rx.Put(length)); // the DMA engine reads the mapped pages now, at wire time
        if (frame.IpSummed == ChecksumState.Partial)
        {
            OffloadChecksum(frame, rx);
        }

        _link.Capture?.WritePacket(now, rx);
        for (int i = 0; i < e.MapCount; i++)
        {
            _dma.Unmap(e.Maps[i]);
        }

        frame.Consume(); // TX completion: the NIC lets go of the frame and its pages
        e.Frame = null;
        e.MapCount = 0;
        _head = (_head + 1) % _ring.Length;
        _count--;
        TxFrames++;
        TxBytes += length;
        if (_count > 0)
        {
            StartNext(now);
        }

        FaultDecision decision = Faults?.Decide(rx.LinearData, now) ?? default;
        Instant arrival = now + _link.Config.Propagation;
        switch (decision.Action)
        {
            case FaultAction.Drop:
                rx.Drop(DropReason.FaultInjected);
                break;
            case FaultAction.Delay or FaultAction.Stall:
                Send(simulator, rx, arrival + decision.Delay);
                break;
            case FaultAction.Duplicate:
                Send(simulator, rx.Copy(), arrival);
                Send(simulator, rx, arrival);
                break;
            case FaultAction.Corrupt:
                decision.ApplyCorruption(rx.LinearData);
                Send(simulator, rx, arrival);
                break;
            case FaultAction.Reorder:
                _held?.Drop(DropReason.FaultInjected); // cannot happen: the injector holds one at a time
                _held = rx;
                _heldDeadline = simulator.Schedule(now + decision.Delay + _link.Config.Propagation, this, HeldDeadlineTag);
                break;
            default:
                Send(simulator, rx, arrival);
                break;
        }

        if (decision.ReleaseHeld && _held is not null)
        {
            simulator.Cancel(_heldDeadline);
            SkBuff held = _held;
            _held = null;
            Send(simulator, held, arrival); // right after the frame that overtook it
        }
    }

    /// <summary>
    /// The checksum engines of this NIC (<see cref="NetDeviceFeatures.TxChecksum"/>) and the peer's
    /// (<see cref="NetDeviceFeatures.RxChecksum"/>). Hardware costs the hosts nothing, so the model does not spend the
    /// simulation's time on it where nothing could tell: when the peer checks checksums too and no fault rule or
    /// capture looks at this direction, the frame crosses as the receiver's hardware would pass it, already checked
    /// (<see cref="ChecksumState.Unnecessary"/>; Linux's veth hands a <c>CHECKSUM_PARTIAL</c> buffer over the same
    /// way). Otherwise the transmit engine completes the checksum into the bytes on the wire (<c>skb_checksum_help</c>),
    /// so a capture shows it and a corrupted frame fails the receiver's check.
    /// </summary>
    private void OffloadChecksum(SkBuff frame, SkBuff rx)
    {
        if ((Peer.Features & NetDeviceFeatures.RxChecksum) != 0 && Faults is null && _link.Capture is null)
        {
            rx.IpSummed = ChecksumState.Unnecessary;
            return;
        }

        int start = frame.CsumStart;
        Span<byte> bytes = rx.LinearData;
        ushort sum = InternetChecksum.Sum(bytes[start..]);
        BinaryPrimitives.WriteUInt16BigEndian(bytes[(start + frame.CsumOffset)..], (ushort)~sum);
    }

    private void Send(Simulator simulator, SkBuff rx, Instant at)
    {
        if (!_freeSlots.TryPop(out int slot))
        {
            slot = _inFlight.Count;
            _inFlight.Add(null);
        }

        _inFlight[slot] = rx;
        simulator.Schedule(at, this, slot);
    }

    private void DeliverReceived(SkBuff rx, Instant now)
    {
        RxFrames++;
        if (Host is null)
        {
            rx.Drop(DropReason.DeviceDown);
            return;
        }

        Host.Receive(rx, now);
    }

    private struct TxEntry
    {
        public SkBuff? Frame;
        public DmaMapping[] Maps;
        public int MapCount;
    }
}
