using FragNet.Stack.Streams;
using FragNet.Stack.Tcp;

namespace FragNet.Stack;

/// <summary>The interface as a stream transport: FragNet's own TCP under SUNRPC and NFS.</summary>
public sealed partial class NetInterface : IStreamTransport
{
    IStreamSocket IStreamTransport.Connect(Ipv4Endpoint remote, Instant now, TcpConfig? config, ushort localPort) =>
        TcpConnect(remote, now, config, localPort);

    IStreamListener IStreamTransport.Listen(ushort port, int backlog, TcpConfig? config) => TcpListen(port, backlog, config);

    void IStreamTransport.CloseListener(IStreamListener listener, Instant now) => CloseListener(AsOwn<TcpListener>(listener), now);

    void IStreamTransport.Flush(IStreamSocket socket, Instant now) => Flush(AsOwn<TcpSocket>(socket), now);

    private static T AsOwn<T>(object given)
        where T : class =>
        given as T ?? throw new ArgumentException($"a {given?.GetType().Name ?? "null"} does not belong to a FragNet interface", nameof(given));
}
