using FragNet.Stack.Tcp;

namespace FragNet.SunRpc.Server;

/// <summary>Settings of an <see cref="RpcServer"/>.</summary>
public sealed record RpcServerConfig
{
    /// <summary>Largest call record; a client sending more is disconnected (knfsd's <c>sv_max_mesg</c>).</summary>
    public int MaxRecord { get; init; } = (1 << 20) + (64 << 10);

    /// <summary>Connections not yet accepted.</summary>
    public int Backlog { get; init; } = 64;

    /// <summary>Duplicate request cache entries (0 turns the cache off).</summary>
    public int ReplyCacheEntries { get; init; } = 1024;

    /// <summary>TCP settings of accepted connections (no Nagle delay, as knfsd's sockets).</summary>
    public TcpConfig Tcp { get; init; } = new() { SendBuffer = 4 << 20, ReceiveBuffer = 4 << 20, NoDelay = true };

    /// <summary>Reply bytes a connection may have waiting for send space before the server stops reading its calls
    /// (knfsd's <c>svc_tcp_has_wspace</c>): a client that never reads its replies is held by TCP's window, not by
    /// our memory.</summary>
    public int MaxPendingReplyBytes { get; init; } = 8 << 20;
}
