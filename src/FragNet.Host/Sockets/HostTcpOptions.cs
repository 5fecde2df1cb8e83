using System.Net;

namespace FragNet.Host.Sockets;

/// <summary>Settings of a <see cref="HostTcpTransport"/>.</summary>
public sealed record HostTcpOptions
{
    /// <summary>Sends lent pages with <c>MSG_ZEROCOPY</c>: a page is released at the kernel's completion
    /// notification instead of when <c>sendmsg</c> returns. On loopback, veth and tap the kernel reports every such
    /// send as copied (counted in <see cref="HostTcpTransport.ZeroCopyCopied"/>).</summary>
    public bool ZeroCopy { get; init; }

    /// <summary>The local address sockets bind to (default: any).</summary>
    public IPAddress LocalAddress { get; init; } = IPAddress.Any;

    /// <summary>Bytes read from the kernel per receive buffer.</summary>
    public int ReceiveChunk { get; init; } = 16 * 1024;
}
