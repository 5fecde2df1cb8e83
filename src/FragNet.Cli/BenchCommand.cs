using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Stack;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Cli;

/// <summary><c>fragnet bench …</c>: macro benchmarks measured in one run, on this machine.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Macro benchmarks (wall-clock, this machine, one run).");
        var json = new Option<bool>("--json") { Description = "Print the results as JSON." };
        var bytes = new Option<long>("--bytes") { Description = "Bytes per goodput run.", DefaultValueFactory = _ => 200_000_000 };
        var tcp = new Command("tcp", "FragNet TCP: zero-copy vs copy send cost, in-process goodput, kernel loopback goodput, allocations per packet.") { json, bytes };
        tcp.SetAction(parse => RunTcp(parse.GetValue(json), parse.GetValue(bytes)));
        bench.Subcommands.Add(tcp);
        bench.Subcommands.Add(NetbackBenchCommand.Create());
        bench.Subcommands.Add(NfsBenchCommand.Create());
        return bench;
    }

    private static int RunTcp(bool json, long bytes)
    {
        int[] sizes = [1024, 4096, 16384, 65536, 262144, 1048576];
        var table = new List<SendCostRow>();
        foreach (int size in sizes)
        {
            double copy = SendCost(size, zeroCopy: false);
            double zero = SendCost(size, zeroCopy: true);
            table.Add(new SendCostRow(size, copy, zero, copy / zero));
            Console.Error.Write('.');
        }

        Console.Error.WriteLine();
        // In-process goodput: no serialization delay, a 10 µs link, no data generation or checking (Verify off): the
        // wall clock is the CPU cost of both stacks and the simulated NICs.
        var options = new TcpTransferOptions { Bytes = bytes, BitsPerSecond = 0, Latency = Duration.FromMicroseconds(10), Seed = 1, Verify = false };
        TcpTransfer.Run(options with { Bytes = Math.Min(bytes, 20_000_000) }); // warm-up: JIT
        // Each run builds its pools, caches and rings afresh, and they grow to the working set; a half-size run
        // allocates the same set-up, so the difference between the two runs is what the extra packets allocated.
        long halfBefore = GC.GetAllocatedBytesForCurrentThread();
        TcpTransferReport half = TcpTransfer.Run(options with { Bytes = bytes / 2 });
        long halfAllocated = GC.GetAllocatedBytesForCurrentThread() - halfBefore;
        long allocBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        TcpTransferReport goodput = TcpTransfer.Run(options);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
        double perPacket = (double)(allocated - halfAllocated) / Math.Max(1, goodput.FramesSent - half.FramesSent);
        double kernel = KernelLoopbackGbps(bytes, 65536);
        double fragnetGbps = goodput.BytesDelivered * 8 / seconds / 1e9;
        var result = new TcpBenchResult(
            ZeroCopyCostRatio64K: table.Single(r => r.Bytes == 65536).Ratio,
            SendCost: table,
            GoodputGbps: fragnetGbps,
            KernelLoopbackGbps: kernel,
            RatioToKernel: fragnetGbps / kernel,
            AllocBytesPerPacket: Math.Max(0, perPacket),
            SetupBytesAllocated: allocated,
            Frames: goodput.FramesSent,
            TransferPassed: goodput.Passed);
        if (json)
        {
            CliJson.Write(result);
        }
        else
        {
            Console.Out.WriteLine("send cost per message (sender stack + in-memory peer), microseconds:");
            Console.Out.WriteLine($"  {"bytes",9} {"copy",10} {"zero-copy",10} {"ratio",7}");
            foreach (SendCostRow r in table)
            {
                Console.Out.WriteLine($"  {r.Bytes,9} {r.CopyMicroseconds,10:0.00} {r.ZeroCopyMicroseconds,10:0.00} {r.Ratio,7:0.00}");
            }

            Console.Out.WriteLine($"goodput in one process: {result.GoodputGbps:0.00} Gbit/s; kernel TCP loopback: {result.KernelLoopbackGbps:0.00} Gbit/s; ratio {result.RatioToKernel:0.00}");
            Console.Out.WriteLine($"managed bytes allocated per packet in steady state: {result.AllocBytesPerPacket:0.0} ({result.Frames:N0} frames; {result.SetupBytesAllocated:N0} bytes in the whole run, set-up included)");
        }

        return goodput.Passed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>
    /// Microseconds per message of <paramref name="size"/> bytes through one TCP socket whose segments go straight to
    /// a peer socket in memory (no wire, no copy on the way): the sender's cost with the copy path
    /// (<see cref="TcpSocket.Send"/>) or the zero-copy path (<see cref="TcpSocket.SendPages"/> with a destructor); the
    /// peer reads zero-copy, the same in both modes.
    /// </summary>
    private static double SendCost(int size, bool zeroCopy)
    {
        using var pool = new PagePool(32768, "bench");
        var cache = new SkbCache(pool);
        var config = new TcpConfig
        {
            GsoMaxSize = 65536 - 256, ReceiveBuffer = 8 << 20, SendBuffer = 8 << 20, Timestamps = false, Sack = false,
            DelayedAckTimeout = Duration.Zero, // the peer acknowledges at once: the pair has no timer loop
        };
        var a = new TcpSocket(cache, config);
        var b = new TcpSocket(cache, config);
        var now = Instant.Zero;
        var ea = new Ipv4Endpoint(Ipv4Address.Parse("10.0.0.1"), 1);
        var eb = new Ipv4Endpoint(Ipv4Address.Parse("10.0.0.2"), 2);
        a.Connect(ea, eb, new TcpSeqNumber(1), now);
        a.TryDispatch(now, out TcpRepr syn, out _);
        b.AcceptSyn(eb, ea, syn, new TcpSeqNumber(100), now);
        Pump(a, b, now);
        using var app = new UserBuffer((size + Page.Size - 1) / Page.Size, "bench-app");
        byte[] data = new byte[size];
        var destructor = new FragDestructor(_ => { }, null, "bench");
        int messages = Math.Max(16, (64 << 20) / size);
        int warm = messages / 4;
        long start = 0;
        for (int m = 0; m < messages + warm; m++)
        {
            if (m == warm)
            {
                start = Stopwatch.GetTimestamp();
            }

            if (zeroCopy)
            {
                for (int off = 0, p = 0; off < size; off += Page.Size, p++)
                {
                    a.SendPages(app[p], 0, Math.Min(Page.Size, size - off), destructor);
                }
            }
            else
            {
                a.Send(data);
            }

            now += Duration.FromMicroseconds(10);
            Pump(a, b, now);
            b.ConsumeReceived(b.ReceiveQueued);
            Pump(a, b, now);
        }

        double micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds / messages;
        if (b.Counters.BytesReceived < (long)size * messages)
        {
            throw new InvalidOperationException($"bench pair moved {b.Counters.BytesReceived} of {(long)size * (messages + warm)} bytes (state {a.State}/{b.State}, queued {a.SendQueued})");
        }

        a.Dispose();
        b.Dispose();
        destructor.Release();
        return micros;
    }

    private static void Pump(TcpSocket a, TcpSocket b, Instant now)
    {
        bool any = true;
        while (any)
        {
            any = false;
            if (b.PollAt() <= now)
            {
                b.Poll(now);
            }

            if (a.PollAt() <= now)
            {
                a.Poll(now);
            }

            while (a.TryDispatch(now, out TcpRepr seg, out SkBuff? payload))
            {
                b.Process(now, seg, payload);
                any = true;
            }

            while (b.TryDispatch(now, out TcpRepr seg, out SkBuff? payload))
            {
                a.Process(now, seg, payload);
                any = true;
            }
        }
    }

    /// <summary>Kernel TCP over loopback with the same message size, measured here.</summary>
    private static double KernelLoopbackGbps(long bytes, int message)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        using Socket server = listener.Accept();
        var reader = new Thread(() =>
        {
            byte[] buf = new byte[message];
            long got = 0;
            while (got < bytes)
            {
                int n = server.Receive(buf);
                if (n == 0)
                {
                    break;
                }

                got += n;
            }
        });
        byte[] data = new byte[message];
        long start = Stopwatch.GetTimestamp();
        reader.Start();
        for (long sent = 0; sent < bytes; sent += message)
        {
            client.Send(data, (int)Math.Min(message, bytes - sent), SocketFlags.None);
        }

        reader.Join();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return bytes * 8 / seconds / 1e9;
    }

    private sealed record SendCostRow(int Bytes, double CopyMicroseconds, double ZeroCopyMicroseconds, double Ratio);

    private sealed record TcpBenchResult(
        double ZeroCopyCostRatio64K,
        IReadOnlyList<SendCostRow> SendCost,
        double GoodputGbps,
        double KernelLoopbackGbps,
        double RatioToKernel,
        double AllocBytesPerPacket,
        long SetupBytesAllocated,
        long Frames,
        bool TransferPassed);
}
