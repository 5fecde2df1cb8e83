using System.Security.Cryptography;
using FragNet.Buffers;
using FragNet.Stack;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Devices;

/// <summary>
/// Two FragNet stacks on one <see cref="SimulatedLink"/> in virtual time: host A sends a deterministic pseudo-random
/// stream to host B over TCP through the fault injector; B checks every byte against the same stream. With
/// <see cref="TcpTransferOptions.ZeroCopy"/> A sends its own pages with fragment destructors and refills a page only
/// after its destructor ran — the safe buffer reuse the talk is about. Everything is torn down and leak-checked.
/// </summary>
public static class TcpTransfer
{
    private const int ZeroCopyPages = 512;

    /// <summary>Where corruption may start: past Ethernet (14), IPv4 (20) and TCP with timestamps (32).</summary>
    private const int CorruptFrom = 14 + 20 + 32;

    /// <summary>Runs one transfer. <paramref name="progress"/> receives (bytes delivered, bytes total) now and then.</summary>
    public static TcpTransferReport Run(TcpTransferOptions options, Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sim = new Simulator(options.Seed);
        using var poolA = new PagePool(16384, "host-a");
        using var poolB = new PagePool(16384, "host-b");
        var cacheA = new SkbCache(poolA, "host-a");
        var cacheB = new SkbCache(poolB, "host-b");
        NetDeviceFeatures features = NetDeviceFeatures.ScatterGather | (options.Tso ? NetDeviceFeatures.Tso : 0)
            | (options.ChecksumOffload ? NetDeviceFeatures.TxChecksum | NetDeviceFeatures.RxChecksum : 0);
        var link = new SimulatedLink(
            sim,
            new SimulatedLinkConfig { BitsPerSecond = options.BitsPerSecond, Propagation = options.Latency, Mtu = options.Mtu },
            ("a0", EthernetAddress.Parse("02:00:00:00:00:0a"), cacheA, features),
            ("b0", EthernetAddress.Parse("02:00:00:00:00:0b"), cacheB, features));
        link.A.Faults = Faults(options, options.Seed * 2 + 1, toSender: false);
        link.B.Faults = Faults(options, options.Seed * 2 + 2, toSender: true);
        using PcapWriter? capture = options.Capture is null ? null : new PcapWriter(options.Capture, leaveOpen: true);
        link.Capture = capture;
        var a = new NetInterface(cacheA, link.A, Ipv4Cidr.Parse("10.0.0.1/24"), seed: (int)options.Seed);
        var b = new NetInterface(cacheB, link.B, Ipv4Cidr.Parse("10.0.0.2/24"), seed: (int)options.Seed + 1);
        var hostA = new SimulatedHost(sim, a, link.A);
        var hostB = new SimulatedHost(sim, b, link.B);
        var sender = new Sender(options);
        using var lender = options.ZeroCopy ? new UserBuffer(ZeroCopyPages, "sender-app") : null;
        string? error = null;
        var receiveHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long delivered = 0;
        bool intact = true;
        try
        {
            TcpListener listener = b.TcpListen(5001);
            TcpSocket client = a.TcpConnect(new Ipv4Endpoint(Ipv4Address.Parse("10.0.0.2"), 5001), sim.Now);
            hostA.Kick();
            TcpSocket? server = null;
            var checker = new DeterministicPattern(options.Seed);
            byte[] buffer = new byte[64 * 1024];
            byte[] expected = new byte[buffer.Length];
            Instant limit = sim.Now + options.TimeLimit;
            long lastReport = 0;
            while (delivered < options.Bytes)
            {
                server ??= listener.Accept();
                if (client.State == TcpState.Closed)
                {
                    error = $"the sender's connection closed: {client.Error}";
                    break;
                }

                if (sender.Pump(client, lender))
                {
                    a.Flush(client, sim.Now);
                    hostA.Kick();
                }

                if (server is not null)
                {
                    int n;
                    bool read = false;
                    while ((n = server.Receive(buffer)) > 0)
                    {
                        if (options.Verify)
                        {
                            checker.Fill(expected.AsSpan(0, n), delivered);
                            intact &= buffer.AsSpan(0, n).SequenceEqual(expected.AsSpan(0, n));
                            receiveHash.AppendData(buffer, 0, n);
                        }

                        delivered += n;
                        read = true;
                    }

                    if (read)
                    {
                        b.Flush(server, sim.Now);
                        hostB.Kick();
                        if (delivered - lastReport >= options.Bytes / 100)
                        {
                            progress?.Invoke(delivered, options.Bytes);
                            lastReport = delivered;
                        }
                    }
                }

                if (delivered >= options.Bytes)
                {
                    break;
                }

                if (sim.Now > limit)
                {
                    error = $"time limit of {options.TimeLimit} virtual reached";
                    break;
                }

                if (!sim.RunNext())
                {
                    error = "the simulation ran out of events before the transfer finished";
                    break;
                }
            }

            progress?.Invoke(delivered, options.Bytes);
            TcpCounters counters = client.Counters;
            Instant finished = sim.Now;

            // Orderly close, then let TIME-WAIT and every timer run out.
            client.Close();
            a.Flush(client, sim.Now);
            hostA.Kick();
            if (server is not null)
            {
                server.Close();
                b.Flush(server, sim.Now);
                hostB.Kick();
            }

            sim.RunFor(Duration.FromSeconds(180), maxEvents: 10_000_000);
            a.Dispose();
            b.Dispose();
            link.Dispose();
            capture?.Flush();
            byte[] hash = receiveHash.GetHashAndReset();
            int leakedDestructors = sender.DestructorsCreated - sender.DestructorRuns;
            return new TcpTransferReport
            {
                BytesSent = sender.Sent,
                BytesDelivered = delivered,
                ChecksumMatch = intact && delivered == options.Bytes && (!options.Verify || Convert.ToHexStringLower(hash) == sender.Sha256()),
                Sha256 = options.Verify ? Convert.ToHexStringLower(hash) : string.Empty,
                Retransmits = counters.Retransmits,
                FastRetransmits = counters.FastRetransmits,
                Timeouts = counters.Timeouts,
                FramesSent = link.A.TxFrames + link.B.TxFrames,
                FramesDropped = (link.A.Faults?.Count(FaultAction.Drop) ?? 0) + (link.B.Faults?.Count(FaultAction.Drop) ?? 0),
                FramesDelayed = (link.A.Faults?.Count(FaultAction.Delay) ?? 0) + (link.B.Faults?.Count(FaultAction.Delay) ?? 0),
                VirtualSeconds = finished.TotalSeconds,
                WallSeconds = 0,
                LeakedPages = poolA.Outstanding + poolB.Outstanding + (lender?.PagesInUse ?? 0),
                LeakedDestructors = leakedDestructors,
                LeakedBuffers = cacheA.Live + cacheB.Live,
                Error = error,
            };
        }
        finally
        {
            receiveHash.Dispose();
        }
    }

    private static FaultInjector? Faults(TcpTransferOptions o, ulong seed, bool toSender)
    {
        var f = new FaultInjector(seed, toSender ? "b->a" : "a->b");
        if (toSender && o.DelayOneIn > 0)
        {
            f.Add(FaultRule.DelayEveryNth(o.DelayOneIn, o.Delay));
        }

        if (o.Loss > 0)
        {
            f.Add(FaultRule.Loss(o.Loss));
        }

        if (o.Reorder > 0)
        {
            f.Add(FaultRule.Reorder(o.Reorder, Duration.FromMilliseconds(10)));
        }

        if (o.Duplicate > 0)
        {
            f.Add(FaultRule.Duplicate(o.Duplicate));
        }

        if (o.Corrupt > 0)
        {
            f.Add(FaultRule.Corrupt(o.Corrupt, fromOffset: CorruptFrom));
        }

        return f.Rules.Count == 0 ? null : f;
    }

    /// <summary>The sending application: produces the stream and keeps the socket's send buffer full.</summary>
    private sealed class Sender(TcpTransferOptions options)
    {
        private readonly DeterministicPattern _stream = new(options.Seed);
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] _chunk = new byte[64 * 1024];
        private readonly Stack<int> _freePages = new(Enumerable.Range(0, ZeroCopyPages).Reverse());
        private int _chunkLength;
        private int _chunkOffset;

        public long Sent { get; private set; }

        public int DestructorsCreated { get; private set; }

        public int DestructorRuns { get; private set; }

        public string Sha256() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        /// <summary>Queues as much as the socket takes; returns true if anything was queued.</summary>
        public bool Pump(TcpSocket socket, UserBuffer? lender)
        {
            bool any = false;
            while (Sent < options.Bytes && socket.SendSpace > 0)
            {
                if (lender is not null)
                {
                    if (!_freePages.TryPop(out int index))
                    {
                        break; // every page is still held by the stack: wait for destructors
                    }

                    int n = (int)Math.Min(Page.Size, options.Bytes - Sent);
                    if (n > socket.SendSpace)
                    {
                        _freePages.Push(index);
                        break;
                    }

                    Page page = lender[index];
                    if (options.Verify)
                    {
                        _stream.Fill(page.Span[..n], Sent);
                        _hash.AppendData(page.Span[..n]);
                    }
                    var destructor = new FragDestructor(OnReleased, index, "page");
                    DestructorsCreated++;
                    if (!socket.SendPages(page, 0, n, destructor))
                    {
                        throw new InvalidOperationException("SendPages refused within SendSpace");
                    }

                    destructor.Release();
                    Sent += n;
                    any = true;
                    continue;
                }

                if (_chunkOffset == _chunkLength)
                {
                    _chunkLength = (int)Math.Min(_chunk.Length, options.Bytes - Sent);
                    _chunkOffset = 0;
                    if (options.Verify)
                    {
                        _stream.Fill(_chunk.AsSpan(0, _chunkLength), Sent);
                        _hash.AppendData(_chunk, 0, _chunkLength);
                    }
                }

                int accepted = socket.Send(_chunk.AsSpan(_chunkOffset, _chunkLength - _chunkOffset));
                if (accepted == 0)
                {
                    break;
                }

                _chunkOffset += accepted;
                Sent += accepted;
                any = true;
            }

            return any;
        }

        private void OnReleased(object? data)
        {
            DestructorRuns++;
            _freePages.Push((int)data!); // the stack let go: the application may rewrite this page now
        }
    }
}
