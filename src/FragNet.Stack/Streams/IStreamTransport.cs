using FragNet.Stack.Tcp;

namespace FragNet.Stack.Streams;

/// <summary>
/// Where stream sockets come from: FragNet's own TCP on a <see cref="NetInterface"/>, or the kernel's TCP at the host
/// edge. Protocols above TCP (SUNRPC, NFS) take one of these and never know which.
/// </summary>
public interface IStreamTransport
{
    /// <summary>Opens a connection to <paramref name="remote"/> from <paramref name="localPort"/> (0: an ephemeral
    /// port). It completes later: <see cref="IStreamSocket.State"/> leaves <see cref="TcpState.SynSent"/>.</summary>
    IStreamSocket Connect(Ipv4Endpoint remote, Instant now, TcpConfig? config = null, ushort localPort = 0);

    /// <summary>Listens on <paramref name="port"/> with room for <paramref name="backlog"/> connections not yet
    /// accepted.</summary>
    IStreamListener Listen(ushort port, int backlog = 128, TcpConfig? config = null);

    /// <summary>Stops listening; connections not yet accepted are reset.</summary>
    void CloseListener(IStreamListener listener, Instant now);

    /// <summary>Sends what <paramref name="socket"/> has ready (call after Send, Close or reading).</summary>
    void Flush(IStreamSocket socket, Instant now);
}
