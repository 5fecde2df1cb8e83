using FragNet.Wire;

namespace FragNet.Stack.Tcp;

/// <summary>Timers and estimators: RFC 6298 retransmission timer, delayed ACK, persist, TIME-WAIT; RTT and RTO.</summary>
public sealed partial class TcpSocket
{
    private Instant _rtoAt = Instant.MaxValue;
    private Instant _ackAt = Instant.MaxValue;
    private Instant _persistAt = Instant.MaxValue;
    private Instant _timeWaitAt = Instant.MaxValue;
    private int _keepaliveSent;
    private Instant _lastActivity;
    private Duration _rto;
    private Duration _srtt;
    private Duration _rttvar;
    private bool _haveRtt;
    private bool _rttTiming;
    private bool _retransmitted;
    private TcpSeqNumber _rttSeq;
    private Instant _rttSentAt;
    private int _retries;
    private int _cwnd;
    private int _ssthresh;
    private int _dupAcks;
    private bool _inRecovery;
    private TcpSeqNumber _recover;

    /// <summary>When the socket next needs <see cref="Poll"/> (<see cref="Instant.MaxValue"/> for never). Anything
    /// to send now is reported by <see cref="TryDispatch"/>, which callers try after every event.</summary>
    public Instant PollAt() => Instant.Min(Instant.Min(Instant.Min(_rtoAt, _ackAt), Instant.Min(_persistAt, _timeWaitAt)), KeepaliveAt());

    /// <summary>RFC 9293 §3.8.4: probe an idle established connection (nothing outstanding) after the idle time, then
    /// every interval; the probe (SEG.SEQ = SND.UNA − 1) makes a live peer answer with an ACK.</summary>
    private Instant KeepaliveAt() =>
        _config.KeepaliveIdle is Duration idle && State == TcpState.Established && _sndMax == _sndUna
            ? _lastActivity + idle + (_config.KeepaliveInterval * _keepaliveSent)
            : Instant.MaxValue;

    /// <summary>Runs the timers that are due at <paramref name="now"/>.</summary>
    public void Poll(Instant now)
    {
        if (now >= _timeWaitAt)
        {
            EnterClosed(null);
            return;
        }

        if (now >= _ackAt)
        {
            _ackAt = Instant.MaxValue;
            _ackNow = true;
        }

        if (now >= _persistAt)
        {
            _probePending = true;
            _persistAt = now + Backoff(_rto);
        }

        if (now >= _rtoAt)
        {
            OnRetransmissionTimeout(now);
        }

        if (now >= KeepaliveAt())
        {
            if (_keepaliveSent >= _config.KeepaliveProbes)
            {
                EnterClosed("connection timed out (keepalive)");
                return;
            }

            _keepaliveSent++;
            _probePending = true;
        }
    }

    /// <summary>RFC 6298 §5.4-5.7 and RFC 5681 §3.1 (loss window of one segment); go back to SND.UNA.</summary>
    private void OnRetransmissionTimeout(Instant now)
    {
        Counters.Timeouts++;
        _retries++;
        int limit = State is TcpState.SynSent or TcpState.SynReceived ? _config.MaxSynRetransmissions : _config.MaxRetransmissions;
        if (_retries > limit)
        {
            EnterClosed(State == TcpState.SynSent ? "connection timed out (no SYN-ACK)" : "connection timed out");
            return;
        }

        int flight = _sndMax - _sndUna;
        _ssthresh = Math.Max(flight / 2, 2 * _sndMss);
        _cwnd = _sndMss;
        _inRecovery = false;
        _dupAcks = 0;
        _recover = _sndMax;
        _retransmitBudget = 0;
        _sacked.Clear(); // RFC 6675 §5.1: after a timeout the receiver may have reneged; start from SND.UNA
        _rto = Backoff(_rto);
        _rttTiming = false;
        _retransmitted = true;
        _sndNxt = State is TcpState.SynSent or TcpState.SynReceived ? _iss : _sndUna;
        _rtoAt = now + _rto;
    }

    private Duration Backoff(Duration rto)
    {
        Duration doubled = rto * 2;
        return doubled > _config.MaxRto ? _config.MaxRto : doubled;
    }

    private void ArmRto(Instant now)
    {
        if (_rtoAt == Instant.MaxValue)
        {
            _rtoAt = now + _rto;
        }
    }

    /// <summary>RFC 6298 §2.2-2.4.</summary>
    private void RttSample(Duration r)
    {
        if (!_haveRtt)
        {
            _srtt = r;
            _rttvar = Duration.FromMicroseconds(r.TotalMicroseconds / 2);
            _haveRtt = true;
        }
        else
        {
            long delta = Math.Abs(_srtt.TotalMicroseconds - r.TotalMicroseconds);
            _rttvar = Duration.FromMicroseconds(((3 * _rttvar.TotalMicroseconds) + delta) / 4);
            _srtt = Duration.FromMicroseconds(((7 * _srtt.TotalMicroseconds) + r.TotalMicroseconds) / 8);
        }

        long rto = _srtt.TotalMicroseconds + Math.Max(1000, 4 * _rttvar.TotalMicroseconds);
        _rto = Duration.FromMicroseconds(Math.Clamp(rto, _config.MinRto.TotalMicroseconds, _config.MaxRto.TotalMicroseconds));
    }

    /// <summary>The smoothed RTT, or zero before the first sample.</summary>
    public Duration SmoothedRtt => _srtt;

    /// <summary>The RFC 7323 timestamp clock: milliseconds of injected time, offset by the ISS so it is not a
    /// clock reading a peer could use.</summary>
    private uint TsClock(Instant now) => unchecked((uint)now.TotalMilliseconds + _iss.Value);
}
