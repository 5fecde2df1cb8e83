using FragNet.Buffers;
using FragNet.Nfs.Client;
using FragNet.Stack;
using FragNet.SunRpc.Client;
using FragNet.SunRpc.Rpc;

namespace FragNet.Nfs.Repro;

/// <summary>The write experiment against a real server, in real time.</summary>
public static partial class NfsWriteExperiment
{
    /// <summary>
    /// Runs one policy of the experiment in real time against the server <paramref name="setup"/> names — the talk's
    /// setup with a real server: the same application, the same audits (the server's files read back from its disk;
    /// the client's frames from the capture), the same report. The faults are whatever the setup put in the path;
    /// <paramref name="options"/>' fault settings are not applied here, and its <c>Settle</c> says how long the run
    /// waits for stalled frames at the end.
    /// </summary>
    public static NfsWriteReport RunLive(NfsWriteLiveSetup setup, NfsWriteOptions options, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Rounds);
        var trial = new Trial(options, progress);
        IEventLoop loop = setup.Loop;
        uint xidBase = (uint)(options.Seed * 0x9E3779B1);
        var rpcConfig = new RpcClientConfig
        {
            Policy = options.Policy,
            Timeout = options.Timeout,
            Retransmissions = options.Retransmissions,
            ReleaseTimeout = options.ReleaseTimeout,
            Credential = OpaqueAuth.Sys(Credential),
            KeepProgressingConnections = options.Size > 256 * 1024,
        };
        var nfsRpc = new RpcClient(setup.Transport, new Ipv4Endpoint(setup.Server, setup.NfsPort), rpcConfig, xidBase);
        var mountRpc = new RpcClient(setup.Transport, new Ipv4Endpoint(setup.Server, setup.MountPort), rpcConfig with { Policy = PageSendPolicy.Copy }, xidBase + 0x4000_0000);
        bool active = true;
        loop.Add(now => { if (active) { mountRpc.Poll(now); nfsRpc.Poll(now); } }, () => active ? Instant.Min(mountRpc.PollAt(), nfsRpc.PollAt()) : Instant.MaxValue);
        var appBuffer = new UserBuffer(((options.Size + Page.Size - 1) / Page.Size) + 1, "application");
        var app = new Application(trial, new NfsClient(nfsRpc, mountRpc) { WriteSize = options.WriteSize }, appBuffer, options, setup.ExportPath);

        Instant started = loop.Now;
        Instant finished = trial.RunApplication(app, loop, options.EffectiveSettle);
        long disk = trial.AuditDisk(app.RoundsStarted, setup.ReadFile);
        long rpcRetransmits = nfsRpc.Counters.Retransmits;
        long tcpRetransmits = nfsRpc.TcpRetransmits;
        long copied = nfsRpc.Counters.PayloadBytesCopied;

        nfsRpc.Close(loop.Now);
        mountRpc.Close(loop.Now);
        active = false;
        loop.RunUntil(static () => false, Duration.FromMilliseconds(50)); // the resets go out, devices complete
        long leaks = trial.DestructorLeaks();
        appBuffer.Dispose();
        leaks += appBuffer.PagesInUse;

        using Stream pcap = setup.Capture();
        return trial.Report(app.HandleLength, pcap, setup.Server, setup.NfsPort) with
        {
            RpcRetransmits = rpcRetransmits,
            TcpRetransmits = tcpRetransmits,
            DiskCorruptions = disk,
            BytesCopied = copied,
            VirtualSeconds = (finished - started).TotalMicroseconds / 1e6,
            Stalls = setup.Faults?.Stalls ?? 0,
            Leaks = leaks,
        };
    }
}
