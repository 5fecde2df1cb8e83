using FragNet.SunRpc.Client;

namespace FragNet.Nfs.Client;

/// <summary>Settings of an <see cref="NfsSession"/>.</summary>
public sealed record NfsSessionOptions
{
    /// <summary>How WRITE data pages go to the transport (the talk's experiment: <c>unsafe</c> reuses a page when the
    /// reply arrives, the destructor policies when the stack lets go).</summary>
    public PageSendPolicy Policy { get; init; } = PageSendPolicy.Destructor;

    /// <summary>AUTH_SYS uid (0: root, which an export with <c>Squash = None</c> accepts).</summary>
    public uint Uid { get; init; }

    /// <summary>AUTH_SYS gid.</summary>
    public uint Gid { get; init; }

    /// <summary>The machine name sent in AUTH_SYS.</summary>
    public string MachineName { get; init; } = "fragnet";

    /// <summary>How long one step (a connection, a call) may take before the session gives up.</summary>
    public Duration StepTimeout { get; init; } = Duration.FromSeconds(30);

    /// <summary>READ and WRITE calls in flight at once.</summary>
    public int Window { get; init; } = 8;

    /// <summary>Largest WRITE/READ payload asked for (the server's FSINFO maxima may lower it).</summary>
    public int TransferSize { get; init; } = 1 << 20;

    /// <summary>Stops the session's waits (Ctrl-C): a wait in progress throws <see cref="OperationCanceledException"/>.
    /// The loop must be woken when it fires (the CLI's signal handler wakes it).</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>RPC retransmission timeout (<c>timeo</c>).</summary>
    public Duration RpcTimeout { get; init; } = Duration.FromSeconds(10);
}
