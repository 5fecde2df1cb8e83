using System.Diagnostics;
using FragNet.Buffers;
using FragNet.Stack;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Cli;

/// <summary>
/// Times what sending one message costs a FragNet TCP sender: the copy path (<see cref="TcpSocket.Send"/>) or the
/// zero-copy path (<see cref="TcpSocket.SendPages(ReadOnlySpan{Page}, int, int, FragDestructor?)"/>: the message's
/// pages lent under one destructor). The sender's segments go to an in-memory
/// sink that does what a NIC and a fast receiver would do for it: it checks each segment is the next in sequence,
/// frees the transmitted buffer (as TX completion does, on the sender's own CPU in Linux too) and acknowledges it at
/// once with a full window. So the time per message is the sender's stack — queueing, segmenting, cloning, taking
/// the ACKs and freeing what they cover — and nothing of a receiver's stack, the same in both modes.
/// </summary>
/// <remarks>
/// The connection is opened with a real <see cref="TcpSocket"/> peer, which also answers the first message; its last
/// ACK (numbers, full window, no options: timestamps and SACK are off) is the template of the sink's ACKs. A pair
/// lives across many timed rounds: pools, queues and caches are built once, outside every round.
/// </remarks>
internal sealed class TcpSendCostPair : IDisposable
{
    private readonly PagePool _pool;
    private readonly TcpSocket _a;
    private readonly TcpSocket _b;
    private readonly UserBuffer _app;
    private readonly Page[] _pages;
    private readonly byte[] _data;
    private readonly FragDestructor _destructor;
    private readonly bool _zeroCopy;
    private readonly List<TcpRepr> _acks = new(256);
    private readonly TcpRepr _ackTemplate;
    private TcpSeqNumber _expected;
    private Instant _now = Instant.Zero;
    private long _messages;
    private long _delivered;

    public TcpSendCostPair(int size, bool zeroCopy)
    {
        Size = size;
        _zeroCopy = zeroCopy;
        _pool = new PagePool(8192, "bench");
        var cache = new SkbCache(_pool);
        var config = new TcpConfig
        {
            GsoMaxSize = 65536 - 256, ReceiveBuffer = 8 << 20, SendBuffer = 8 << 20, Timestamps = false, Sack = false,
            DelayedAckTimeout = Duration.Zero,
        };
        _a = new TcpSocket(cache, config);
        _b = new TcpSocket(cache, config);
        var ea = new Ipv4Endpoint(Ipv4Address.Parse("10.0.0.1"), 1);
        var eb = new Ipv4Endpoint(Ipv4Address.Parse("10.0.0.2"), 2);
        _a.Connect(ea, eb, new TcpSeqNumber(1), _now);
        _a.TryDispatch(_now, out TcpRepr syn, out _);
        _b.AcceptSyn(eb, ea, syn, new TcpSeqNumber(100), _now);
        _app = new UserBuffer((size + Page.Size - 1) / Page.Size, "bench-app");
        _pages = [.. Enumerable.Range(0, _app.PageCount).Select(i => _app[i])];
        _data = new byte[size];
        _destructor = new FragDestructor(_ => { }, null, "bench");

        // The handshake and one message with the real peer; the peer's last word is the sink's template.
        TcpRepr last = default;
        PumpWithPeer(ref last);
        Queue();
        PumpWithPeer(ref last);
        _b.ConsumeReceived(_b.ReceiveQueued);
        PumpWithPeer(ref last);
        if (_b.Counters.BytesReceived != size || (last.Flags & TcpFlags.Ack) == 0 || last.PayloadLength != 0)
        {
            throw new InvalidOperationException($"bench pair did not open: {_b.Counters.BytesReceived} of {size} bytes, peer's last segment {last}");
        }

        _ackTemplate = last;
        _expected = last.AcknowledgmentNumber;
    }

    /// <summary>Bytes per message.</summary>
    public int Size { get; }

    /// <summary>Sends <paramref name="messages"/> messages; returns the wall-clock microseconds per message.</summary>
    public double Run(int messages)
    {
        long start = Stopwatch.GetTimestamp();
        for (int m = 0; m < messages; m++)
        {
            Queue();
            _now += Duration.FromMicroseconds(10);
            PumpWithSink();
        }

        double micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds / messages;
        _messages += messages;
        if (_delivered != _messages * Size || _a.SendQueued != 0)
        {
            throw new InvalidOperationException($"bench sender moved {_delivered} of {_messages * Size} bytes (state {_a.State}, queued {_a.SendQueued})");
        }

        return micros;
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _destructor.Release();
        _app.Dispose();
        _pool.Dispose();
    }

    private void Queue()
    {
        if (_zeroCopy)
        {
            _a.SendPages(_pages, 0, Size, _destructor);
        }
        else
        {
            _a.Send(_data);
        }
    }

    /// <summary>Sends until the sender has nothing left: each segment is checked, freed and acknowledged by the sink,
    /// and the ACKs go back to the sender.</summary>
    private void PumpWithSink()
    {
        do
        {
            foreach (TcpRepr ack in _acks)
            {
                _a.Process(_now, ack, null);
            }

            _acks.Clear();
            if (_a.PollAt() <= _now)
            {
                _a.Poll(_now);
            }

            while (_a.TryDispatch(_now, out TcpRepr seg, out SkBuff? payload))
            {
                payload?.Consume();
                if (seg.PayloadLength == 0)
                {
                    continue;
                }

                if (seg.SequenceNumber != _expected)
                {
                    throw new InvalidOperationException($"bench sink expected sequence {_expected}, got {seg}");
                }

                _expected += seg.PayloadLength;
                _delivered += seg.PayloadLength;
                _acks.Add(_ackTemplate with { AcknowledgmentNumber = _expected });
            }
        }
        while (_acks.Count > 0);
    }

    private void PumpWithPeer(ref TcpRepr last)
    {
        bool any = true;
        while (any)
        {
            any = false;
            if (_b.PollAt() <= _now)
            {
                _b.Poll(_now);
            }

            if (_a.PollAt() <= _now)
            {
                _a.Poll(_now);
            }

            while (_a.TryDispatch(_now, out TcpRepr seg, out SkBuff? payload))
            {
                _b.Process(_now, seg, payload);
                any = true;
            }

            while (_b.TryDispatch(_now, out TcpRepr seg, out SkBuff? payload))
            {
                _a.Process(_now, seg, payload);
                last = seg;
                any = true;
            }
        }
    }
}
