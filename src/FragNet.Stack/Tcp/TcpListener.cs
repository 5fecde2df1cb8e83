using FragNet.Stack.Streams;

namespace FragNet.Stack.Tcp;

/// <summary>A listening port (RFC 9293 LISTEN): SYNs make children in SYN-RECEIVED; established children wait in the
/// accept queue. The backlog bounds children not yet accepted; SYNs beyond it are dropped (the peer retries).</summary>
public sealed class TcpListener : IStreamListener
{
    private readonly Queue<TcpSocket> _acceptQueue = new();

    internal TcpListener(ushort port, int backlog, TcpConfig config)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(backlog);
        Port = port;
        Backlog = backlog;
        Config = config;
    }

    public ushort Port { get; }

    public int Backlog { get; }

    public TcpConfig Config { get; }

    /// <summary>Children still in the handshake.</summary>
    public int Pending { get; internal set; }

    /// <summary>SYNs dropped because the backlog was full.</summary>
    public long Overflows { get; internal set; }

    /// <summary>True while the interface still delivers SYNs to it.</summary>
    public bool IsOpen { get; internal set; } = true;

    /// <summary>Connections ready to accept.</summary>
    public int ReadyCount => _acceptQueue.Count;

    internal bool HasRoom => Pending + _acceptQueue.Count < Backlog;

    /// <summary>The next established connection, or null.</summary>
    public TcpSocket? Accept() => _acceptQueue.TryDequeue(out TcpSocket? s) ? s : null;

    IStreamSocket? IStreamListener.Accept() => Accept();

    internal void Enqueue(TcpSocket child) => _acceptQueue.Enqueue(child);

    internal IEnumerable<TcpSocket> Drain()
    {
        while (_acceptQueue.TryDequeue(out TcpSocket? s))
        {
            yield return s;
        }
    }
}
