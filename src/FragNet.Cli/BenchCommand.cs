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
        var bytes = new Option<long>("--bytes") { Description = "Bytes per goodput run.", DefaultValueFactory = _ => 1_000_000_000 };
        var tcp = new Command("tcp", "FragNet TCP: zero-copy vs copy send cost, in-process goodput, kernel loopback goodput, allocations per packet.") { json, bytes };
        tcp.SetAction(parse => RunTcp(parse.GetValue(json), parse.GetValue(bytes)));
        bench.Subcommands.Add(tcp);
        bench.Subcommands.Add(NetbackBenchCommand.Create());
        bench.Subcommands.Add(NfsBenchCommand.Create());
        return bench;
    }

    private static int RunTcp(bool json, long bytes)
    {
        IReadOnlyList<SendCostRow> table = MeasureSendCost([1024, 4096, 16384, 65536, 262144, 1048576]);
        Console.Error.WriteLine();
        // In-process goodput: two stacks over a link with no serialization delay and 10 µs of propagation, no data
        // generation or checking (Verify off), so the wall clock is the CPU cost of both stacks and the simulated NICs.
        // Headline: the link the kernel's loopback is, a 65535-byte MTU (lo: 65536) between checksumming devices
        // (lo: NETIF_F_HW_CSUM, nothing summed), the sender copying like the kernel bench's send(); beside it the
        // zero-copy sender, and Ethernet's 1500 bytes, where every super-segment is cut by software GSO.
        var options = new TcpTransferOptions
        {
            Bytes = bytes, BitsPerSecond = 0, Latency = Duration.FromMicroseconds(10), Mtu = 65535, ChecksumOffload = true, Seed = 1, Verify = false,
        };
        TcpTransfer.Run(options with { Bytes = Math.Min(bytes, 100_000_000) }); // warm-up: JIT
        (double fragnetGbps, TcpTransferReport goodput) = Goodput(options);
        (double zeroCopyGbps, TcpTransferReport zeroCopy) = Goodput(options with { ZeroCopy = true });
        (double ethernetGbps, TcpTransferReport ethernet) = Goodput(options with { Mtu = 1500 });

        // Each run builds its pools, caches and rings afresh, and they grow to the working set; a half-size run
        // allocates the same set-up, so the difference between the two runs is what the extra packets allocated.
        long halfBefore = GC.GetAllocatedBytesForCurrentThread();
        TcpTransferReport half = TcpTransfer.Run(options with { Mtu = 1500, Bytes = bytes / 2 });
        long halfAllocated = GC.GetAllocatedBytesForCurrentThread() - halfBefore;
        long allocBefore = GC.GetAllocatedBytesForCurrentThread();
        TcpTransferReport full = TcpTransfer.Run(options with { Mtu = 1500 });
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
        double perPacket = (double)(allocated - halfAllocated) / Math.Max(1, full.FramesSent - half.FramesSent);
        double kernel = KernelLoopbackGbps(bytes, 65536);
        var result = new TcpBenchResult(
            ZeroCopyCostRatio64K: table.Single(r => r.Bytes == 65536).Ratio,
            SendCost: table,
            GoodputGbps: fragnetGbps,
            KernelLoopbackGbps: kernel,
            RatioToKernel: fragnetGbps / kernel,
            GoodputZeroCopyGbps: zeroCopyGbps,
            GoodputEthernetMtuGbps: ethernetGbps,
            AllocBytesPerPacket: Math.Max(0, perPacket),
            SetupBytesAllocated: allocated,
            Frames: full.FramesSent,
            TransferPassed: goodput.Passed && zeroCopy.Passed && ethernet.Passed && half.Passed && full.Passed);
        if (json)
        {
            CliJson.Write(result);
        }
        else
        {
            Console.Out.WriteLine("send cost per message (the sender's stack; segments checked, freed and acknowledged by an in-memory sink), microseconds:");
            Console.Out.WriteLine($"  {"bytes",9} {"copy",10} {"zero-copy",10} {"ratio",7}");
            foreach (SendCostRow r in table)
            {
                Console.Out.WriteLine($"  {r.Bytes,9} {r.CopyMicroseconds,10:0.00} {r.ZeroCopyMicroseconds,10:0.00} {r.Ratio,7:0.00}");
            }

            Console.Out.WriteLine($"goodput in one process (65535-byte MTU, checksum offload, copying sender): {result.GoodputGbps:0.00} Gbit/s; kernel TCP loopback: {result.KernelLoopbackGbps:0.00} Gbit/s; ratio {result.RatioToKernel:0.00}");
            Console.Out.WriteLine($"  with the zero-copy sender: {result.GoodputZeroCopyGbps:0.00} Gbit/s; over a 1500-byte MTU (software GSO): {result.GoodputEthernetMtuGbps:0.00} Gbit/s");
            Console.Out.WriteLine($"managed bytes allocated per packet in steady state: {result.AllocBytesPerPacket:0.0} ({result.Frames:N0} frames; {result.SetupBytesAllocated:N0} bytes in the whole run, set-up included)");
        }

        return result.TransferPassed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>One transfer's goodput in steady state: timed from the progress report that passes a tenth of the
    /// bytes to the last byte, so neither the set-up (pools, the handshake, slow start) nor the teardown (TIME-WAIT run
    /// out in virtual time, leak checks) is in it.</summary>
    private static (double Gbps, TcpTransferReport Report) Goodput(TcpTransferOptions options)
    {
        long startBytes = -1;
        long start = 0;
        long end = 0;
        long endBytes = 0;
        TcpTransferReport report = TcpTransfer.Run(options, (delivered, total) =>
        {
            long now = Stopwatch.GetTimestamp();
            if (startBytes < 0 && delivered >= total / 10)
            {
                startBytes = delivered;
                start = now;
            }
            else if (startBytes >= 0)
            {
                end = now;
                endBytes = delivered;
            }
        });
        double seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        return (seconds > 0 ? (endBytes - startBytes) * 8 / seconds / 1e9 : 0, report);
    }

    /// <summary>
    /// Microseconds per message, copy path against zero-copy path, for each size (<see cref="TcpSendCostPair"/>).
    /// Every pair first runs for <see cref="WarmUp"/> (the JIT's tiers settle and the pools reach their working set),
    /// then the pairs take turns in <see cref="Rounds"/> rounds of about <see cref="RoundLength"/> each; a figure is
    /// the median of its rounds, so one descheduled round on a shared machine does not decide it, and a ratio the
    /// median of the rounds' ratios.
    /// </summary>
    private static List<SendCostRow> MeasureSendCost(int[] sizes)
    {
        var pairs = new List<(TcpSendCostPair Copy, TcpSendCostPair Zero, int Messages)>();
        try
        {
            foreach (int size in sizes)
            {
                var copy = new TcpSendCostPair(size, zeroCopy: false);
                var zero = new TcpSendCostPair(size, zeroCopy: true);
                double perMessage = Math.Min(RunFor(copy, WarmUp), RunFor(zero, WarmUp));
                pairs.Add((copy, zero, Math.Max(8, (int)(RoundLength.TotalMicroseconds / perMessage))));
            }

            var copyRounds = sizes.Select(_ => new List<double>()).ToArray();
            var zeroRounds = sizes.Select(_ => new List<double>()).ToArray();
            for (int round = 0; round < Rounds; round++)
            {
                for (int i = 0; i < pairs.Count; i++)
                {
                    copyRounds[i].Add(pairs[i].Copy.Run(pairs[i].Messages));
                    zeroRounds[i].Add(pairs[i].Zero.Run(pairs[i].Messages));
                }

                Console.Error.Write('.');
            }

            Console.Error.WriteLine();
            return sizes.Select((size, i) =>
            {
                // The ratio is the median of each round's own ratio: a copy round and its zero-copy round run back to
                // back, so they share whatever else the machine was doing.
                double ratio = Median(copyRounds[i].Zip(zeroRounds[i], (c, z) => c / z));
                return new SendCostRow(size, Median(copyRounds[i]), Median(zeroRounds[i]), ratio);
            }).ToList();
        }
        finally
        {
            foreach ((TcpSendCostPair copy, TcpSendCostPair zero, int _) in pairs)
            {
                copy.Dispose();
                zero.Dispose();
            }
        }
    }

    private const int Rounds = 15;
    private static readonly TimeSpan WarmUp = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan RoundLength = TimeSpan.FromMilliseconds(20);

    /// <summary>Runs <paramref name="pair"/> in batches until <paramref name="length"/> has passed; returns the last
    /// batch's microseconds per message.</summary>
    private static double RunFor(TcpSendCostPair pair, TimeSpan length)
    {
        long start = Stopwatch.GetTimestamp();
        double perMessage;
        do
        {
            perMessage = pair.Run(16);
        }
        while (Stopwatch.GetElapsedTime(start) < length);
        return perMessage;
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted[sorted.Length / 2];
    }

    /// <summary>Kernel TCP over loopback with the same message size, measured here in steady state.</summary>
    private static double KernelLoopbackGbps(long bytes, int message)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        using Socket server = listener.Accept();
        // Timed like FragNet's goodput: from the read that passes a tenth of the bytes to the last one, so the
        // connection's start and slow start are out of it.
        long startBytes = -1;
        long start = 0;
        long end = 0;
        long got = 0;
        var reader = new Thread(() =>
        {
            byte[] buf = new byte[message];
            while (got < bytes)
            {
                int n = server.Receive(buf);
                if (n == 0)
                {
                    break;
                }

                got += n;
                if (startBytes < 0 && got >= bytes / 10)
                {
                    startBytes = got;
                    start = Stopwatch.GetTimestamp();
                }
            }

            end = Stopwatch.GetTimestamp();
        });
        byte[] data = new byte[message];
        reader.Start();
        for (long sent = 0; sent < bytes; sent += message)
        {
            client.Send(data, (int)Math.Min(message, bytes - sent), SocketFlags.None);
        }

        reader.Join();
        double seconds = Stopwatch.GetElapsedTime(start, end).TotalSeconds;
        return seconds > 0 ? (got - startBytes) * 8 / seconds / 1e9 : 0;
    }

    /// <summary>One message size: the sender's microseconds per message in each mode, and copy ÷ zero-copy.</summary>
    private sealed record SendCostRow(int Bytes, double CopyMicroseconds, double ZeroCopyMicroseconds, double Ratio);

    private sealed record TcpBenchResult(
        double ZeroCopyCostRatio64K,
        IReadOnlyList<SendCostRow> SendCost,
        double GoodputGbps,
        double KernelLoopbackGbps,
        double RatioToKernel,
        double GoodputZeroCopyGbps,
        double GoodputEthernetMtuGbps,
        double AllocBytesPerPacket,
        long SetupBytesAllocated,
        long Frames,
        bool TransferPassed);
}
