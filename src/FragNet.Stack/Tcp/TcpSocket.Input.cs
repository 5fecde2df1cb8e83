using FragNet.Buffers;
using FragNet.Wire;

namespace FragNet.Stack.Tcp;

/// <summary>Segment arrival (RFC 9293 §3.10.7).</summary>
public sealed partial class TcpSocket
{
    private bool _synAcked;
    private bool _finAcked;
    private bool _peerFinished;
    private TcpSeqNumber? _oooFin; // a FIN that arrived ahead of missing data
    private bool _tsOk;
    private uint _tsRecent;
    private bool _peerOfferedTimestamps;
    private bool _peerOfferedWindowScale;
    private bool _peerOfferedSack;
    private Instant _challengeWindowStart;
    private int _challengesInWindow;
    private bool _sackOk;
    private TcpSeqNumber _lastOooSeq;
    private readonly TcpSackBlock[] _sackScratch = new TcpSackBlock[5];
    private readonly List<(TcpSeqNumber Left, TcpSeqNumber Right)> _sacked = new(8); // the scoreboard (RFC 6675)

    /// <summary>
    /// Processes one arriving segment for this connection. <paramref name="payload"/> (its data pointer at the TCP
    /// payload, exactly <c>seg.PayloadLength</c> bytes) is owned by the socket from here on: queued or freed.
    /// </summary>
    public void Process(Instant now, in TcpRepr seg, SkBuff? payload)
    {
        Counters.SegmentsReceived++;
        _lastActivity = now;
        _keepaliveSent = 0;
        try
        {
            ProcessCore(now, seg, ref payload);
        }
        finally
        {
            payload?.Drop(DropReason.TcpInvalidSegment);
        }
    }

    private void ProcessCore(Instant now, in TcpRepr arrived, ref SkBuff? payload)
    {
        TcpRepr seg = arrived;
        // Simultaneous open (RFC 9293 §3.5, figure 8): in SYN-RECEIVED the peer's SYN-ACK repeats the SYN we already
        // took. Trim it off (RFC 9293 §3.10.7.4: segments are trimmed to begin at RCV.NXT), leaving its ACK to process.
        if (State == TcpState.SynReceived && (seg.Flags & (TcpFlags.Syn | TcpFlags.Ack)) == (TcpFlags.Syn | TcpFlags.Ack)
            && seg.SequenceNumber == _irs)
        {
            seg = seg with { SequenceNumber = _irs + 1, Flags = seg.Flags & ~TcpFlags.Syn };
        }

        TcpFlags flags = seg.Flags;
        bool ack = (flags & TcpFlags.Ack) != 0;
        bool rst = (flags & TcpFlags.Rst) != 0;
        bool syn = (flags & TcpFlags.Syn) != 0;
        switch (State)
        {
            case TcpState.Closed:
            case TcpState.Listen:
                return;
            case TcpState.SynSent:
                ProcessSynSent(now, seg, ack, rst, syn);
                return;
        }

        // A duplicate of the peer's SYN while we wait in SYN-RECEIVED: answer with the SYN-ACK again.
        if (State == TcpState.SynReceived && syn && !ack && seg.SequenceNumber == _irs)
        {
            _sndNxt = _iss;
            return;
        }

        // RFC 7323 §5 PAWS: an old duplicate carries an older timestamp.
        if (_tsOk && !rst && seg.Options.Timestamp is TcpTimestamp ts && unchecked((int)(ts.Value - _tsRecent)) < 0)
        {
            _ackNow = true;
            Counters.Unacceptable++;
            return;
        }

        // First check: sequence number acceptability (RFC 9293 §3.10.7.4).
        int segLen = seg.SegmentLength;
        uint window = (uint)ReceiveWindow();
        bool acceptable = segLen == 0
            ? window == 0 ? seg.SequenceNumber == _rcvNxt : seg.SequenceNumber.IsInWindow(_rcvNxt, window)
            : window != 0 && (seg.SequenceNumber.IsInWindow(_rcvNxt, window) || (seg.SequenceNumber + (segLen - 1)).IsInWindow(_rcvNxt, window));
        if (!acceptable)
        {
            Counters.Unacceptable++;
            if (!rst)
            {
                _ackNow = true;
            }

            if (State == TcpState.TimeWait && (flags & TcpFlags.Fin) != 0)
            {
                _timeWaitAt = now + _config.TimeWait; // a retransmitted FIN: ACK it again and restart 2 MSL
            }

            return;
        }

        // Second: RST (RFC 5961 §3.2: exactly at RCV.NXT resets, elsewhere in the window draws a challenge ACK).
        if (rst)
        {
            if (seg.SequenceNumber == _rcvNxt)
            {
                EnterClosed(State == TcpState.SynReceived ? "connection refused" : "connection reset by peer");
            }
            else
            {
                ChallengeAck(now);
            }

            return;
        }

        // Fourth: SYN in a synchronized state (RFC 5961 §4.2): challenge ACK, never a reset.
        if (syn)
        {
            ChallengeAck(now);
            return;
        }

        // Fifth: ACK.
        if (!ack)
        {
            return;
        }

        if (State == TcpState.SynReceived)
        {
            if (seg.AcknowledgmentNumber <= _sndUna || seg.AcknowledgmentNumber > _sndMax)
            {
                QueueReset(seg.AcknowledgmentNumber);
                return;
            }

            State = TcpState.Established;
            _sndWnd = (uint)seg.WindowSize << _sndShift;
            _maxSndWnd = Math.Max(_maxSndWnd, _sndWnd);
            _sndWl1 = seg.SequenceNumber;
            _sndWl2 = seg.AcknowledgmentNumber;
        }

        if (!ProcessAck(now, seg))
        {
            return;
        }

        if (State == TcpState.Closed)
        {
            return;
        }

        // Seventh: segment text.
        if (payload is not null && payload.Len > 0
            && State is TcpState.Established or TcpState.FinWait1 or TcpState.FinWait2)
        {
            AcceptData(now, seg.SequenceNumber, ref payload, (flags & TcpFlags.Fin) != 0);
        }
        else if ((flags & TcpFlags.Fin) != 0)
        {
            TcpSeqNumber finSeq = seg.SequenceNumber + seg.PayloadLength;
            if (finSeq == _rcvNxt)
            {
                ProcessFin(now);
            }
            else if (finSeq > _rcvNxt)
            {
                _oooFin = finSeq;
                _ackNow = true;
            }
        }

        UpdateTimestamp(seg);
    }

    private void ProcessSynSent(Instant now, in TcpRepr seg, bool ack, bool rst, bool syn)
    {
        TcpSeqNumber ackNo = seg.AcknowledgmentNumber;
        bool ackAcceptable = ack && ackNo > _iss && ackNo <= _sndMax;
        if (ack && !ackAcceptable)
        {
            if (!rst)
            {
                QueueReset(ackNo);
            }

            return;
        }

        if (rst)
        {
            if (ackAcceptable)
            {
                EnterClosed("connection refused");
            }

            return;
        }

        if (!syn)
        {
            return;
        }

        _irs = seg.SequenceNumber;
        _rcvNxt = _irs + 1;
        ApplySynOptions(seg);
        _sndWl1 = seg.SequenceNumber;
        _sndWl2 = ackNo;
        _sndWnd = seg.WindowSize; // not scaled in a SYN (RFC 7323 §2.2)
        _maxSndWnd = _sndWnd;
        if (ackAcceptable)
        {
            _synAcked = true;
            _sndUna = ackNo;
            State = TcpState.Established;
            if (_rttTiming && !_retransmitted)
            {
                RttSample(now - _rttSentAt);
            }

            _rttTiming = false;
            _retries = 0;
            _rtoAt = _sndMax > _sndUna ? now + _rto : Instant.MaxValue;
            _ackNow = true;
            UpdateTimestamp(seg);
        }
        else
        {
            // Simultaneous open (RFC 9293 §3.5, figure 8): answer the SYN with a SYN-ACK.
            State = TcpState.SynReceived;
            _sndNxt = _iss;
        }
    }

    /// <summary>Reads the SYN's options (RFC 9293 §3.7.1 MSS, RFC 7323 window scale and timestamps).</summary>
    private void ApplySynOptions(in TcpRepr syn)
    {
        TcpOptions o = syn.Options;
        int peerMss = o.MaxSegmentSize ?? 536;
        _sndMss = Math.Max(64, Math.Min(peerMss, _config.Mss));
        _mssKnown = true;
        _cwnd = InitialWindow();
        _peerOfferedWindowScale = o.WindowShift is not null;
        if (_config.WindowScaling && o.WindowShift is int shift)
        {
            _sndShift = shift;
        }
        else
        {
            _sndShift = 0;
            _rcvShift = 0;
        }

        _peerOfferedSack = o.SackPermitted;
        _sackOk = _config.Sack && o.SackPermitted;
        _peerOfferedTimestamps = o.Timestamp is not null;
        _tsOk = _config.Timestamps && o.Timestamp is not null;
        if (_tsOk)
        {
            _tsRecent = o.Timestamp!.Value.Value;
            _sndMss -= 12; // RFC 9293 §3.7.1: the effective MSS leaves room for the options every segment carries
            _cwnd = InitialWindow();
        }
    }

    /// <summary>The ACK field (RFC 9293 §3.10.7.4 fifth check, RFC 5961 §5). Returns false if the segment is to be
    /// dropped.</summary>
    private bool ProcessAck(Instant now, in TcpRepr seg)
    {
        TcpSeqNumber ackNo = seg.AcknowledgmentNumber;
        if (ackNo > _sndMax)
        {
            _ackNow = true; // acks something not yet sent
            return false;
        }

        if (ackNo < _sndUna - (int)Math.Max(_maxSndWnd, 1))
        {
            ChallengeAck(now); // RFC 5961 §5.2: too old to be plausible
            return false;
        }

        uint newWindow = (uint)seg.WindowSize << _sndShift;
        if (_sackOk)
        {
            UpdateScoreboard(seg.Options, ackNo);
        }

        if (ackNo > _sndUna)
        {
            OnNewAck(now, seg, ackNo);
        }
        else if (ackNo == _sndUna && seg.PayloadLength == 0 && (seg.Flags & (TcpFlags.Syn | TcpFlags.Fin)) == 0
                 && newWindow == _sndWnd && _sndMax > _sndUna)
        {
            OnDuplicateAck();
        }

        // Window update (RFC 9293 §3.10.7.4: only from a segment at least as new as the last one used).
        if (_sndWl1 < seg.SequenceNumber || (_sndWl1 == seg.SequenceNumber && _sndWl2 <= ackNo))
        {
            _sndWnd = newWindow;
            _maxSndWnd = Math.Max(_maxSndWnd, _sndWnd);
            _sndWl1 = seg.SequenceNumber;
            _sndWl2 = ackNo;
            if (_sndWnd > 0)
            {
                _persistAt = Instant.MaxValue;
            }
        }

        if (_finAcked)
        {
            switch (State)
            {
                case TcpState.FinWait1:
                    State = TcpState.FinWait2;
                    break;
                case TcpState.Closing:
                    EnterTimeWait(now);
                    break;
                case TcpState.LastAck:
                    EnterClosed(null);
                    return false;
            }
        }

        return true;
    }

    private void OnNewAck(Instant now, in TcpRepr seg, TcpSeqNumber ackNo)
    {
        int acked = ackNo - _sndUna;
        int flightBefore = _sndMax - _sndUna;
        if (!_synAcked)
        {
            _synAcked = true;
            acked--;
        }

        int dataAcked = Math.Min(acked, _sendQueued);
        if (_finQueued && ackNo == QueueEnd() + 1)
        {
            _finAcked = true;
        }

        FreeAcked(dataAcked);
        _sndUna = ackNo;
        if (_sndNxt < _sndUna)
        {
            _sndNxt = _sndUna;
        }

        Counters.BytesAcked += dataAcked;

        // RTT (RFC 7323 §4.1 with timestamps, else RFC 6298 §3 Karn's rule: only never-retransmitted segments).
        if (_tsOk && seg.Options.Timestamp is TcpTimestamp ts && ts.EchoReply != 0)
        {
            RttSample(Duration.FromMilliseconds(Math.Max(0, unchecked((int)(TsClock(now) - ts.EchoReply)))));
        }
        else if (_rttTiming && ackNo >= _rttSeq)
        {
            RttSample(now - _rttSentAt);
            _rttTiming = false;
        }

        _retries = 0;
        _retransmitted = false;

        // Congestion control (RFC 5681 §3.1; RFC 6582 §3.2 for partial and full ACKs during recovery).
        if (_inRecovery)
        {
            if (ackNo >= _recover)
            {
                _cwnd = Math.Min(_ssthresh, Math.Max(_sndMax - _sndUna, 0) + _sndMss);
                _inRecovery = false;
                _dupAcks = 0;
            }
            else
            {
                _retransmitBudget++;
                if (_sacked.Count == 0)
                {
                    _retransmitNext = _sndUna; // NewReno: the next hole starts at the new SND.UNA
                }

                _cwnd = Math.Max(_sndMss, _cwnd - dataAcked + _sndMss);
            }
        }
        else
        {
            _dupAcks = 0;
            if (flightBefore >= _cwnd - _sndMss) // only grow a window that is being used (RFC 7661 spirit)
            {
                _cwnd += _cwnd < _ssthresh ? Math.Min(acked, _sndMss) : Math.Max(1, _sndMss * _sndMss / _cwnd);
            }
        }

        // RFC 6298 §5.2-5.3: stop the timer when everything is acknowledged, else restart it.
        _rtoAt = _sndMax > _sndUna ? now + _rto : Instant.MaxValue;
    }

    private void OnDuplicateAck()
    {
        _dupAcks++;
        Counters.DuplicateAcks++;
        if (_inRecovery)
        {
            _cwnd += _sndMss; // RFC 6582 §3.2 step 4: inflate for each segment that left the network
            if (_sacked.Count > 0)
            {
                _retransmitBudget++; // RFC 6675: with a scoreboard each departure may also repair the next hole
            }

            return;
        }

        if ((_dupAcks == 3 || SackedBytes() >= 3 * _sndMss) && _sndUna > _recover - 1)
        {
            _retransmitNext = _sndUna;
            int flight = _sndMax - _sndUna;
            _ssthresh = Math.Max(flight / 2, 2 * _sndMss);
            _cwnd = _ssthresh + (3 * _sndMss);
            _recover = _sndMax;
            _inRecovery = true;
            _retransmitBudget = 1;
            Counters.FastRetransmits++;
        }
    }

    /// <summary>Frees the first <paramref name="bytes"/> of queued data: whole buffers are freed, a partly acked one
    /// is split and its acked front freed (tcp_trim_head), which drops those frags' references.</summary>
    private void FreeAcked(int bytes)
    {
        _sendQueued -= bytes;
        while (bytes > 0)
        {
            SkBuff head = _sendHead!;
            if (bytes >= head.Len)
            {
                bytes -= head.Len;
                _sendHead = head.Next;
                head.Next = null;
                head.Consume();
                continue;
            }

            SkBuff rest = head.Split(bytes);
            rest.HeaderRelease();
            rest.Next = head.Next;
            head.Next = null;
            head.Consume();
            _sendHead = rest;
            if (_sendTail == head)
            {
                _sendTail = rest;
            }

            bytes = 0;
        }

        if (_sendHead is null)
        {
            _sendTail = null;
        }
    }

    private void AcceptData(Instant now, TcpSeqNumber seq, ref SkBuff? payload, bool fin)
    {
        SkBuff data = payload!;
        // Trim what is before RCV.NXT (already received) and past the window.
        if (seq < _rcvNxt)
        {
            int old = _rcvNxt - seq;
            if (old >= data.Len)
            {
                _ackNow = true;
                return;
            }

            data.Pull(old);
            seq = _rcvNxt;
        }

        int room = ReceiveWindow() - (seq - _rcvNxt);
        if (room <= 0)
        {
            _ackNow = true;
            return;
        }

        if (data.Len > room)
        {
            data.Trim(room);
            fin = false;
        }

        int len = data.Len;
        payload = null; // the socket owns it now
        if (seq == _rcvNxt)
        {
            bool filledHole = _ooo.Count > 0;
            EnqueueReceived(data);
            _rcvNxt += len;
            Counters.BytesReceived += len;
            DrainOutOfOrder();
            if (fin)
            {
                ProcessFin(now);
            }
            else if (_oooFin is TcpSeqNumber f && f == _rcvNxt)
            {
                _oooFin = null;
                ProcessFin(now);
            }

            // RFC 5681 §4.2 / RFC 9293 §3.8.6.3: ACK at least every second full-sized segment, at once when a hole
            // was filled, otherwise within the delayed-ACK timeout.
            _segmentsSinceAck += len >= _config.Mss ? 2 : 1;
            if (filledHole || _segmentsSinceAck >= 4)
            {
                _ackNow = true;
            }
            else if (_ackAt == Instant.MaxValue)
            {
                _ackAt = now + _config.DelayedAckTimeout;
            }

            return;
        }

        _lastOooSeq = seq;
        InsertOutOfOrder(seq, data);
        if (fin)
        {
            _oooFin = seq + len;
        }

        _ackNow = true; // RFC 5681 §4.2: out-of-order data is acknowledged at once (a duplicate ACK)
    }

    private void EnqueueReceived(SkBuff data)
    {
        _recvQueued += data.Len;
        if (_recvTail is not null && SkBuff.TryCoalesce(_recvTail, data))
        {
            return;
        }

        if (_recvTail is null)
        {
            _recvHead = data;
        }
        else
        {
            _recvTail.Next = data;
        }

        _recvTail = data;
    }

    private void InsertOutOfOrder(TcpSeqNumber seq, SkBuff data)
    {
        if (_oooBytes + data.Len > _config.ReceiveBuffer)
        {
            data.Drop(DropReason.TcpOfoPrune);
            return;
        }

        Counters.OutOfOrder++;
        int i = 0;
        while (i < _ooo.Count && _ooo[i].Seq + _ooo[i].Skb.Len <= seq)
        {
            i++;
        }

        // Trim against the neighbours so queued ranges never overlap.
        if (i < _ooo.Count && _ooo[i].Seq <= seq)
        {
            int covered = _ooo[i].Seq + _ooo[i].Skb.Len - seq;
            if (covered >= data.Len)
            {
                data.Consume();
                return;
            }

            data.Pull(covered);
            seq += covered;
            i++;
        }

        while (i < _ooo.Count && _ooo[i].Seq + _ooo[i].Skb.Len <= seq + data.Len)
        {
            _oooBytes -= _ooo[i].Skb.Len;
            _ooo[i].Skb.Consume();
            _ooo.RemoveAt(i);
        }

        if (i < _ooo.Count && _ooo[i].Seq < seq + data.Len)
        {
            data.Trim(_ooo[i].Seq - seq);
        }

        _ooo.Insert(i, (seq, data));
        _oooBytes += data.Len;
    }

    private void DrainOutOfOrder()
    {
        while (_ooo.Count > 0 && _ooo[0].Seq <= _rcvNxt)
        {
            (TcpSeqNumber seq, SkBuff skb) = _ooo[0];
            _ooo.RemoveAt(0);
            _oooBytes -= skb.Len;
            int old = _rcvNxt - seq;
            if (old >= skb.Len)
            {
                skb.Consume();
                continue;
            }

            skb.Pull(old);
            int len = skb.Len;
            EnqueueReceived(skb);
            _rcvNxt += len;
            Counters.BytesReceived += len;
        }
    }

    private void ProcessFin(Instant now)
    {
        _rcvNxt += 1;
        _peerFinished = true;
        _ackNow = true;
        switch (State)
        {
            case TcpState.SynReceived:
            case TcpState.Established:
                State = TcpState.CloseWait;
                break;
            case TcpState.FinWait1:
                if (_finAcked)
                {
                    EnterTimeWait(now);
                }
                else
                {
                    State = TcpState.Closing;
                }

                break;
            case TcpState.FinWait2:
                EnterTimeWait(now);
                break;
        }
    }

    private void EnterTimeWait(Instant now)
    {
        State = TcpState.TimeWait;
        _timeWaitAt = now + _config.TimeWait;
        _rtoAt = Instant.MaxValue;
        FreeList(ref _sendHead);
        _sendTail = null;
        _sendQueued = 0;
    }

    private void UpdateTimestamp(in TcpRepr seg)
    {
        // RFC 7323 §4.3: remember the newest timestamp of in-sequence segments.
        if (_tsOk && seg.Options.Timestamp is TcpTimestamp ts && seg.SequenceNumber <= _rcvNxt
            && unchecked((int)(ts.Value - _tsRecent)) >= 0)
        {
            _tsRecent = ts.Value;
        }
    }

    /// <summary>RFC 5961 §7: challenge ACKs are rate limited (at most <see cref="TcpConfig.ChallengeAckLimit"/> per
    /// second), so a blind attacker cannot turn them into a flood or an oracle.</summary>
    private void ChallengeAck(Instant now)
    {
        if (now - _challengeWindowStart >= Duration.FromSeconds(1))
        {
            _challengeWindowStart = now;
            _challengesInWindow = 0;
        }

        if (_challengesInWindow >= _config.ChallengeAckLimit)
        {
            Counters.ChallengeAcksSuppressed++;
            return;
        }

        _challengesInWindow++;
        _ackNow = true;
        Counters.ChallengeAcks++;
    }

    private void QueueReset(TcpSeqNumber seq)
    {
        _resetPending = true;
        _resetSeq = seq;
    }

    /// <summary>Merges the segment's SACK blocks into the scoreboard and forgets what is now cumulatively acknowledged.
    /// Blocks outside (SND.UNA, SND.MAX] are ignored (RFC 2018 §4 / RFC 6675 §5, never trusted beyond what was sent).</summary>
    private void UpdateScoreboard(in TcpOptions options, TcpSeqNumber ackNo)
    {
        for (int b = 0; b < options.SackBlockCount; b++)
        {
            TcpSackBlock block = options.GetSackBlock(b);
            if (block.Left >= block.Right || block.Left < ackNo || block.Right > _sndMax)
            {
                continue;
            }

            int i = 0;
            while (i < _sacked.Count && _sacked[i].Right < block.Left)
            {
                i++;
            }

            TcpSeqNumber left = block.Left;
            TcpSeqNumber right = block.Right;
            while (i < _sacked.Count && _sacked[i].Left <= right)
            {
                left = TcpSeqNumber.Min(left, _sacked[i].Left);
                right = TcpSeqNumber.Max(right, _sacked[i].Right);
                _sacked.RemoveAt(i);
            }

            _sacked.Insert(i, (left, right));
        }

        while (_sacked.Count > 0 && _sacked[0].Right <= ackNo)
        {
            _sacked.RemoveAt(0);
        }

        if (_sacked.Count > 0 && _sacked[0].Left < ackNo)
        {
            _sacked[0] = (ackNo, _sacked[0].Right);
        }
    }

    private int SackedBytes()
    {
        int sum = 0;
        foreach ((TcpSeqNumber left, TcpSeqNumber right) in _sacked)
        {
            sum += right - left;
        }

        return sum;
    }
}
