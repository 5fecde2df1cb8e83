using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Hypervisor;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Netif;

public sealed partial class Vif
{
    private const int EthernetHeader = 14;
    private const int HeadRoom = 256;

    private readonly byte[] _slot = new byte[NetifConstants.TxSlotSize];
    private readonly List<NetifTxRequest> _data = new(NetifConstants.MaxSlotsPerPacket + 2);
    private readonly Queue<PendingPacket> _released = new();
    private readonly Stack<PendingPacket> _freePending = new();
    private Action<object?>? _onPacketReleased;
    private string? _txDestructorName;
    private int _txInFlight;

    /// <summary>The packet being handled, once its pages are mapped and in flight (for timing it in adaptive mode).</summary>
    private PendingPacket? _inFlightPending;

    /// <summary>Test hook: runs after each request was copied out of the ring, with the ring, so a test can play a guest
    /// that rewrites a slot the backend already fetched (the double-fetch attack). The backend must act on its copy.</summary>
    internal Action<BackRing>? AfterRequestCopied { get; set; }

    /// <summary>Consumes the guest's transmit requests (up to the budget) and turns each packet into a buffer for the
    /// stack. Returns true if responses went out that need a notification.</summary>
    private bool ProcessTransmits(Instant now)
    {
        BackRing tx = _tx!;
        bool pushed = false;
        for (int budget = _config.Budget; budget > 0; budget--)
        {
            if (tx.IsOverflowed)
            {
                FatalError(NetbackDropReason.FatalRingOverflow, "the guest produced more requests than the ring holds");
                return false;
            }

            if (tx.UnconsumedRequests == 0)
            {
                tx.FinalCheckForRequests(out bool more);
                if (!more)
                {
                    break;
                }

                continue;
            }

            HandlePacket(tx, now);
            if (!IsConnected)
            {
                return false;
            }

            pushed = true;
        }

        if (!pushed)
        {
            return false;
        }

        tx.PushResponses(out bool notify);
        return notify;
    }

    /// <summary>One packet: its slots (copied out of the ring first), the checks, then the buffer by mode.</summary>
    private void HandlePacket(BackRing tx, Instant now)
    {
        _data.Clear();
        tx.TryConsumeRequest(_slot);
        AfterRequestCopied?.Invoke(tx);
        NetifTxRequest first = NetifTxRequest.Read(_slot);
        _data.Add(first);
        int extras = 0;
        bool badExtra = false;
        ushort gsoSize = 0;
        if ((first.Flags & NetTxFlags.ExtraInfo) != 0)
        {
            while (true)
            {
                if (tx.UnconsumedRequests == 0)
                {
                    FatalError(NetbackDropReason.FatalSlotCount, "extra info announced but not produced");
                    return;
                }

                tx.TryConsumeRequest(_slot);
                extras++;
                NetifExtraInfo extra = NetifExtraInfo.Read(_slot);
                switch (extra.Type)
                {
                    case NetifExtraType.Gso when extra.GsoSize > 0 && extra.GsoType == NetifGsoType.TcpV4:
                        gsoSize = extra.GsoSize;
                        break;
                    case NetifExtraType.McastAdd or NetifExtraType.McastDel:
                        break; // multicast filters: accepted, nothing to filter here
                    default:
                        badExtra = true;
                        break;
                }

                if ((extra.Flags & NetifExtraFlags.More) == 0 || extras > 4)
                {
                    break;
                }
            }
        }

        NetTxFlags flags = first.Flags;
        while ((flags & NetTxFlags.MoreData) != 0)
        {
            if (_data.Count >= _config.FatalSlots)
            {
                FatalError(NetbackDropReason.FatalSlotCount, $"a packet of more than {_config.FatalSlots} slots");
                return;
            }

            if (tx.UnconsumedRequests == 0)
            {
                FatalError(NetbackDropReason.FatalSlotCount, "a packet asks for more slots than the guest produced");
                return;
            }

            tx.TryConsumeRequest(_slot);
            NetifTxRequest next = NetifTxRequest.Read(_slot);
            _data.Add(next);
            flags = next.Flags;
        }

        // Sizes: the first slot announces the whole packet; its own data is what the others leave.
        int total = first.Size;
        int rest = 0;
        for (int i = 1; i < _data.Count; i++)
        {
            rest += _data[i].Size;
        }

        if (rest > total)
        {
            FatalError(NetbackDropReason.FatalSizeMismatch, $"slots carry {rest} bytes beyond a first slot announcing {total}");
            return;
        }

        for (int i = 0; i < _data.Count; i++)
        {
            int size = i == 0 ? total - rest : _data[i].Size;
            if (_data[i].Offset + size > Page.Size)
            {
                FatalError(NetbackDropReason.FatalCrossPage, $"slot {i} crosses its page ({_data[i].Offset} + {size})");
                return;
            }
        }

        NetbackDropReason? drop = _data.Count > _config.MaxSlots ? NetbackDropReason.TooManySlots
            : badExtra ? NetbackDropReason.BadExtraInfo
            : total < EthernetHeader ? NetbackDropReason.Runt
            : null;
        if (drop is { } reason)
        {
            _drops[(int)reason]++;
            AnswerNow(NetifResponseStatus.Error, extras);
            return;
        }

        NetbackMode mode = Mode;
        bool timed = false;
        long started = 0;
        _inFlightPending = null;
        if (mode == NetbackMode.Adaptive)
        {
            if (_selector is null)
            {
                mode = total < _config.AdaptiveThreshold ? NetbackMode.Copy : NetbackMode.CopyHeaderMapRest;
            }
            else
            {
                mode = _selector.Choose(total, out timed);
                started = timed ? _config.WorkClock!.Ticks : 0;
            }
        }

        SkBuff? skb = mode switch
        {
            NetbackMode.Copy => BuildCopied(total, rest, extras),
            NetbackMode.MapForeign => BuildMapped(total, rest, extras, foreign: true, now),
            NetbackMode.MapDestructor => BuildMapped(total, rest, extras, foreign: false, now),
            _ => BuildHeaderCopied(total, rest, extras, now),
        };
        if (skb is null)
        {
            _drops[(int)NetbackDropReason.GrantFailed]++;
            AnswerNow(NetifResponseStatus.Error, extras);
            return;
        }

        if (gsoSize > 0)
        {
            skb.GsoSize = gsoSize;
            skb.Shinfo.GsoType = GsoType.TcpV4;
        }

        TxPackets++;
        TxBytes += total;
        if (Receiver is not null)
        {
            Receiver(skb, now);
        }
        else if (Host is null)
        {
            skb.Drop(DropReason.DeviceDown);
        }
        else
        {
            Host.Receive(skb, now);
        }

        if (timed)
        {
            long spent = Math.Max(1, _config.WorkClock!.Ticks - started);
            if (_inFlightPending is { } p)
            {
                // Mapped and still held (or released and waiting for the next poll): the release adds its part.
                p.TimedSize = total;
                p.TimedMode = mode;
                p.TimedTicks = spent;
            }
            else
            {
                _selector!.Record(total, mode, spent);
            }
        }
    }

    /// <summary>Answers every slot of the current packet now (copy mode, drops, packets with nothing mapped).</summary>
    private void AnswerNow(NetifResponseStatus status, int extras)
    {
        for (int i = 0; i < _data.Count; i++)
        {
            Respond(_data[i].Id, status);
            if (i == 0)
            {
                for (int e = 0; e < extras; e++)
                {
                    Respond(_data[0].Id, NetifResponseStatus.Null);
                }
            }
        }
    }

    private void Respond(ushort id, NetifResponseStatus status)
    {
        new NetifTxResponse(id, status).Write(_tx!.NextResponseSlot());
        TxResponses++;
    }

    /// <summary>Copy mode: every slot grant-copied into a page of ours; the guest is answered at once.</summary>
    private SkBuff? BuildCopied(int total, int rest, int extras)
    {
        SkBuff skb = _cache.Alloc(HeadRoom);
        SkBuff target = skb;
        SkBuff? overflow = null;
        for (int i = 0; i < _data.Count; i++)
        {
            NetifTxRequest r = _data[i];
            int size = i == 0 ? total - rest : r.Size;
            if (size == 0)
            {
                continue;
            }

            if (!_cache.Pages.TryAlloc(out Page page))
            {
                AttachOverflow(skb, overflow);
                skb.Drop(DropReason.NoMemory);
                return null;
            }

            if (_xen.Copy(_backend, GrantCopySide.Gref(_guest.Id, r.Gref, r.Offset), GrantCopySide.Local(page, 0), size) != GrantStatus.Okay)
            {
                page.Release();
                AttachOverflow(skb, overflow);
                skb.Drop(DropReason.FaultInjected);
                return null;
            }

            TxBytesCopied += size;
            target = NextFragTarget(skb, target, ref overflow);
            target.FillPageDesc(target.NrFrags, page, 0, size);
        }

        AttachOverflow(skb, overflow);
        AnswerNow(NetifResponseStatus.Okay, extras);
        return skb;
    }

    /// <summary>Mapping modes: every slot's page mapped read-only and attached as a frag — with the packet's fragment
    /// destructor, or flagged foreign with the page-level destructor. Answered when released.</summary>
    private SkBuff? BuildMapped(int total, int rest, int extras, bool foreign, Instant now)
    {
        SkBuff skb = _cache.Alloc(HeadRoom);
        return MapSlots(skb, RentPending(extras, now), 0, total, rest, foreign, firstSkip: 0) ? skb : null;
    }

    /// <summary>Copy-header-map-rest: the first <see cref="NetbackConfig.HeaderCopy"/> bytes grant-copied into the
    /// linear area, the rest mapped with a fragment destructor.</summary>
    private SkBuff? BuildHeaderCopied(int total, int rest, int extras, Instant now)
    {
        NetifTxRequest first = _data[0];
        int firstSize = total - rest;
        int header = Math.Min(_config.HeaderCopy, firstSize);
        SkBuff skb = _cache.Alloc(HeadRoom + header);
        skb.Reserve(HeadRoom);
        if (_xen.CopyTo(_backend, GrantCopySide.Gref(_guest.Id, first.Gref, first.Offset), skb.Put(header)) != GrantStatus.Okay)
        {
            skb.Drop(DropReason.FaultInjected);
            return null;
        }

        TxBytesCopied += header;
        return MapSlots(skb, RentPending(extras, now), 0, total, rest, foreign: false, firstSkip: header) ? skb : null;
    }

    /// <summary>Maps the slots into frags of <paramref name="skb"/> (overflowing into a frag-list buffer past
    /// <see cref="SharedInfo.MaxSkbFrags"/>), skipping the first <paramref name="firstSkip"/> bytes of slot 0. On a
    /// failed map, undoes everything and returns false.</summary>
    private bool MapSlots(SkBuff skb, PendingPacket pending, int from, int total, int rest, bool foreign, int firstSkip)
    {
        FragDestructor? destructor = foreign ? null : ArmDestructor(pending);
        TxDestructorsCreated += foreign ? 0 : 1;
        foreach (NetifTxRequest r in _data)
        {
            pending.Ids.Add(r.Id);
        }

        SkBuff target = skb;
        SkBuff? overflow = null;
        for (int i = from; i < _data.Count; i++)
        {
            NetifTxRequest r = _data[i];
            int size = (i == 0 ? total - rest : r.Size) - (i == 0 ? firstSkip : 0);
            int offset = r.Offset + (i == 0 ? firstSkip : 0);
            if (size <= 0)
            {
                continue;
            }

            if (_xen.Map(_backend, _guest.Id, r.Gref, GrantMapFlags.HostMap | GrantMapFlags.Readonly, out GrantMapping? m) != GrantStatus.Okay)
            {
                AttachOverflow(skb, overflow);
                UndoMaps(skb, pending, destructor);
                return false;
            }

            TxGrantMaps++;
            pending.Mappings.Add(m!);
            target = NextFragTarget(skb, target, ref overflow);
            if (foreign)
            {
                m!.Page.SetForeign(pending.ForeignReleased ?? BindForeignDestructor(pending));
                pending.Outstanding++;
                target.AppendFrag(m.Page, offset, size);
            }
            else
            {
                target.AppendFrag(m!.Page, offset, size, destructor);
            }

            m.Page.Release(); // the frags' references are the only ones now
        }

        AttachOverflow(skb, overflow);

        if (pending.Mappings.Count == 0)
        {
            // Nothing mapped (a header-only packet): answer now, and keep the destructor's Destroy from answering again.
            pending.Outstanding = int.MinValue;
            destructor?.Release();
            AnswerPacket(pending, NetifResponseStatus.Okay);
            ReturnPending(pending);
            return true;
        }

        _txInFlight++;
        _inFlightPending = pending;
        if (destructor is not null)
        {
            pending.Outstanding = 1;
            destructor.Release(); // the creator's reference: from now on only the stack's frags hold it
        }

        return true;
    }

    private void UndoMaps(SkBuff skb, PendingPacket pending, FragDestructor? destructor)
    {
        pending.Outstanding = int.MinValue; // nobody answers this one through the release path
        skb.Drop(DropReason.FaultInjected);  // drops the frags: the aliases come back
        destructor?.Release();
        foreach (GrantMapping m in pending.Mappings)
        {
            if (m.Page.IsForeign && m.Page.RefCount == 0)
            {
                m.Page.ReturnForeign();
            }

            _xen.Unmap(m);
        }

        ReturnPending(pending);
    }

    /// <summary>A pending-packet object from the free list (or a new one while the list is short), ready for a
    /// packet.</summary>
    private PendingPacket RentPending(int extras, Instant now)
    {
        if (!_freePending.TryPop(out PendingPacket? p))
        {
            p = new PendingPacket();
        }

        p.Reset(extras, now);
        return p;
    }

    /// <summary>The packet's fragment destructor, the creator's reference held: the object's own, made once
    /// (the callback and its name too) and rearmed for each packet.</summary>
    private FragDestructor ArmDestructor(PendingPacket p)
    {
        if (p.Destructor is { } d)
        {
            d.Rearm(); // its previous packet's Destroy ran before the object came back to the free list
            return d;
        }

        p.Destructor = new FragDestructor(_onPacketReleased ??= OnPacketReleased, p, _txDestructorName ??= $"{Name} tx");
        return p.Destructor;
    }

    /// <summary>The page destructor for <paramref name="p"/>'s pages, bound once per object (apart from the map path,
    /// whose locals a lambda would otherwise capture on every call).</summary>
    private ForeignPageDestructor BindForeignDestructor(PendingPacket p) =>
        p.ForeignReleased = page => OnForeignPageReleased(page, p);

    /// <summary>Back to the free list: the packet was answered (or undone) and nothing of it is reachable.</summary>
    private void ReturnPending(PendingPacket p)
    {
        if (p.Destructor is { IsDestroyed: false })
        {
            throw new InvalidOperationException($"{Name}: a pending packet recycled before its destructor ran");
        }

        p.Mappings.Clear();
        _freePending.Push(p);
    }

    /// <summary>The buffer the next frag goes into: <paramref name="target"/> while it has a free slot, then an
    /// overflow buffer (18 slots need one more than <see cref="SharedInfo.MaxSkbFrags"/>, as in Linux netback), which
    /// <see cref="AttachOverflow"/> puts on the frag list once filled so the parent's length counts it.</summary>
    private SkBuff NextFragTarget(SkBuff skb, SkBuff target, ref SkBuff? overflow)
    {
        if (target.NrFrags < SharedInfo.MaxSkbFrags)
        {
            return target;
        }

        if (overflow is not null && ReferenceEquals(target, overflow))
        {
            throw new InvalidOperationException($"{Name}: more than {2 * SharedInfo.MaxSkbFrags} frags in one packet");
        }

        overflow = _cache.Alloc(0);
        return overflow;
    }

    private static void AttachOverflow(SkBuff skb, SkBuff? overflow)
    {
        if (overflow is not null)
        {
            skb.AppendToFragList(overflow);
        }
    }

    private void OnPacketReleased(object? data)
    {
        var p = (PendingPacket)data!;
        TxDestructorsRun++;
        if (p.Outstanding < 0)
        {
            return; // undone before it reached the stack
        }

        p.Outstanding = 0;
        _released.Enqueue(p);
    }

    private void OnForeignPageReleased(Page page, PendingPacket p)
    {
        page.ReturnForeign(); // the alias comes back to our mapping table; the grant is unmapped at the next poll
        if (p.Outstanding < 0)
        {
            return; // undone before it reached the stack
        }

        if (--p.Outstanding == 0)
        {
            _released.Enqueue(p);
        }
    }

    /// <summary>Unmaps and answers every packet the stack has let go of since the last poll.</summary>
    private bool AnswerReleased()
    {
        if (_released.Count == 0)
        {
            return false;
        }

        while (_released.TryDequeue(out PendingPacket? p))
        {
            long timedTicks = p.TimedTicks;
            long started = timedTicks > 0 ? _config.WorkClock!.Ticks : 0;
            UnmapPacket(p);
            AnswerPacket(p, NetifResponseStatus.Okay);
            if (timedTicks > 0)
            {
                _selector!.Record(p.TimedSize, p.TimedMode, timedTicks + (_config.WorkClock!.Ticks - started));
            }

            ReturnPending(p);
        }

        _tx!.PushResponses(out bool notify);
        return notify;
    }

    private void UnmapPacket(PendingPacket p)
    {
        foreach (GrantMapping m in p.Mappings)
        {
            GrantStatus s = _xen.Unmap(m);
            if (s != GrantStatus.Okay)
            {
                throw new InvalidOperationException($"{Name}: unmapping {m} failed with {s} after the stack released it");
            }
        }

        _txInFlight--;
    }

    private void AnswerPacket(PendingPacket p, NetifResponseStatus status)
    {
        for (int i = 0; i < p.Ids.Count; i++)
        {
            Respond(p.Ids[i], status);
            if (i == 0)
            {
                for (int e = 0; e < p.Extras; e++)
                {
                    Respond(p.Ids[0], NetifResponseStatus.Null);
                }
            }
        }
    }
}
