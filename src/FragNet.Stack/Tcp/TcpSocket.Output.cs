using FragNet.Buffers;
using FragNet.Wire;

namespace FragNet.Stack.Tcp;

/// <summary>Segment departure: what to send next (RFC 9293 §3.8.6, RFC 5681, RFC 9293 §3.7.4 Nagle).</summary>
public sealed partial class TcpSocket
{
    private bool _ackNow;
    private bool _rstPending;       // abort: RST with SND.NXT
    private bool _resetPending;     // reply to an unacceptable ACK: RST with that ACK's number
    private TcpSeqNumber _resetSeq;
    private int _retransmitBudget;  // recovery: segments that may be resent now (one per ACK that shows a departure)
    private TcpSeqNumber _retransmitNext; // recovery: where to look for the next hole
    private bool _probePending;     // zero-window probe due
    private int _segmentsSinceAck;

    /// <summary>
    /// The next segment to send, if any: <paramref name="seg"/> describes it (ports, numbers, flags, window, options,
    /// payload length) and <paramref name="payload"/> — owned by the caller from here on — holds its data (a clone of
    /// the queued range, data pointer at the payload, headroom for the headers), or null. Call until it returns false.
    /// </summary>
    public bool TryDispatch(Instant now, out TcpRepr seg, out SkBuff? payload)
    {
        payload = null;
        seg = default;
        if (_resetPending)
        {
            _resetPending = false;
            seg = Header(now, TcpFlags.Rst, _resetSeq, 0, withAckNumber: false);
            return Sent(seg);
        }

        if (_rstPending)
        {
            _rstPending = false;
            seg = Header(now, TcpFlags.Rst | TcpFlags.Ack, _sndNxt, 0);
            return Sent(seg);
        }

        switch (State)
        {
            case TcpState.Closed:
            case TcpState.Listen:
                return false;
            case TcpState.SynSent when _sndNxt == _iss:
                seg = SynSegment(now, TcpFlags.Syn);
                return SentSyn(now, seg);
            case TcpState.SynReceived when _sndNxt == _iss:
                seg = SynSegment(now, TcpFlags.Syn | TcpFlags.Ack);
                return SentSyn(now, seg);
            case TcpState.SynSent:
            case TcpState.SynReceived:
                return false;
        }

        if (TryDataSegment(now, out seg, out payload) || TryFinSegment(now, out seg))
        {
            return true;
        }

        if (_probePending)
        {
            // Zero-window probe (Linux tcp_xmit_probe_skb): an old sequence number draws an ACK with the window.
            _probePending = false;
            seg = Header(now, TcpFlags.Ack, _sndUna - 1, 0);
            return Sent(seg);
        }

        if (_ackNow)
        {
            seg = Header(now, TcpFlags.Ack, _sndNxt, 0);
            return Sent(seg);
        }

        return false;
    }

    private bool TryDataSegment(Instant now, out TcpRepr seg, out SkBuff? payload)
    {
        seg = default;
        payload = null;
        if (State is not (TcpState.Established or TcpState.CloseWait or TcpState.FinWait1 or TcpState.LastAck or TcpState.Closing))
        {
            return false;
        }

        TcpSeqNumber end = QueueEnd();
        if (_retransmitBudget > 0 && _sendQueued > 0)
        {
            if (NextHole(out TcpSeqNumber holeSeq, out int holeLength))
            {
                _retransmitBudget--;
                int len = holeLength;
                payload = TakeRange(holeSeq, ref len);
                bool fin = _finQueued && holeSeq + len == end && _sndMax > end;
                seg = Header(now, TcpFlags.Ack | (fin ? TcpFlags.Fin : 0), holeSeq, len);
                _retransmitNext = holeSeq + len;
                Counters.Retransmits++;
                _retransmitted = true;
                _rttTiming = false;
                ArmRto(now);
                return Sent(seg, payload);
            }

            _retransmitBudget = 0;
        }

        int unsent = end - _sndNxt;
        if (unsent <= 0)
        {
            return false;
        }

        int inFlight = _sndNxt - _sndUna;
        long window = Math.Min((long)_sndWnd, _cwnd);
        long usable = window - inFlight;
        if (usable <= 0)
        {
            if (_sndWnd == 0 && inFlight == 0 && _persistAt == Instant.MaxValue)
            {
                _persistAt = now + _rto; // RFC 9293 §3.8.6.1: probe a zero window
            }

            return false;
        }

        int mss = CurrentMss();
        int length = (int)Math.Min(Math.Min(unsent, usable), SizeGoal(mss));
        bool last = length == unsent;
        // Nagle (RFC 9293 §3.7.4) in Minshall's form, as Linux applies it (tcp_nagle_check): a short segment waits only
        // while another short segment is unacknowledged — so a write's tail follows its full-sized segments at once,
        // and a stream of small writes still has at most one small segment in flight. It goes out anyway with
        // TCP_NODELAY or when it carries the last data before a FIN. The receiver's SWS avoidance keeps the window from
        // offering slivers.
        if (length < mss && inFlight != 0 && _sndSml > _sndUna && _sndSml <= _sndNxt && !_config.NoDelay && !(last && _finQueued))
        {
            return false;
        }

        bool retransmit = _sndNxt < _sndMax;
        TcpSeqNumber seq = _sndNxt;
        payload = TakeRange(seq, ref length);
        if (!retransmit && length % mss != 0)
        {
            _sndSml = seq + length; // tcp_minshall_update: this segment ends short of a whole MSS
        }

        last = length == unsent;
        bool finToo = last && _finQueued && !retransmit;
        seg = Header(now, TcpFlags.Ack | (last ? TcpFlags.Psh : 0) | (finToo ? TcpFlags.Fin : 0), seq, length);
        if (length > mss)
        {
            payload.GsoSize = mss;
            payload.Shinfo.GsoType = GsoType.TcpV4;
            payload.Shinfo.GsoSegs = (length + mss - 1) / mss;
        }

        _sndNxt = seq + length + (finToo ? 1 : 0);
        if (retransmit)
        {
            Counters.Retransmits++;
        }
        else
        {
            Counters.BytesSent += length;
            if (!_rttTiming)
            {
                _rttTiming = true;
                _rttSeq = seq + length;
                _rttSentAt = now;
            }
        }

        if (_sndNxt > _sndMax)
        {
            _sndMax = _sndNxt;
        }

        ArmRto(now);
        return Sent(seg, payload);
    }

    private bool TryFinSegment(Instant now, out TcpRepr seg)
    {
        seg = default;
        TcpSeqNumber finSeq = QueueEnd();
        if (!_finQueued || _finAcked || _sndNxt != finSeq || State is not (TcpState.FinWait1 or TcpState.LastAck or TcpState.Closing))
        {
            return false;
        }

        if (_sndMax > finSeq)
        {
            Counters.Retransmits++;
        }

        seg = Header(now, TcpFlags.Fin | TcpFlags.Ack, finSeq, 0);
        _sndNxt = finSeq + 1;
        if (_sndNxt > _sndMax)
        {
            _sndMax = _sndNxt;
        }

        ArmRto(now);
        return Sent(seg);
    }

    /// <summary>A buffer holding exactly the queued data at <paramref name="seq"/>, at most <paramref name="length"/>
    /// bytes (shortened to one queued buffer's end): the queue is split at the range's edges, then the buffer is cloned
    /// — or copied with shared frags if an earlier transmission still shares it (tcp_transmit_skb).</summary>
    private SkBuff TakeRange(TcpSeqNumber seq, ref int length)
    {
        TcpSeqNumber start = DataStart;
        SkBuff skb = _sendHead!;
        while (start + skb.Len <= seq)
        {
            start += skb.Len;
            skb = skb.Next!;
        }

        if (seq > start)
        {
            SplitQueued(skb, seq - start);
            skb = skb.Next!;
        }

        if (skb.Len > length)
        {
            SplitQueued(skb, length);
        }

        length = skb.Len;
        return skb.IsCloned ? skb.PskbCopy() : skb.Clone();
    }

    private void SplitQueued(SkBuff skb, int at)
    {
        SkBuff rest = skb.Split(at);
        rest.HeaderRelease();
        rest.Next = skb.Next;
        skb.Next = rest;
        if (_sendTail == skb)
        {
            _sendTail = rest;
        }
    }

    private TcpRepr SynSegment(Instant now, TcpFlags flags)
    {
        bool synAck = (flags & TcpFlags.Ack) != 0;
        bool timestamps = _config.Timestamps && (!synAck || _peerOfferedTimestamps);
        bool scale = _config.WindowScaling && (!synAck || _peerOfferedWindowScale);
        bool sack = _config.Sack && (!synAck || _peerOfferedSack);
        TcpOptions options = TcpOptions.Build(
            maxSegmentSize: (ushort)Math.Min(_config.Mss, ushort.MaxValue),
            windowScale: scale ? (byte)_rcvShift : null,
            sackPermitted: sack,
            timestamp: timestamps ? new TcpTimestamp(TsClock(now), synAck ? _tsRecent : 0) : null);
        return new TcpRepr
        {
            SourcePort = Local.Port,
            DestinationPort = Remote.Port,
            SequenceNumber = _iss,
            AcknowledgmentNumber = synAck ? _rcvNxt : default,
            Flags = flags,
            WindowSize = (ushort)Math.Min(ReceiveWindow(), ushort.MaxValue), // never scaled in a SYN
            Options = options,
        };
    }

    private bool SentSyn(Instant now, in TcpRepr seg)
    {
        if (_sndMax > _iss)
        {
            Counters.Retransmits++;
            _retransmitted = true;
        }
        else
        {
            _rttTiming = true;
            _rttSeq = _iss + 1;
            _rttSentAt = now;
        }

        _sndNxt = _iss + 1;
        if (_sndNxt > _sndMax)
        {
            _sndMax = _sndNxt;
        }

        ArmRto(now);
        return Sent(seg);
    }

    private TcpRepr Header(Instant now, TcpFlags flags, TcpSeqNumber seq, int payloadLength, bool withAckNumber = true)
    {
        int window = ReceiveWindow();
        if ((flags & TcpFlags.Ack) != 0)
        {
            TcpSeqNumber right = _rcvNxt + window;
            if (right > _rcvAdvertisedRight)
            {
                _rcvAdvertisedRight = right;
            }
        }

        return new TcpRepr
        {
            SourcePort = Local.Port,
            DestinationPort = Remote.Port,
            SequenceNumber = seq,
            AcknowledgmentNumber = withAckNumber && (flags & TcpFlags.Ack) != 0 ? _rcvNxt : default,
            Flags = flags,
            WindowSize = (ushort)Math.Min(window >> _rcvShift, ushort.MaxValue),
            Options = (flags & TcpFlags.Rst) != 0 || !(_tsOk || (_sackOk && _ooo.Count > 0))
                ? TcpOptions.None
                : TcpOptions.Build(timestamp: _tsOk ? new TcpTimestamp(TsClock(now), _tsRecent) : null, sackBlocks: SackBlocks()),
            PayloadLength = payloadLength,
        };
    }

    private bool Sent(in TcpRepr seg, SkBuff? payload = null)
    {
        Counters.SegmentsSent++;
        if ((seg.Flags & TcpFlags.Ack) != 0)
        {
            _ackNow = false;
            _ackAt = Instant.MaxValue;
            _segmentsSinceAck = 0;
        }

        if (payload is not null)
        {
            Counters.PayloadSegmentsSent++;
        }

        return true;
    }

    /// <summary>The window this end can offer now: the free receive buffer, never less than already promised
    /// (RFC 9293 §3.8.6.2.2: the right edge does not move left), and with receiver-side SWS avoidance: free space is
    /// offered only once it reaches min(buffer / 2, MSS), so a slow reader does not invite slivers.</summary>
    private int ReceiveWindow()
    {
        int free = Math.Max(0, _config.ReceiveBuffer - _recvQueued - _oooBytes);
        int promised = Math.Max(_rcvAdvertisedRight - _rcvNxt, 0);
        int offer = free >= Math.Min(_config.ReceiveBuffer / 2, _config.Mss) ? free : 0;
        return Math.Max(offer, promised);
    }

    /// <summary>The payload one segment may carry now (Linux <c>tcp_current_mss</c>): the MSS less the SACK blocks a
    /// segment sent now would carry (2 bytes of kind and length, padded to 4, and 8 per block), so a segment with them
    /// still fits the path's MTU.</summary>
    private int CurrentMss()
    {
        int blocks = SackBlocks().Length;
        return blocks == 0 ? _sndMss : Math.Max(64, _sndMss - 4 - (8 * blocks));
    }

    /// <summary>RFC 2018 §4: up to three (with timestamps) or four blocks of queued out-of-order data, the block holding
    /// the most recently received segment first, the others in ascending order.</summary>
    private ReadOnlySpan<TcpSackBlock> SackBlocks()
    {
        if (!_sackOk || _ooo.Count == 0)
        {
            return default;
        }

        int max = _tsOk ? 3 : 4;
        int n = 0;
        TcpSeqNumber left = _ooo[0].Seq;
        TcpSeqNumber right = left + _ooo[0].Skb.Len;
        Span<TcpSackBlock> all = _sackScratch;
        for (int i = 1; i <= _ooo.Count; i++)
        {
            if (i < _ooo.Count && _ooo[i].Seq == right)
            {
                right += _ooo[i].Skb.Len;
                continue;
            }

            var block = new TcpSackBlock(left, right);
            if (_lastOooSeq >= left && _lastOooSeq < right)
            {
                all[..n].CopyTo(all[1..]);
                all[0] = block; // the newest block first
                n = Math.Min(n + 1, _sackScratch.Length - 1);
            }
            else if (n < _sackScratch.Length - 1)
            {
                all[n++] = block;
            }

            if (i < _ooo.Count)
            {
                left = _ooo[i].Seq;
                right = left + _ooo[i].Skb.Len;
            }
        }

        return all[..Math.Min(n, max)];
    }

    /// <summary>RFC 6675 NextSeg (rule 1): the first unacknowledged, un-SACKed range at or after the retransmission
    /// point that lies below SACKed data — or, without SACK information, the head (NewReno).</summary>
    private bool NextHole(out TcpSeqNumber seq, out int length)
    {
        seq = TcpSeqNumber.Max(_retransmitNext, _sndUna);
        if (_sacked.Count == 0)
        {
            seq = _sndUna;
            length = Math.Min(_sndMss, _sendQueued);
            return length > 0;
        }

        foreach ((TcpSeqNumber left, TcpSeqNumber right) in _sacked)
        {
            if (seq >= right)
            {
                continue;
            }

            if (seq < left)
            {
                length = Math.Min(_sndMss, left - seq);
                return length > 0;
            }

            seq = right; // inside a SACKed block: skip it
        }

        length = 0;
        return false; // nothing below the highest SACKed byte is missing
    }
}
