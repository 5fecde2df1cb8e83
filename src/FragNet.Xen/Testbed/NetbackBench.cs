using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Netif;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Testbed;

/// <summary>
/// Guest → netback → sink throughput, in process: a guest producer keeps the TX ring full of packets of one size
/// (pre-granted frames, reused), netback handles them in the chosen mode, the sink frees each buffer at once, and the
/// producer reclaims the responses. The caller times <see cref="Run"/> (this layer has no clock).
/// </summary>
public sealed class NetbackBench : IDisposable
{
    private readonly XenPair _pair;
    private readonly int _size;
    private readonly int _slotsPerPacket;
    private readonly int _window;
    private readonly uint[] _grants;
    private readonly byte[] _response = new byte[NetifConstants.TxSlotSize];
    private Instant _now = Instant.FromSeconds(1);
    private int _inFlight;
    private bool _disposed;

    public NetbackBench(NetbackMode mode, int size, int adaptiveThreshold = 2048)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 14);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, 65535);
        _size = size;
        _pair = new XenPair(new NetbackConfig { Mode = mode, HoldLimit = null, AdaptiveThreshold = adaptiveThreshold });
        _pair.Front.Paused = true; // the bench is the guest now
        _pair.Back.Receiver = (skb, _) => skb.Consume();
        _slotsPerPacket = (size + Page.Size - 1) / Page.Size;
        int frames = _pair.Guest.FrameCount - XenPair.ScratchFrame;
        _window = Math.Max(1, Math.Min(64, frames / _slotsPerPacket));
        _grants = new uint[_window * _slotsPerPacket];
        var fill = new Random(size);
        for (int i = 0; i < _grants.Length; i++)
        {
            int frame = XenPair.ScratchFrame + i;
            fill.NextBytes(_pair.Guest.Frame(frame).Span);
            _grants[i] = _pair.Guest.Grants.GrantAccess(_pair.Dom0.Id, frame, readOnly: true);
        }
    }

    /// <summary>Bytes grant-copied by netback so far.</summary>
    public long BytesCopied => _pair.Back.TxBytesCopied;

    /// <summary>Grant maps so far.</summary>
    public long GrantMaps => _pair.Xen.Maps;

    /// <summary>Grant copies so far.</summary>
    public long GrantCopies => _pair.Xen.Copies;

    /// <summary>What leaked at <see cref="Dispose"/>.</summary>
    public XenLeakReport Leaks => _pair.Leaks;

    /// <summary>Moves <paramref name="packets"/> packets through netback; returns the packets answered.</summary>
    public long Run(long packets)
    {
        FrontRing ring = _pair.Front.TxRing!;
        long sent = 0;
        long answered = 0;
        int next = 0;
        while (answered < packets)
        {
            while (sent < packets && _inFlight < _window && ring.FreeRequests >= _slotsPerPacket)
            {
                int first = next * _slotsPerPacket;
                next = (next + 1) % _window;
                for (int s = 0; s < _slotsPerPacket; s++)
                {
                    int chunk = Math.Min(Page.Size, _size - (s * Page.Size));
                    ring.TryGetRequestSlot(out Span<byte> slot);
                    new NetifTxRequest(_grants[first + s], 0, s < _slotsPerPacket - 1 ? NetTxFlags.MoreData : 0, (ushort)(first + s), (ushort)(s == 0 ? _size : chunk)).Write(slot);
                }

                sent++;
                _inFlight++;
            }

            ring.PushRequests(out _);
            _now += Duration.FromMicroseconds(1);
            _pair.Back.Poll(_now);
            _pair.Back.Poll(_now); // answers what the sink released in the first
            int slots = 0;
            while (ring.TryConsumeResponse(_response))
            {
                slots++;
            }

            int done = slots / _slotsPerPacket;
            answered += done;
            _inFlight -= done;
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
        foreach (uint g in _grants)
        {
            _pair.Guest.Grants.EndAccess(g);
        }

        _pair.Front.Paused = false;
        _pair.Dispose();
    }
}
