using System.CommandLine;
using System.Diagnostics;
using FragNet.Devices;

namespace FragNet.Cli;

/// <summary><c>fragnet tcp …</c>: TCP over the simulated network, and over real ones (<see cref="TcpStreamCommand"/>).</summary>
internal static class TcpCommand
{
    public static Command Create()
    {
        var tcp = new Command("tcp", "TCP: two FragNet stacks on a simulated link (transfer), or a real network (send, recv).");
        tcp.Subcommands.Add(CreateTransfer());
        tcp.Subcommands.Add(TcpStreamCommand.CreateSend());
        tcp.Subcommands.Add(TcpStreamCommand.CreateRecv());
        return tcp;
    }

    private static Command CreateTransfer()
    {
        var bytes = new Option<long>("--bytes") { Description = "Bytes to transfer.", DefaultValueFactory = _ => 10_000_000 };
        var loss = new Option<double>("--loss") { Description = "Loss probability per frame, both directions (0..1)." };
        var reorder = new Option<double>("--reorder") { Description = "Reorder probability per frame (0..1)." };
        var duplicate = new Option<double>("--duplicate") { Description = "Duplication probability per frame (0..1)." };
        var delayOneIn = new Option<int>("--delay-one-in") { Description = "Delay every N-th frame from the receiver (netoutage); 0 for none." };
        var delay = new Option<double>("--delay") { Description = "Seconds of that delay.", DefaultValueFactory = _ => 60 };
        var mtu = new Option<int>("--mtu") { Description = "Link MTU.", DefaultValueFactory = _ => 1500 };
        var bandwidth = new Option<long>("--bandwidth") { Description = "Link bits per second (0: no serialization delay).", DefaultValueFactory = _ => 10_000_000_000 };
        var latency = new Option<double>("--latency") { Description = "One-way latency in milliseconds.", DefaultValueFactory = _ => 1 };
        var zeroCopy = new Option<bool>("--zero-copy") { Description = "Send the application's pages with fragment destructors instead of copying." };
        var checksumOffload = new Option<bool>("--checksum-offload") { Description = "Both NICs checksum in hardware: the stacks hand over partial checksums and skip verifying." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the data and the faults.", DefaultValueFactory = _ => 1 };
        var pcap = new Option<FileInfo?>("--pcap") { Description = "Write every frame to this pcap file." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON." };
        foreach (Option<double> p in new[] { loss, reorder, duplicate })
        {
            p.Validators.Add(r =>
            {
                if (!r.TryGetValue(out double v))
                {
                    return; // the parser reports the unparsable value itself
                }
                
                if (v is < 0 or >= 1 || double.IsNaN(v))
                {
                    r.AddError($"{p.Name} must be a probability in [0, 1).");
                }
            });
        }

        bytes.Validators.Add(r =>
        {
            if (r.TryGetValue(out long v) && v <= 0)
            {
                r.AddError("--bytes must be positive.");
            }
        });
        mtu.Validators.Add(r =>
        {
            if (!r.TryGetValue(out int v))
            {
                return; // the parser reports the unparsable value itself
            }

            if (v is < 576 or > 65535)
            {
                r.AddError("--mtu must be between 576 and 65535.");
            }
        });
        delayOneIn.Validators.Add(r =>
        {
            if (r.TryGetValue(out int v) && v < 0)
            {
                r.AddError("--delay-one-in must be 0 or more.");
            }
        });

        var transfer = new Command("transfer", "Send N deterministic pseudo-random bytes from one stack to another and check every byte.")
        {
            bytes, loss, reorder, duplicate, delayOneIn, delay, mtu, bandwidth, latency, zeroCopy, checksumOffload, seed, pcap, json,
        };
        transfer.SetAction(parse =>
        {
            FileInfo? pcapFile = parse.GetValue(pcap);
            using FileStream? capture = pcapFile?.Create();
            var options = new TcpTransferOptions
            {
                Bytes = parse.GetValue(bytes),
                Loss = parse.GetValue(loss),
                Reorder = parse.GetValue(reorder),
                Duplicate = parse.GetValue(duplicate),
                DelayOneIn = parse.GetValue(delayOneIn),
                Delay = Duration.FromSeconds(parse.GetValue(delay)),
                Mtu = parse.GetValue(mtu),
                BitsPerSecond = parse.GetValue(bandwidth),
                Latency = Duration.FromSeconds(parse.GetValue(latency) / 1000),
                ZeroCopy = parse.GetValue(zeroCopy),
                ChecksumOffload = parse.GetValue(checksumOffload),
                Seed = parse.GetValue(seed),
                Capture = capture,
            };
            var progress = new Progress("transfer", options.Bytes);
            long start = Stopwatch.GetTimestamp();
            TcpTransferReport report = TcpTransfer.Run(options, (done, _) => progress.Report(done));
            progress.Done();
            report = report with { WallSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds };
            if (parse.GetValue(json))
            {
                CliJson.Write(report);
            }
            else
            {
                Console.Out.WriteLine($"tcp transfer: {report.BytesDelivered:N0} of {report.BytesSent:N0} bytes delivered, intact: {report.ChecksumMatch}");
                Console.Out.WriteLine($"  sha256 {report.Sha256}");
                Console.Out.WriteLine($"  retransmits {report.Retransmits}, fast retransmits {report.FastRetransmits}, timeouts {report.Timeouts}; frames {report.FramesSent:N0}, dropped by faults {report.FramesDropped:N0}");
                Console.Out.WriteLine($"  virtual {report.VirtualSeconds:0.000} s, wall {report.WallSeconds:0.000} s; leaked pages {report.LeakedPages}, destructors {report.LeakedDestructors}, buffers {report.LeakedBuffers}");
                if (report.Error is not null)
                {
                    Console.Out.WriteLine($"  error: {report.Error}");
                }

                Console.Out.WriteLine(report.Passed ? "PASS" : "FAIL");
            }

            return report.Passed ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return transfer;
    }
}
