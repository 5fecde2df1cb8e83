using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.CrossProcess;
using FragNet.Xen.Hypervisor;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Testbed;

/// <summary>
/// A guest that keeps netback's TX ring busy: the traffic source of <see cref="NetbackBench"/> (in process) and of
/// the cross-process guest. Sans-IO: <see cref="Produce"/> fills the ring and says whether to notify,
/// <see cref="Reclaim"/> consumes responses; the caller drives both and waits for events.
/// </summary>
/// <remarks>
/// <para>Frames are granted read-only once, at construction, in blocks: a window entry owns one block and is reused
/// when every slot of its packet was answered — an answer means "this memory is yours again" (netback unmapped it),
/// so rewriting the block then is safe, and a backend that answers early shows up as a failed <see cref="EndGrants"/>
/// or, with checking on, as packets that fail <see cref="PacketPattern.Check"/>.</para>
/// <para>Workloads (<see cref="GuestWorkload"/>): <c>Bench</c> sends one size, written once per block; <c>Verify</c>
/// sends pseudo-random sizes with a pseudo-random first-slot offset, written afresh per packet; <c>DoubleFetch</c> is
/// hostile: one packet at a time whose slot <see cref="Harass"/> keeps flipping between the two versions of
/// <see cref="DoubleFetchPacket"/>, while also revoking and restoring version A's grant behind the table's back, until
/// the backend answers.</para>
/// </remarks>
public sealed class GuestTransmitter
{
    private readonly Domain _guest;
    private readonly ushort _backend;
    private readonly FrontRing _ring;
    private readonly GuestWorkload _workload;
    private readonly int _size;
    private readonly Random _random;
    private readonly int _block;
    private readonly int _firstFrame;
    private readonly uint[] _grants;
    private readonly int[] _unanswered;
    private readonly Stack<int> _free = new();
    private readonly byte[] _response = new byte[NetifConstants.TxSlotSize];
    private readonly bool _freshData;
    private long _sequence;
    private uint _harassedSlot;
    private bool _harassing;
    private NetifTxRequest _versionA;
    private NetifTxRequest _versionB;

    /// <param name="guest">The guest domain (its grant table and frames).</param>
    /// <param name="backend">The backend's domid, which the grants name.</param>
    /// <param name="ring">The TX ring, connected.</param>
    /// <param name="firstFrame">First guest frame this transmitter may use.</param>
    /// <param name="frameCount">Frames it may use.</param>
    /// <param name="workload">What to send.</param>
    /// <param name="size">Bytes per packet for <see cref="GuestWorkload.Bench"/> (14..65535).</param>
    /// <param name="seed">Seed of the sizes and offsets of <see cref="GuestWorkload.Verify"/>.</param>
    /// <param name="freshData">For <see cref="GuestWorkload.Bench"/>: touch every cache line of a packet before
    /// producing it (a guest sending data it just wrote), instead of sending the same bytes again untouched.</param>
    public GuestTransmitter(Domain guest, ushort backend, FrontRing ring, int firstFrame, int frameCount, GuestWorkload workload, int size, int seed, bool freshData = false)
    {
        _freshData = freshData;
        ArgumentNullException.ThrowIfNull(guest);
        ArgumentNullException.ThrowIfNull(ring);
        if (workload is GuestWorkload.Bench or GuestWorkload.Mix)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(size, PacketPattern.HeaderLength);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 65535);
        }

        _guest = guest;
        _backend = backend;
        _ring = ring;
        _workload = workload;
        _size = size;
        _random = new Random(seed);
        _firstFrame = firstFrame;
        _block = workload switch
        {
            GuestWorkload.Bench or GuestWorkload.Mix => (size + Page.Size - 1) / Page.Size,
            GuestWorkload.Verify => 17, // 65535 bytes from an offset of up to 4095 span at most 17 pages
            _ => 2,
        };
        int window = workload == GuestWorkload.DoubleFetch ? 1 : Math.Min(64, Math.Min(frameCount / _block, ring.Size / _block));
        if (window < 1)
        {
            throw new ArgumentException($"{frameCount} frames hold no block of {_block}", nameof(frameCount));
        }

        _grants = new uint[window * _block];
        _unanswered = new int[window];
        for (int i = 0; i < _grants.Length; i++)
        {
            _grants[i] = guest.Grants.GrantAccess(backend, firstFrame + i, readOnly: true);
        }

        for (int e = window - 1; e >= 0; e--)
        {
            _free.Push(e);
            if (workload is GuestWorkload.Bench or GuestWorkload.Mix)
            {
                WriteBenchBlock(e);
            }
            else if (workload == GuestWorkload.DoubleFetch)
            {
                DoubleFetchPacket.FillFrame(Frame(e, 0), b: false);
                DoubleFetchPacket.FillFrame(Frame(e, 1), b: true);
            }
        }
    }

    /// <summary>The small packets of <see cref="GuestWorkload.Mix"/>, in bytes (a TCP acknowledgement's frame).</summary>
    public const int SmallPacket = 64;

    /// <summary>Packets produced.</summary>
    public long PacketsSent { get; private set; }

    /// <summary>Packets whose every slot was answered.</summary>
    public long PacketsAnswered { get; private set; }

    /// <summary>Slots answered with an error status.</summary>
    public long ErrorResponses { get; private set; }

    /// <summary>Responses of unknown ids (a confused backend, or one this guest overwrote itself while harassing).</summary>
    public long UnknownResponses { get; private set; }

    /// <summary>Slot rewrites by <see cref="Harass"/>.</summary>
    public long Rewrites { get; private set; }

    /// <summary>Packets in flight.</summary>
    public int InFlight => _unanswered.Length - _free.Count;

    /// <summary>Produces as many packets as the window and the ring allow (at most <paramref name="limit"/>) and
    /// pushes them; returns whether the backend asked to be notified.</summary>
    public bool Produce(long limit = long.MaxValue)
    {
        int produced = 0;
        while (produced < limit && _free.Count > 0 && _ring.FreeRequests >= _block)
        {
            int entry = _free.Pop();
            _unanswered[entry] = _workload switch
            {
                GuestWorkload.Bench or GuestWorkload.Mix => ProduceBench(entry),
                GuestWorkload.Verify => ProduceVerify(entry),
                _ => ProduceDoubleFetch(entry),
            };
            PacketsSent++;
            produced++;
        }

        if (produced == 0)
        {
            return false;
        }

        _ring.PushRequests(out bool notify);
        return notify;
    }

    /// <summary>Consumes every published response; returns the packets completed.</summary>
    public int Reclaim()
    {
        int done = 0;
        while (_ring.UnconsumedResponses > 0)
        {
            uint index = _ring.ResponseConsumer;
            _ring.TryConsumeResponse(_response);
            NetifTxResponse r = NetifTxResponse.Read(_response);
            int entry = r.Id / _block;
            if (_harassing && index == _harassedSlot)
            {
                // The one packet in flight. Requests and responses share the slot, so this guest's own rewrites may
                // have overwritten the response after the backend wrote it: it is matched by position, not by id.
                _harassing = false;
                entry = 0;
                if (r.Id != 0 || r.Status is not (NetifResponseStatus.Okay or NetifResponseStatus.Error))
                {
                    UnknownResponses++;
                }
            }
            else if ((uint)entry >= (uint)_unanswered.Length || _unanswered[entry] == 0)
            {
                UnknownResponses++;
                continue;
            }

            if (r.Status is NetifResponseStatus.Error or NetifResponseStatus.Dropped)
            {
                ErrorResponses++;
            }

            if (--_unanswered[entry] <= 0)
            {
                _unanswered[entry] = 0;
                _free.Push(entry);
                PacketsAnswered++;
                done++;
            }
        }

        return done;
    }

    /// <summary>The double-fetch attack, one round: while the packet in flight is unanswered (its slot not yet behind
    /// <c>rsp_prod</c>), rewrite its slot with the other version and flip its grant between revoked and permitted.
    /// Returns false once there is nothing left to harass.</summary>
    public bool Harass()
    {
        if (!_harassing || unchecked((int)(_ring.Shared.ResponseProducer - _harassedSlot)) > 0)
        {
            return false;
        }

        Span<byte> slot = _ring.Shared.Entry(_harassedSlot);
        bool useB = (Rewrites & 1) == 0;
        (useB ? _versionB : _versionA).Write(slot);
        var grant = new GrantEntryV1(_guest.Grants.Entry(_grants[0]));
        grant.Flags = useB ? 0 : GrantFlags.PermitAccess | GrantFlags.Readonly; // behind the table's back
        Rewrites++;
        return true;
    }

    /// <summary>Ends every grant (after the last response); returns the grants that could not be ended because the
    /// backend still has them mapped.</summary>
    public int EndGrants()
    {
        if (_workload == GuestWorkload.DoubleFetch)
        {
            new GrantEntryV1(_guest.Grants.Entry(_grants[0])).Flags = GrantFlags.PermitAccess | GrantFlags.Readonly;
        }

        int refused = 0;
        foreach (uint g in _grants)
        {
            refused += _guest.Grants.EndAccess(g) ? 0 : 1;
        }

        return refused;
    }

    private Span<byte> Frame(int entry, int slot) => _guest.Frame(_firstFrame + (entry * _block) + slot).Span;

    private void WriteBenchBlock(int entry)
    {
        for (int s = 0; s < _block; s++)
        {
            int at = s * Page.Size;
            int n = Math.Min(Page.Size, _size - at);
            PacketPattern.Fill(Frame(entry, s)[..n], entry, _size, at);
        }
    }

    private int ProduceBench(int entry)
    {
        int size = _workload == GuestWorkload.Mix && (_sequence & 1) == 0 ? Math.Min(SmallPacket, _size) : _size;
        int slots = (size + Page.Size - 1) / Page.Size;
        byte stamp = (byte)_sequence++;
        for (int s = 0; s < slots; s++)
        {
            int chunk = Math.Min(Page.Size, size - (s * Page.Size));
            if (_freshData)
            {
                // The guest's application wrote this data just now: one store per cache line, so the lines are dirty
                // in the guest's CPU when netback gets the request, as they are for a real guest's fresh data.
                Span<byte> frame = Frame(entry, s);
                for (int line = 63; line < chunk; line += 64)
                {
                    frame[line] = stamp;
                }
            }

            Put(new NetifTxRequest(_grants[(entry * _block) + s], 0, s < slots - 1 ? NetTxFlags.MoreData : 0, (ushort)((entry * _block) + s), (ushort)(s == 0 ? size : chunk)));
        }

        return slots;
    }

    private int ProduceVerify(int entry)
    {
        long sequence = _sequence++;
        int length = _random.Next(PacketPattern.HeaderLength, 65536);
        int offset = _random.Next(0, Page.Size);
        int slots = 0;
        for (int at = 0; at < length; slots++)
        {
            int start = slots == 0 ? offset : 0;
            int chunk = Math.Min(Page.Size - start, length - at);
            PacketPattern.Fill(Frame(entry, slots).Slice(start, chunk), sequence, length, at);
            at += chunk;
            bool more = at < length;
            Put(new NetifTxRequest(_grants[(entry * _block) + slots], (ushort)start, more ? NetTxFlags.MoreData : 0, (ushort)((entry * _block) + slots), (ushort)(slots == 0 ? length : chunk)));
        }

        return slots;
    }

    private int ProduceDoubleFetch(int entry)
    {
        _versionA = DoubleFetchPacket.VersionA(_grants[entry * _block]);
        _versionB = DoubleFetchPacket.VersionB(_grants[(entry * _block) + 1]);
        _harassedSlot = _ring.RequestProducerPrivate;
        _harassing = true;
        Put(_versionA);
        return 1;
    }

    private void Put(NetifTxRequest request)
    {
        _ring.TryGetRequestSlot(out Span<byte> slot);
        request.Write(slot);
    }
}
