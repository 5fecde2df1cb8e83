using System.Net.Sockets;
using FragNet.Stack.Streams;

namespace FragNet.Host.Sockets;

/// <summary>A listening kernel TCP socket (non-blocking); accepted connections join its transport.</summary>
public sealed class HostTcpListener : IStreamListener, IDisposable
{
    private readonly HostTcpTransport _transport;
    private readonly Queue<HostTcpSocket> _ready = new();

    internal HostTcpListener(HostTcpTransport transport, Socket socket, ushort port)
    {
        _transport = transport;
        Socket = socket;
        Port = port;
    }

    public ushort Port { get; }

    internal Socket Socket { get; }

    /// <summary>The next established connection, or null.</summary>
    public IStreamSocket? Accept() => _ready.TryDequeue(out HostTcpSocket? s) ? s : null;

    /// <summary>Takes every connection the kernel has ready.</summary>
    internal void AcceptReady()
    {
        while (Socket.Poll(0, SelectMode.SelectRead))
        {
            Socket accepted;
            try
            {
                accepted = Socket.Accept();
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.ConnectionAborted)
            {
                return;
            }

            _ready.Enqueue(_transport.Adopt(accepted));
        }
    }

    public void Dispose()
    {
        while (_ready.TryDequeue(out HostTcpSocket? s))
        {
            s.Abort();
            s.Dispose();
        }

        Socket.Dispose();
    }
}
