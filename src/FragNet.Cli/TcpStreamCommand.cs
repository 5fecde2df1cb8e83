using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FragNet.Devices;
using FragNet.Host.Tap;
using FragNet.Stack;
using FragNet.Stack.Tcp;
using FragNet.Wire;
using TcpListener = FragNet.Stack.Tcp.TcpListener;

namespace FragNet.Cli;

/// <summary><c>fragnet tcp send</c> and <c>fragnet tcp recv</c>: the deterministic stream over a real network, through
/// the kernel's TCP (<c>--via host</c>) or FragNet's on a TAP (<c>--via tap:DEV</c>), so either end can be either.</summary>
internal static class TcpStreamCommand
{
    private const int HostBuffer = 1 << 20;

    public static Command CreateSend()
    {
        var to = new Option<string>("--to") { Description = "Where to connect: HOST:PORT (an IPv4 address with --via tap).", Required = true };
        var bytes = new Option<long>("--bytes") { Description = "Bytes of the stream to send.", DefaultValueFactory = _ => 100_000_000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the pseudo-random stream (the receiver checks it with the same seed).", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON: bytes, sha256, seconds, gbps." };
        var noHash = NoHashOption();
        var via = new ViaOptions();
        bytes.Validators.Add(r =>
        {
            if (r.TryGetValue(out long v) && v < 0)
            {
                r.AddError("--bytes must be 0 or more.");
            }
        });
        to.Validators.Add(r =>
        {
            if (r.TryGetValue(out string? v) && !TrySplit(v, out _, out _))
            {
                r.AddError($"--to must be HOST:PORT with a port from 1 to 65535 (got '{v}').");
            }
        });
        var send = new Command("send", "Connect and send N bytes of the deterministic stream; report bytes, SHA-256 and throughput.") { to, bytes, seed, noHash, json };
        via.AddTo(send);
        send.Validators.Add(r =>
        {
            if (r.GetResult(to)?.TryGetValue(out string? v) == true && TrySplit(v, out string host, out _)
                && r.GetResult(via.ViaOption)?.TryGetValue(out string? kind) == true && kind is not null && kind.StartsWith("tap:", StringComparison.Ordinal)
                && !Ipv4Address.TryParse(host, out _))
            {
                r.AddError($"with --via tap, --to needs an IPv4 address (FragNet does no name lookups), got '{host}'.");
            }
        });
        send.SetAction(parse =>
        {
            Via v = via.GetValue(parse);
            TrySplit(parse.GetValue(to)!, out string host, out ushort port);
            using var source = new PatternSource(parse.GetValue(seed), parse.GetValue(bytes), hash: !parse.GetValue(noHash));
            using var interrupt = new Interrupt();
            TcpStreamReport? report = v.IsTap ? SendTap(v, host, port, source, interrupt.Token) : SendHost(host, port, source, interrupt.Token);
            return report is null ? ExitCodes.Usage : Print(report, parse.GetValue(json));
        });
        return send;
    }

    public static Command CreateRecv()
    {
        var listen = new Option<int>("--listen") { Description = "Port to accept one connection on.", Required = true };
        var bytes = new Option<long?>("--bytes") { Description = "Expect exactly this many bytes (checked)." };
        var seed = new Option<ulong?>("--seed") { Description = "Check every byte against the stream of this seed." };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON: bytes, sha256, seconds, gbps, verified." };
        var noHash = NoHashOption();
        var via = new ViaOptions();
        listen.Validators.Add(r =>
        {
            if (r.TryGetValue(out int v) && v is < 1 or > 65535)
            {
                r.AddError("--listen must be a port from 1 to 65535.");
            }
        });
        bytes.Validators.Add(r =>
        {
            if (r.TryGetValue(out long? v) && v < 0)
            {
                r.AddError("--bytes must be 0 or more.");
            }
        });
        var recv = new Command("recv", "Accept one connection, read until the peer closes; report bytes, SHA-256 and throughput, checking the stream with --seed.") { listen, bytes, seed, noHash, json };
        via.AddTo(recv);
        recv.SetAction(parse =>
        {
            Via v = via.GetValue(parse);
            var port = (ushort)parse.GetValue(listen);
            long? expected = parse.GetValue(bytes);
            using var checker = new PatternChecker(parse.GetValue(seed), hash: !parse.GetValue(noHash));
            using var interrupt = new Interrupt();
            var progress = new Progress("recv", expected ?? 0);
            TcpStreamReport? report = v.IsTap ? RecvTap(v, port, checker, progress, interrupt.Token) : RecvHost(port, checker, progress, interrupt.Token);
            progress.Done();
            if (report is null)
            {
                return ExitCodes.Usage;
            }

            bool? verified = parse.GetValue(seed) is null && expected is null ? null
                : checker.FirstMismatch < 0 && (expected is null || checker.Bytes == expected);
            report = report with
            {
                Verified = report.Error is null ? verified : null,
                FirstMismatch = checker.FirstMismatch >= 0 ? checker.FirstMismatch : null,
                Error = report.Error ?? (verified == false ? Mismatch(checker, expected) : null),
            };
            return Print(report, parse.GetValue(json));
        });
        return recv;
    }

    private static TcpStreamReport? SendTap(Via via, string host, ushort port, PatternSource source, CancellationToken cancel)
    {
        using TapHost? tap = via.OpenTap();
        if (tap is null)
        {
            return null;
        }

        NetInterface iface = tap.Interface;
        var progress = new Progress("send", source.Total);
        long start = Stopwatch.GetTimestamp();
        TcpSocket socket = iface.TcpConnect(new Ipv4Endpoint(Ipv4Address.Parse(host), port), tap.Now);
        bool closed = false;
        tap.Loop.Add(now =>
        {
            if (socket.State is TcpState.Established or TcpState.CloseWait)
            {
                source.Pump(socket);
                if (source.IsDone && !closed)
                {
                    socket.Close(); // FIN after the data: done when it is acknowledged
                    closed = true;
                }

                iface.Flush(socket, now);
            }

            progress.Report(source.Position - socket.SendQueued);
        });
        bool done = tap.RunUntil(() => socket.State is TcpState.FinWait2 or TcpState.TimeWait || (socket.State == TcpState.Closed && (closed || socket.Error is not null)), Timeout.InfiniteTimeSpan, cancel);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        progress.Done();
        long acked = source.Position - socket.SendQueued;
        string? error = !done ? "interrupted"
            : socket.Error is string e && acked < source.Total ? $"connection to {host}:{port} failed: {e}"
            : null;
        return Report("send", via, $"{host}:{port}", error is null ? source.Total : acked, error is null ? source.Sha256() : string.Empty, seconds, error);
    }

    private static TcpStreamReport SendHost(string host, ushort port, PatternSource source, CancellationToken cancel)
    {
        var progress = new Progress("send", source.Total);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using CancellationTokenRegistration stop = cancel.Register(socket.Dispose);
        long start = Stopwatch.GetTimestamp();
        try
        {
            socket.Connect(host, port);
            while (!source.IsDone)
            {
                source.Advance(socket.Send(source.Pending));
                progress.Report(source.Position);
            }

            socket.Shutdown(SocketShutdown.Send);
            _ = socket.Receive(new byte[256]); // the receiver closes once it has everything
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            progress.Done();
            return Report("send", Via.KernelHost, $"{host}:{port}", source.Total, source.Sha256(), seconds, null);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            progress.Done();
            string error = cancel.IsCancellationRequested ? "interrupted" : $"connection to {host}:{port} failed: {e.Message}";
            return Report("send", Via.KernelHost, $"{host}:{port}", source.Position, string.Empty, Stopwatch.GetElapsedTime(start).TotalSeconds, error);
        }
    }

    private static TcpStreamReport? RecvTap(Via via, ushort port, PatternChecker checker, Progress progress, CancellationToken cancel)
    {
        using TapHost? tap = via.OpenTap();
        if (tap is null)
        {
            return null;
        }

        NetInterface iface = tap.Interface;
        TcpListener listener = iface.TcpListen(port, backlog: 1);
        TcpSocket? socket = null;
        long start = 0;
        long end = 0;
        tap.Loop.Add(now =>
        {
            if (socket is null && (socket = listener.Accept()) is not null)
            {
                start = Stopwatch.GetTimestamp();
                iface.CloseListener(listener, now); // one connection
            }

            if (socket is null)
            {
                return;
            }

            if (checker.Drain(socket) > 0)
            {
                progress.Report(checker.Bytes);
            }

            if (socket.IsReceiveFinished && socket.State == TcpState.CloseWait)
            {
                end = Stopwatch.GetTimestamp();
                socket.Close();
            }

            iface.Flush(socket, now);
        });
        bool done = tap.RunUntil(() => socket?.State == TcpState.Closed, Timeout.InfiniteTimeSpan, cancel);
        string? error = !done ? "interrupted"
            : end == 0 ? $"the connection ended before the peer's FIN: {socket!.Error}"
            : null;
        return Report("recv", via, socket is null ? string.Empty : socket.Remote.ToString(), checker.Bytes, checker.Sha256(), Seconds(start, end), error);
    }

    private static TcpStreamReport RecvHost(ushort port, PatternChecker checker, Progress progress, CancellationToken cancel)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using CancellationTokenRegistration stop = cancel.Register(listener.Dispose);
        string peer = string.Empty;
        long start = 0;
        try
        {
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(IPAddress.Any, port));
            listener.Listen(1);
            using Socket conn = listener.Accept();
            using CancellationTokenRegistration stopConn = cancel.Register(conn.Dispose);
            start = Stopwatch.GetTimestamp();
            peer = conn.RemoteEndPoint?.ToString() ?? string.Empty;
            byte[] buffer = GC.AllocateUninitializedArray<byte>(HostBuffer);
            int n;
            while ((n = conn.Receive(buffer)) > 0)
            {
                checker.Append(buffer.AsSpan(0, n));
                progress.Report(checker.Bytes);
            }

            long end = Stopwatch.GetTimestamp();
            conn.Shutdown(SocketShutdown.Both);
            return Report("recv", Via.KernelHost, peer, checker.Bytes, checker.Sha256(), Seconds(start, end), null);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            string error = cancel.IsCancellationRequested ? "interrupted" : $"receiving on port {port} failed: {e.Message}";
            return Report("recv", Via.KernelHost, peer, checker.Bytes, checker.Sha256(), start == 0 ? 0 : Stopwatch.GetElapsedTime(start).TotalSeconds, error);
        }
    }

    private static Option<bool> NoHashOption() => new("--no-hash")
    {
        Description = "Skip the SHA-256 (sha256 is then empty): without SHA CPU extensions it is slower than the network. --seed still checks every byte.",
    };

    private static double Seconds(long start, long end) => start == 0 || end == 0 ? 0 : Stopwatch.GetElapsedTime(start, end).TotalSeconds;

    private static TcpStreamReport Report(string role, Via via, string peer, long bytes, string sha256, double seconds, string? error) => new()
    {
        Role = role,
        Via = via.ToString(),
        Peer = peer,
        Bytes = bytes,
        Sha256 = sha256,
        Seconds = Math.Round(seconds, 6),
        Gbps = seconds > 0 ? Math.Round(bytes * 8 / seconds / 1e9, 3) : 0,
        Error = error,
    };

    private static string Mismatch(PatternChecker checker, long? expected) =>
        checker.FirstMismatch >= 0
            ? $"byte {checker.FirstMismatch:N0} differs from the stream"
            : $"received {checker.Bytes:N0} bytes, expected {expected:N0}";

    private static int Print(TcpStreamReport report, bool json)
    {
        if (json)
        {
            CliJson.Write(report);
        }
        else
        {
            string direction = report.Role == "send" ? "to" : "from";
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"tcp {report.Role}: {report.Bytes:N0} bytes {direction} {(report.Peer.Length > 0 ? report.Peer : "nobody")} via {report.Via} in {report.Seconds:0.000} s, {report.Gbps:0.000} Gbit/s"));
            Console.Out.WriteLine($"  sha256 {report.Sha256}");
            if (report.Verified is bool ok)
            {
                Console.Out.WriteLine(ok ? "  stream verified" : "  stream NOT verified");
            }

            if (report.Error is not null)
            {
                Console.Error.WriteLine($"fragnet: {report.Error}");
            }
        }

        return report.Passed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static bool TrySplit(string? text, out string host, out ushort port)
    {
        host = string.Empty;
        port = 0;
        int colon = text?.LastIndexOf(':') ?? -1;
        if (colon <= 0 || !ushort.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port == 0)
        {
            return false;
        }

        host = text![..colon];
        return true;
    }
}
