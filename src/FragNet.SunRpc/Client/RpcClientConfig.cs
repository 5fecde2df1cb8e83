using FragNet.Stack.Tcp;
using FragNet.SunRpc.Rpc;

namespace FragNet.SunRpc.Client;

/// <summary>Settings of an <see cref="RpcClient"/>, named after the Linux NFS mount options where one exists.</summary>
public sealed record RpcClientConfig
{
    /// <summary><c>timeo</c>: the first retransmission timeout. Linux's default over TCP is 60 s.</summary>
    public Duration Timeout { get; init; } = Duration.FromSeconds(60);

    /// <summary><c>retrans</c>: minor timeouts (each retransmitting, the timeout growing linearly by
    /// <see cref="Timeout"/>) before a major timeout.</summary>
    public int Retransmissions { get; init; } = 2;

    /// <summary><c>soft</c>: a major timeout fails the call. Otherwise (<c>hard</c>, the default) the client
    /// reconnects, resends and keeps trying.</summary>
    public bool Soft { get; init; }

    /// <summary>On a major timeout of a hard client, keep the connection if it acknowledged data since the call's
    /// timer started (a large record still crossing a slow path) instead of reconnecting and starting over.</summary>
    public bool KeepProgressingConnections { get; init; }

    /// <summary>Slot table size: calls transmitted and not yet answered at once (Linux's <c>tcp_slot_table_entries</c>).</summary>
    public int Slots { get; init; } = 16;

    /// <summary>How call page data is sent and when such a call completes.</summary>
    public PageSendPolicy Policy { get; init; } = PageSendPolicy.Destructor;

    /// <summary>For <see cref="PageSendPolicy.DestructorTimeout"/>: how long after the reply to wait for the release
    /// before copying the pages out.</summary>
    public Duration ReleaseTimeout { get; init; } = Duration.FromMilliseconds(100);

    /// <summary>Largest reply record accepted; a bigger one closes the connection.</summary>
    public int MaxReplyRecord { get; init; } = (1 << 20) + 4096;

    /// <summary>Wait before reconnecting after a failed connection attempt (doubles up to a minute).</summary>
    public Duration ReconnectDelay { get; init; } = Duration.FromSeconds(3);

    /// <summary>The credential sent with every call.</summary>
    public OpaqueAuth Credential { get; init; } = OpaqueAuth.None;

    /// <summary>The local port, kept across reconnects (Linux reuses it so the server's duplicate request cache,
    /// keyed by address and port, still recognises retransmissions). 0 picks an ephemeral port once.</summary>
    public ushort LocalPort { get; init; }

    /// <summary>TCP settings of the connection. The send buffer must hold the largest call record. No Nagle delay, as
    /// Linux's SUNRPC sets <c>TCP_NODELAY</c> on its sockets: a record's short last segment must not wait for an ACK.</summary>
    public TcpConfig Tcp { get; init; } = new() { SendBuffer = 4 << 20, ReceiveBuffer = 4 << 20, NoDelay = true };
}
