using System.CommandLine;
using System.Globalization;
using FragNet.Host.Tap;
using FragNet.Stack;
using FragNet.Wire;

namespace FragNet.Cli;

/// <summary><c>fragnet ping HOST --via tap:DEV --ip ADDR/PREFIX</c>: ICMP echo from FragNet's stack on a TAP, printed as
/// iputils ping prints it. Exit 0 when at least one reply came, 1 when none did.</summary>
internal static class PingCommand
{
    public static Command Create()
    {
        var host = new Argument<string>("host") { Description = "The IPv4 address to ping." };
        var count = new Option<int>("--count", "-c") { Description = "Echo requests to send.", DefaultValueFactory = _ => 4 };
        var interval = new Option<double>("--interval", "-i") { Description = "Seconds between requests.", DefaultValueFactory = _ => 1 };
        var size = new Option<int>("--size", "-s") { Description = "Data bytes per request.", DefaultValueFactory = _ => 56 };
        var wait = new Option<double>("--wait", "-W") { Description = "Seconds to wait for replies after the last request.", DefaultValueFactory = _ => 2 };
        var json = new Option<bool>("--json") { Description = "Print the statistics as JSON." };
        var via = new ViaOptions(allowHost: false);
        host.Validators.Add(r =>
        {
            string text = r.GetValueOrDefault<string>() ?? string.Empty;
            if (!Ipv4Address.TryParse(text, out _))
            {
                r.AddError($"HOST must be an IPv4 address (FragNet does no name lookups), got '{text}'.");
            }
        });
        count.Validators.Add(r =>
        {
            if (r.TryGetValue(out int v) && v is < 1 or > 65535)
            {
                r.AddError("--count must be from 1 to 65535.");
            }
        });
        interval.Validators.Add(r =>
        {
            if (r.TryGetValue(out double v) && (v is < 0.001 or > 3600 || double.IsNaN(v)))
            {
                r.AddError("--interval must be from 0.001 to 3600 seconds.");
            }
        });
        wait.Validators.Add(r =>
        {
            if (r.TryGetValue(out double v) && (v is < 0 or > 3600 || double.IsNaN(v)))
            {
                r.AddError("--wait must be from 0 to 3600 seconds.");
            }
        });
        size.Validators.Add(r =>
        {
            if (r.TryGetValue(out int v) && v is < 0 or > NetInterface.MaxEchoDataLength)
            {
                r.AddError($"--size must be from 0 to {NetInterface.MaxEchoDataLength}.");
            }
        });
        var ping = new Command("ping", "Send ICMP echo requests from FragNet's stack on a TAP and report the replies.") { host, count, interval, size, wait, json };
        via.AddTo(ping);
        ping.SetAction(parse =>
        {
            Via v = via.GetValue(parse);
            using TapHost? tap = v.OpenTap(pages: 1024);
            if (tap is null)
            {
                return ExitCodes.Usage;
            }

            using var interrupt = new Interrupt();
            var run = new PingRun(tap, Ipv4Address.Parse(parse.GetValue(host)!), parse.GetValue(count), parse.GetValue(interval), parse.GetValue(size), parse.GetValue(wait), !parse.GetValue(json));
            PingReport report = run.Run(v, interrupt.Token);
            if (parse.GetValue(json))
            {
                CliJson.Write(report);
            }

            return report.Received > 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return ping;
    }

    /// <summary>One ping session on the TAP host's loop: sends on schedule, matches replies by identifier and
    /// sequence number, prints as it goes.</summary>
    private sealed class PingRun(TapHost tap, Ipv4Address target, int count, double interval, int size, double wait, bool print)
    {
        private readonly ushort _id = (ushort)Environment.ProcessId;
        private readonly Dictionary<ushort, Instant> _sentAt = [];
        private readonly HashSet<ushort> _answered = [];
        private readonly List<double> _rtts = [];
        private readonly byte[] _data = [.. Enumerable.Range(0, size).Select(i => (byte)i)];
        private int _sent;
        private int _duplicates;
        private Instant _next;
        private Instant _lastSent;

        public PingReport Run(Via via, CancellationToken cancel)
        {
            Instant start = tap.Now;
            _next = start;
            if (print)
            {
                Console.Out.WriteLine($"PING {target} ({target}) {size}({size + 28}) bytes of data, via {via} from {tap.Interface.Address.Address}.");
            }

            Duration waitAfter = Duration.FromMicroseconds((long)(wait * 1e6));
            tap.Loop.Add(Poll, () => _sent < count ? _next : _lastSent + waitAfter);
            tap.RunUntil(() => _sent == count && (_answered.Count == count || tap.Now >= _lastSent + waitAfter), Timeout.InfiniteTimeSpan, cancel);
            double elapsed = (tap.Now - start).TotalMicroseconds / 1000.0;
            var report = new PingReport
            {
                Host = target.ToString(),
                Via = via.ToString(),
                Transmitted = _sent,
                Received = _answered.Count,
                Duplicates = _duplicates,
                LossPercent = _sent == 0 ? 0 : Math.Round(100.0 * (_sent - _answered.Count) / _sent, 1),
                RttMs = _rtts,
                MinMs = _rtts.Count > 0 ? _rtts.Min() : null,
                AvgMs = _rtts.Count > 0 ? Math.Round(_rtts.Average(), 3) : null,
                MaxMs = _rtts.Count > 0 ? _rtts.Max() : null,
            };
            if (print)
            {
                Console.Out.WriteLine();
                Console.Out.WriteLine($"--- {target} ping statistics ---");
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{report.Transmitted} packets transmitted, {report.Received} received{(_duplicates > 0 ? $", +{_duplicates} duplicates" : string.Empty)}, {report.LossPercent:0.#}% packet loss, time {elapsed:0}ms"));
                if (_rtts.Count > 0)
                {
                    double mdev = Math.Sqrt(_rtts.Average(r => r * r) - (_rtts.Average() * _rtts.Average()));
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rtt min/avg/max/mdev = {report.MinMs:0.000}/{report.AvgMs:0.000}/{report.MaxMs:0.000}/{mdev:0.000} ms"));
                }
            }

            return report;
        }

        private void Poll(Instant now)
        {
            if (_sent < count && now >= _next)
            {
                var seq = (ushort)(_sent + 1);
                _sentAt[seq] = now;
                tap.Interface.SendEchoRequest(target, _id, seq, _data, now);
                _sent++;
                _lastSent = now;
                _next = now + Duration.FromMicroseconds((long)(interval * 1e6));
            }

            while (tap.Interface.TryTakeEchoReply(out EchoReply reply))
            {
                if (reply.Identifier != _id || reply.Source != target || !_sentAt.TryGetValue(reply.SequenceNumber, out Instant sentAt))
                {
                    continue; // another pinger's, or not ours
                }

                bool duplicate = !_answered.Add(reply.SequenceNumber);
                double rtt = Math.Round((reply.ReceivedAt - sentAt).TotalMicroseconds / 1000.0, 3);
                if (duplicate)
                {
                    _duplicates++;
                }
                else
                {
                    _rtts.Add(rtt);
                }

                if (print)
                {
                    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{reply.Data.Length + 8} bytes from {reply.Source}: icmp_seq={reply.SequenceNumber} ttl={reply.TimeToLive} time={rtt:0.000} ms{(duplicate ? " (DUP!)" : string.Empty)}"));
                }
            }
        }
    }
}
