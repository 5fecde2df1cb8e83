using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Nfs.Client;
using FragNet.Nfs.Protocol;
using FragNet.Stack;
using FragNet.SunRpc.Client;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Server;
using FragNet.SunRpc.Xdr;
using FragNet.Wire;

namespace FragNet.Nfs.Repro;

/// <summary>
/// The talk's NFS write experiment (brief §3), deterministic: a FragNet NFS client and server on a simulated link in
/// virtual time; the fault injector stalls the server→client direction for 60 s after 1 in N frames (netoutage); the
/// application writes SIZE bytes of 0xAA at offset 0 of a new file from its own buffer (O_DIRECT: the pages go out
/// zero-copy), refills the same buffer with 0x55 and writes it at offset SIZE, for several rounds.
/// </summary>
/// <remarks>
/// <para>Corruption is measured from outside: on the wire by <see cref="NfsWireAudit"/> over the captured frames, on
/// disk by comparing the server's files with what the application wrote, after every delayed frame has arrived.</para>
/// <para>Mechanism under <see cref="PageSendPolicy.Unsafe"/>: during a stall the client's RPC times out and queues
/// retransmissions of the WRITE (same pages) behind data TCP cannot get acknowledged. When the stall ends the reply
/// arrives, the write returns, the application refills its buffer with 0x55 — and the queued retransmission goes out
/// with the new bytes. The server's duplicate request cache sees different argument bytes and executes it again.</para>
/// </remarks>
public static partial class NfsWriteExperiment
{
    /// <summary>The server's address.</summary>
    public static readonly Ipv4Address ServerAddress = Ipv4Address.Parse("10.0.0.2");

    /// <summary>The client's address.</summary>
    public static readonly Ipv4Address ClientAddress = Ipv4Address.Parse("10.0.0.1");

    /// <summary>The export's mount path.</summary>
    public const string ExportPath = "/export";

    private const ushort MountPort = 20048;

    /// <summary>The AUTH_SYS credential the client sends (fixed, so frame offsets are too).</summary>
    public static readonly AuthSysParameters Credential = new(0, "fragnet-client", 0, 0, []);

    /// <summary>
    /// The tcpdump expression that shows a corrupted WRITE in FragNet's frames — the talk's
    /// <c>host $SERVER and ip[184:4] == 0x55555555</c>, made exact: a TCP segment to the server's NFS port whose payload
    /// starts with an NFSv3 WRITE call for offset 0 whose data begins with 0x55555555. Offsets are from the TCP payload
    /// (<c>(tcp[12] &amp; 0xf0) &gt;&gt; 2</c> skips the TCP header and its options).
    /// </summary>
    /// <param name="handleLength">Length of the file handles the server hands out.</param>
    /// <param name="size">Bytes per write: below 4 the data test looks at one byte (the rest is XDR padding).</param>
    public static string TcpdumpFilter(int handleLength, int size = 4) => TcpdumpFilter(handleLength, size, ServerAddress, Nfs3Constants.Port);

    /// <summary>The same expression for a server at <paramref name="server"/> with NFS on <paramref name="nfsPort"/>.</summary>
    public static string TcpdumpFilter(int handleLength, int size, Ipv4Address server, ushort nfsPort)
    {
        int credential = OpaqueAuth.Sys(Credential).EncodedLength;
        int data = RecordMarking.HeaderLength + 24 + credential + OpaqueAuth.None.EncodedLength + Write3Args.DataOffsetFor(handleLength);
        const string payload = "((tcp[12] & 0xf0) >> 2)";
        return $"host {server} and tcp dst port {nfsPort}"
            + $" and tcp[{payload} + 16:4] = 0x{Nfs3Constants.Program:x} and tcp[{payload} + 24:4] = {(uint)Nfs3Procedure.Write}"
            + $" and tcp[{payload} + {data - 20}:4] = 0 and tcp[{payload} + {data - 16}:4] = 0"
            + (size >= 4 ? $" and tcp[{payload} + {data}:4] = 0x55555555" : $" and tcp[{payload} + {data}:1] = 0x55");
    }

    /// <summary>Runs one policy. <paramref name="progress"/> gets (writes completed, writes total).</summary>
    public static NfsWriteReport Run(NfsWriteOptions options, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Size);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Rounds);
        var trial = new Trial(options, progress);
        return trial.Execute();
    }

    /// <summary>The pattern byte the application wrote at <paramref name="offset"/> of a round's file.</summary>
    public static byte ExpectedByte(ulong offset, int size) => offset < (ulong)size ? (byte)0xAA : (byte)0x55;

    internal sealed class Trial
    {
        private readonly NfsWriteOptions _o;
        private readonly Action<int, int>? _progress;
        private readonly List<double> _latenciesMs = [];
        private readonly List<RpcCall> _writeCalls = [];
        private string? _error;
        private int _writesDone;
        private int _writesTotal;
        private Instant _lastProgress;
        private int _lastCount = -1;

        public Trial(NfsWriteOptions options, Action<int, int>? progress)
        {
            _o = options;
            _progress = progress;
        }

        public NfsWriteReport Execute()
        {
            var sim = new Simulator(_o.Seed);
            int pages = ((_o.Size + Page.Size - 1) / Page.Size) + 1;
            using var poolClient = new PagePool(16384, "nfs-client");
            using var poolServer = new PagePool(16384, "nfs-server");
            var cacheClient = new SkbCache(poolClient, "nfs-client");
            var cacheServer = new SkbCache(poolServer, "nfs-server");
            var link = new SimulatedLink(
                sim,
                new SimulatedLinkConfig { BitsPerSecond = _o.BitsPerSecond, Propagation = _o.Latency },
                ("client0", EthernetAddress.Parse("02:00:00:00:00:01"), cacheClient, NetDeviceFeatures.ScatterGather | NetDeviceFeatures.Tso),
                ("server0", EthernetAddress.Parse("02:00:00:00:00:02"), cacheServer, NetDeviceFeatures.ScatterGather | NetDeviceFeatures.Tso));
            var faults = new FaultInjector(_o.Seed * 7919 + 1, "server->client");
            if (_o.DelayOneIn > 0)
            {
                faults.Add(FaultRule.StallOneIn(_o.DelayOneIn, _o.Delay));
            }

            link.B.Faults = faults;
            var captureBytes = new MemoryStream();
            var capture = new PcapWriter(captureBytes, leaveOpen: true);
            link.Capture = capture;
            var client = new NetInterface(cacheClient, link.A, new Ipv4Cidr(ClientAddress, 24), seed: (int)(_o.Seed & 0x7FFF_FFFF));
            var server = new NetInterface(cacheServer, link.B, new Ipv4Cidr(ServerAddress, 24), seed: (int)(_o.Seed & 0x7FFF_FFFF) + 1);
            var hostClient = new SimulatedHost(sim, client, link.A);
            var hostServer = new SimulatedHost(sim, server, link.B);

            ReproServer backend = ReproServer.Create(_o.Seed);
            var nfsServer = new RpcServer(server, Nfs3Constants.Port);
            nfsServer.Register(backend.Nfs);
            var mountServer = new RpcServer(server, MountPort);
            mountServer.Register(backend.Mount);

            uint xidBase = (uint)(_o.Seed * 0x9E3779B1);
            var rpcConfig = new RpcClientConfig
            {
                Policy = _o.Policy,
                Timeout = _o.Timeout,
                Retransmissions = _o.Retransmissions,
                ReleaseTimeout = _o.ReleaseTimeout,
                Credential = OpaqueAuth.Sys(Credential),
                // A record of more than 256 KiB needs many stall-free windows to cross at 1 stall in 8 frames; if a
                // major timeout restarted it on a new connection every time, it would never arrive. So large writes
                // keep a connection that is still being acknowledged.
                KeepProgressingConnections = _o.Size > 256 * 1024,
            };
            var nfsRpc = new RpcClient(client, new Ipv4Endpoint(ServerAddress, Nfs3Constants.Port), rpcConfig, xidBase);
            var mountRpc = new RpcClient(client, new Ipv4Endpoint(ServerAddress, MountPort), rpcConfig with { Policy = PageSendPolicy.Copy }, xidBase + 0x4000_0000);
            var nfs = new NfsClient(nfsRpc, mountRpc) { WriteSize = _o.WriteSize };
            var appBuffer = new UserBuffer(pages, "application");
            var app = new Application(this, nfs, appBuffer, _o);
            var driver = new SimulationDriver(sim)
                .Add(mountRpc.Poll, mountRpc.PollAt)
                .Add(nfsRpc.Poll, nfsRpc.PollAt)
                .Add(nfsServer.Poll)
                .Add(mountServer.Poll)
                .Add(hostClient)
                .Add(hostServer);

            Instant finished = RunApplication(app, driver, _o.EffectiveSettle);
            long disk = AuditDisk(app.RoundsStarted, name => backend.ReadFile(name));
            long rpcRetransmits = nfsRpc.Counters.Retransmits;
            long tcpRetransmits = nfsRpc.TcpRetransmits;
            long copied = nfsRpc.Counters.PayloadBytesCopied;

            // Teardown, then the leak check: every page back, every buffer freed, every destructor run once.
            nfsRpc.Dispose();
            mountRpc.Dispose();
            nfsServer.Dispose();
            mountServer.Dispose();
            client.Dispose();
            server.Dispose();
            link.Dispose();
            capture.Flush();
            long leaks = poolClient.Outstanding + poolServer.Outstanding + cacheClient.Live + cacheServer.Live + DestructorLeaks();
            appBuffer.Dispose();
            leaks += appBuffer.PagesInUse;

            captureBytes.Position = 0;
            if (_o.Capture is not null)
            {
                captureBytes.CopyTo(_o.Capture);
                captureBytes.Position = 0;
            }

            NfsWriteReport report = Report(app.HandleLength, captureBytes, ServerAddress, Nfs3Constants.Port) with
            {
                RpcRetransmits = rpcRetransmits,
                TcpRetransmits = tcpRetransmits,
                DiskCorruptions = disk,
                BytesCopied = copied,
                VirtualSeconds = finished.TotalSeconds,
                Stalls = faults.Stalls,
                Leaks = leaks,
            };
            capture.Dispose();
            captureBytes.Dispose();
            return report;
        }

        /// <summary>Starts the application and runs <paramref name="loop"/> until it finishes, fails or makes no progress
        /// for the progress timeout; then runs on for <paramref name="settle"/> so every delayed frame and stale
        /// retransmission reaches the server. Returns when the application finished.</summary>
        internal Instant RunApplication(Application app, IEventLoop loop, Duration settle)
        {
            Duration stuck = _o.EffectiveProgressTimeout;
            _lastProgress = loop.Now;
            app.Start(loop.Now);
            while (!app.Done && _error is null)
            {
                Instant deadline = _lastProgress + stuck;
                if (!loop.RunUntil(() => app.Done || _error is not null || _writesDone != _lastCount, deadline - loop.Now))
                {
                    _error ??= $"no write completed for {stuck} ({_writesDone} of {_writesTotal} done)";
                }

                _lastCount = _writesDone;
            }

            Instant finished = loop.Now;
            loop.RunUntil(static () => false, settle);
            return finished;
        }

        /// <summary>Bytes of the round files that differ from what the application wrote (missing bytes count).</summary>
        internal long AuditDisk(int rounds, Func<string, byte[]?> readFile)
        {
            long disk = 0;
            for (int r = 0; r < rounds; r++)
            {
                byte[] file = readFile($"round-{r}") ?? [];
                for (int i = 0; i < 2 * _o.Size; i++)
                {
                    if (i >= file.Length || file[i] != ExpectedByte((ulong)i, _o.Size))
                    {
                        disk++;
                    }
                }

                disk += Math.Max(0, file.Length - (2 * _o.Size));
            }

            return disk;
        }

        /// <summary>Write calls whose destructor did not run exactly once.</summary>
        internal long DestructorLeaks() => _writeCalls.Count(c => c.Destructor is { } d && d.DestroyCount != 1);

        /// <summary>The report's wire part, from the captured frames as tcpdump would see them, and the timings.</summary>
        internal NfsWriteReport Report(int handleLength, Stream pcap, Ipv4Address server, ushort nfsPort)
        {
            string filterText = TcpdumpFilter(handleLength, _o.Size, server, nfsPort);
            var filter = PacketFilter.Compile(filterText);
            var audit = new NfsWireAudit(nfsPort, offset => ExpectedByte(offset, _o.Size));
            IReadOnlyList<PcapRecord> frames = PcapReader.ReadAll(pcap);
            int matches = 0;
            for (int i = 0; i < frames.Count; i++)
            {
                ReadOnlySpan<byte> f = frames[i].Data.Span;
                audit.Add(i + 1, f);
                matches += filter.Matches(f) ? 1 : 0;
            }

            var corruptedFrames = new SortedSet<int>();
            int corrupted = 0;
            IReadOnlyList<WireWriteCall> calls = audit.Analyze();
            foreach (WireWriteCall c in calls)
            {
                if (c.Corrupted)
                {
                    corrupted++;
                    corruptedFrames.UnionWith(c.CorruptedFrames);
                }
            }

            double releaseWaitMs = _writeCalls.Sum(c => c.ReleaseWait.TotalMicroseconds / 1000.0);
            _latenciesMs.Sort();
            return new NfsWriteReport
            {
                Policy = _o.Policy,
                Writes = _writeCalls.Count,
                WireCorruptions = corrupted,
                WireWrites = calls.Count,
                P50Ms = Percentile(_latenciesMs, 0.50),
                P99Ms = Percentile(_latenciesMs, 0.99),
                ReleaseWaitMs = releaseWaitMs,
                Frames = frames.Count,
                FilterMatches = matches,
                UnparsedBytes = audit.UnparsedBytes,
                CorruptedFrames = [.. corruptedFrames],
                TcpdumpFilter = filterText,
                Error = _error,
            };
        }

        private static double Percentile(List<double> sorted, double p)
        {
            if (sorted.Count == 0)
            {
                return 0;
            }

            int i = (int)Math.Ceiling(p * sorted.Count) - 1;
            return sorted[Math.Clamp(i, 0, sorted.Count - 1)];
        }

        internal void Fail(string error) => _error ??= error;

        internal void WriteIssued(RpcCall call)
        {
            _writeCalls.Add(call);
        }

        internal void WriteDone(double latencyMs, Instant now)
        {
            _lastProgress = now;
            _latenciesMs.Add(latencyMs);
            _writesDone++;
            _progress?.Invoke(_writesDone, _writesTotal);
        }

        internal void PlanWrites(int total) => _writesTotal = total;
    }

    /// <summary>The application of the talk's <c>test.c</c>, as a state machine over NFS requests.</summary>
    internal sealed class Application(Trial run, NfsClient nfs, UserBuffer buffer, NfsWriteOptions o, string exportPath = ExportPath)
    {
        private NfsFh3? _root;
        private NfsFh3? _file;
        private int _round;
        private int _outstanding;
        private Instant _writeStart;

        public bool Done { get; private set; }

        public int RoundsStarted { get; private set; }

        public int HandleLength => _root?.Length ?? 0;

        public void Start(Instant now)
        {
            run.PlanWrites(o.Rounds * 2);
            nfs.Mount(exportPath, now).Completed = r =>
            {
                if (r.Result is not { Status: MountStatus3.Ok, Handle: { } root })
                {
                    run.Fail($"MOUNT {exportPath} failed: {r.Error ?? r.Result?.Status.ToString()}");
                    return;
                }

                _root = root;
                StartRound(r.Call.CompletedAt);
            };
        }

        private void StartRound(Instant now)
        {
            if (_round == o.Rounds)
            {
                Done = true;
                return;
            }

            RoundsStarted++;
            nfs.Create(_root!, $"round-{_round}", CreateMode.Unchecked, now).Completed = r =>
            {
                if (r.Result is not { Status: Nfs3Status.Ok, Handle: { } fh })
                {
                    run.Fail($"CREATE round-{_round} failed: {r.Error ?? r.Result?.Status.ToString()}");
                    return;
                }

                _file = fh;
                Write(0xAA, 0, r.Call.CompletedAt);
            };
        }

        /// <summary><c>memset(buf, pattern, SIZE); write(fd, buf, SIZE)</c> at <paramref name="offset"/>.</summary>
        private void Write(byte pattern, ulong offset, Instant now)
        {
            buffer.Span[..o.Size].Fill(pattern);
            _writeStart = now;
            for (int at = 0; at < o.Size; at += o.WriteSize)
            {
                int length = Math.Min(o.WriteSize, o.Size - at);
                var pages = new List<XdrPage>();
                for (int p = at; p < at + length; p += Page.Size - (p % Page.Size))
                {
                    int inPage = p % Page.Size;
                    pages.Add(new XdrPage(buffer[p / Page.Size], inPage, Math.Min(Page.Size - inPage, at + length - p)));
                }

                _outstanding++;
                NfsRequest<Write3Result> w = nfs.WriteDirect(_file!, offset + (ulong)at, pages.ToArray(), StableHow.FileSync, now);
                run.WriteIssued(w.Call);
                w.Completed = r => Written(r, pattern);
            }
        }

        private void Written(NfsRequest<Write3Result> r, byte pattern)
        {
            if (r.Result is not { Status: Nfs3Status.Ok })
            {
                run.Fail($"WRITE failed: {r.Error ?? r.Result?.Status.ToString()}");
                return;
            }

            Instant now = r.Call.CompletedAt;
            if (--_outstanding > 0)
            {
                return;
            }

            run.WriteDone((now - _writeStart).TotalMicroseconds / 1000.0, now);
            if (pattern == 0xAA)
            {
                Write(0x55, (ulong)o.Size, now);
                return;
            }

            _round++;
            StartRound(now);
        }
    }
}
