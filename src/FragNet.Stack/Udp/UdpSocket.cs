using FragNet.Buffers;

namespace FragNet.Stack.Udp;

/// <summary>
/// A bound UDP port (RFC 768): datagrams in arrive as buffers queued with their sender (bounded; a full queue drops
/// with <see cref="DropReason.SocketReceiveBuffer"/>); datagrams out go through <see cref="NetInterface.UdpSend"/>.
/// </summary>
public sealed class UdpSocket
{
    private readonly Queue<(Ipv4Endpoint From, SkBuff Payload)> _queue = new();
    private int _queuedBytes;

    internal UdpSocket(ushort port, int receiveBuffer)
    {
        Port = port;
        ReceiveBuffer = receiveBuffer;
    }

    public ushort Port { get; }

    /// <summary>Most payload bytes held for the application.</summary>
    public int ReceiveBuffer { get; }

    /// <summary>Datagrams waiting.</summary>
    public int Count => _queue.Count;

    /// <summary>Datagrams dropped because the queue was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>True while bound.</summary>
    public bool IsOpen { get; internal set; } = true;

    /// <summary>Copies the next datagram into <paramref name="destination"/> (truncating, as recvfrom does) and
    /// returns its full length, or -1 when none is waiting.</summary>
    public int Receive(Span<byte> destination, out Ipv4Endpoint from)
    {
        if (!_queue.TryDequeue(out (Ipv4Endpoint From, SkBuff Payload) d))
        {
            from = default;
            return -1;
        }

        from = d.From;
        int length = d.Payload.Len;
        d.Payload.CopyBits(0, destination[..Math.Min(destination.Length, length)]);
        _queuedBytes -= length;
        d.Payload.Consume();
        return length;
    }

    internal void Deliver(Ipv4Endpoint from, SkBuff payload)
    {
        if (_queuedBytes + payload.Len > ReceiveBuffer)
        {
            Dropped++;
            payload.Drop(DropReason.SocketReceiveBuffer);
            return;
        }

        _queuedBytes += payload.Len;
        _queue.Enqueue((from, payload));
    }

    internal void Clear()
    {
        while (_queue.TryDequeue(out (Ipv4Endpoint From, SkBuff Payload) d))
        {
            d.Payload.Drop(DropReason.OwnerClosed);
        }

        _queuedBytes = 0;
    }
}
