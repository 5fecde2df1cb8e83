using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using FragNet.Nfs.Client;
using FragNet.Nfs.Protocol;
using FragNet.SunRpc.Client;

namespace FragNet.Cli;

/// <summary><c>fragnet nfs put/get/ls/serve</c>: an NFSv3 client and server on a real network, over the kernel's TCP
/// or FragNet's own stack on a TAP device.</summary>
internal static class NfsCommand
{
    public static Command Create()
    {
        var nfs = new Command("nfs", "NFSv3 over a real network: copy files to and from a server, list, or serve a directory.");
        nfs.Subcommands.Add(CreatePut());
        nfs.Subcommands.Add(CreateGet());
        nfs.Subcommands.Add(CreateList());
        nfs.Subcommands.Add(NfsServeCommand.Create());
        return nfs;
    }

    private static Command CreatePut()
    {
        var local = new Argument<string>("LOCAL") { Description = "The file to send ('-' for standard input)." };
        var url = UrlArgument();
        var common = new ClientOptions();
        var command = new Command("put", "Write a local file to an NFS server (created, or truncated if it exists).") { local, url };
        common.AddTo(command);
        command.SetAction(parse => common.Run(parse, parse.GetValue(url)!, (session, json) =>
        {
            string path = parse.GetValue(local)!;
            using Stream source = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            long total = source.CanSeek ? source.Length : 0;
            var progress = new Progress("put", total);
            var clock = Stopwatch.StartNew();
            NfsTransferReport r = session.Put(source, progress.Report);
            progress.Done();
            return Report("put", session, r, clock.Elapsed.TotalSeconds, json);
        }));
        return command;
    }

    private static Command CreateGet()
    {
        var url = UrlArgument();
        var local = new Argument<string>("LOCAL") { Description = "Where to write the file ('-' for standard output)." };
        var common = new ClientOptions();
        var command = new Command("get", "Read a file from an NFS server into a local file.") { url, local };
        common.AddTo(command);
        command.SetAction(parse => common.Run(parse, parse.GetValue(url)!, (session, json) =>
        {
            string path = parse.GetValue(local)!;
            var clock = Stopwatch.StartNew();
            Progress? progress = null;
            void Report(long done, long total) => (progress ??= new Progress("get", total)).Report(done);
            if (path == "-")
            {
                using Stream stdout = Console.OpenStandardOutput();
                NfsTransferReport r = session.Get(stdout, Report);
                progress?.Done();
                return NfsCommand.Report("get", session, r, clock.Elapsed.TotalSeconds, json, toStderr: true);
            }

            // Into a partial file first: a failed transfer never leaves a truncated file under the real name.
            string partial = path + ".fragnet-partial";
            try
            {
                NfsTransferReport r;
                using (FileStream file = File.Create(partial))
                {
                    r = session.Get(file, Report);
                }

                progress?.Done();
                File.Move(partial, path, overwrite: true);
                return NfsCommand.Report("get", session, r, clock.Elapsed.TotalSeconds, json);
            }
            finally
            {
                File.Delete(partial);
            }
        }));
        return command;
    }

    private static Command CreateList()
    {
        var url = UrlArgument();
        var common = new ClientOptions();
        var command = new Command("ls", "List a directory (or one file) on an NFS server.") { url };
        common.AddTo(command);
        command.SetAction(parse => common.Run(parse, parse.GetValue(url)!, (session, json) =>
        {
            IReadOnlyList<NfsDirectoryEntry> entries = session.List();
            if (json)
            {
                CliJson.Write(new
                {
                    url = session.Url.ToString(),
                    export = session.Export,
                    entries = entries.Select(e => new
                    {
                        name = e.Name,
                        type = e.Attributes?.Type.ToString().ToLowerInvariant(),
                        mode = e.Attributes is { } a ? Convert.ToString(a.Mode & 0xFFF, 8) : null,
                        size = e.Attributes?.Size,
                        uid = e.Attributes?.Uid,
                        gid = e.Attributes?.Gid,
                        mtime = e.Attributes is { } m ? DateTimeOffset.FromUnixTimeSeconds(m.Mtime.Seconds).ToString("O", CultureInfo.InvariantCulture) : null,
                    }),
                });
            }
            else
            {
                foreach (NfsDirectoryEntry e in entries)
                {
                    Console.Out.WriteLine(LongFormat(e));
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Argument<string> UrlArgument()
    {
        var url = new Argument<string>("URL") { Description = "nfs://HOST/PATH[?nfsport=N&mountport=M] (libnfs's form; without ports the portmapper is asked)." };
        url.Validators.Add(r =>
        {
            if (r.Tokens.Count == 1 && !NfsUrl.TryParse(r.Tokens[0].Value, out _, out string error))
            {
                r.AddError(error);
            }
        });
        return url;
    }

    private static int Report(string verb, NfsSession session, NfsTransferReport r, double seconds, bool json, bool toStderr = false)
    {
        double mbps = seconds > 0 ? r.Bytes / seconds / 1e6 : 0;
        if (json)
        {
            CliJson.Write(new
            {
                operation = verb,
                url = session.Url.ToString(),
                export = session.Export,
                bytes = r.Bytes,
                seconds,
                megabytesPerSecond = mbps,
                calls = r.Calls,
                rpcRetransmits = r.RpcRetransmits,
                payloadBytesCopied = r.PayloadBytesCopied,
                rewrites = r.Rewrites,
                policy = ReproCommand.NameOf(session.Rpc.Config.Policy),
            });
        }
        else
        {
            TextWriter w = toStderr ? Console.Error : Console.Out;
            w.WriteLine($"{verb} {r.Bytes:N0} bytes {(verb == "put" ? "to" : "from")} {session.Url} in {seconds:0.000} s ({mbps:0.0} MB/s, {r.Calls} calls, {r.RpcRetransmits} RPC retransmissions)");
        }

        return ExitCodes.Ok;
    }

    private static string LongFormat(NfsDirectoryEntry e)
    {
        if (e.Attributes is not Fattr3 a)
        {
            return $"?????????? {"?",3} {"?",5} {"?",5} {"?",12} {"?",16} {e.Name}";
        }

        char type = a.Type switch
        {
            FileType3.Directory => 'd',
            FileType3.Symlink => 'l',
            FileType3.Block => 'b',
            FileType3.Character => 'c',
            FileType3.Socket => 's',
            FileType3.Fifo => 'p',
            _ => '-',
        };
        string bits = string.Concat(Enumerable.Range(0, 9).Select(i => (a.Mode & (1u << (8 - i))) != 0 ? "rwx"[i % 3] : '-'));
        string mtime = DateTimeOffset.FromUnixTimeSeconds(a.Mtime.Seconds).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return $"{type}{bits} {a.LinkCount,3} {a.Uid,5} {a.Gid,5} {a.Size,12} {mtime} {e.Name}";
    }

    /// <summary>The options every client subcommand shares, and the run that opens the network and the session.</summary>
    private sealed class ClientOptions
    {
        private readonly ViaOptions _via = new();
        private readonly Option<string> _policy = new("--policy") { Description = $"How WRITE pages are sent: {string.Join(", ", ReproCommand.Policies.Select(p => p.Name))}.", DefaultValueFactory = _ => "destructor" };
        private readonly Option<FileInfo?> _pcap = new("--pcap") { Description = "Capture FragNet's frames to this pcap file (with --via tap:DEV)." };
        private readonly Option<bool> _zeroCopy = new("--zero-copy") { Description = "With --via host: send WRITE pages with MSG_ZEROCOPY (released at the kernel's completion)." };
        private readonly Option<double> _timeout = new("--timeout") { Description = "Seconds one step (a connection, a call) may take.", DefaultValueFactory = _ => 30 };
        private readonly Option<bool> _json = new("--json") { Description = "Print the result as JSON." };

        public void AddTo(Command command)
        {
            _via.AddTo(command);
            foreach (Option o in (Option[])[_policy, _pcap, _zeroCopy, _timeout, _json])
            {
                command.Options.Add(o);
            }

            _policy.Validators.Add(r =>
            {
                if (!ReproCommand.TryParsePolicy(r.GetValueOrDefault<string>(), out _))
                {
                    r.AddError($"--policy must be one of {string.Join(", ", ReproCommand.Policies.Select(p => p.Name))}.");
                }
            });
            _timeout.Validators.Add(r =>
            {
                if (r.TryGetValue(out double v) && (v is <= 0 or > 3600 || double.IsNaN(v)))
                {
                    r.AddError("--timeout must be between 0 and 3600 seconds.");
                }
            });
            command.Validators.Add(r =>
            {
                bool tap = (r.GetValue(_via.ViaOption) ?? "host").StartsWith("tap:", StringComparison.Ordinal);
                if (!tap && r.GetValue(_pcap) is not null)
                {
                    r.AddError("--pcap needs --via tap:DEV: with --via host the kernel carries the frames (capture them with tcpdump).");
                }

                if (tap && r.GetValue(_zeroCopy))
                {
                    r.AddError("--zero-copy is for --via host (MSG_ZEROCOPY); FragNet's own stack always sends WRITE pages by reference.");
                }
            });
        }

        public int Run(ParseResult parse, string urlText, Func<NfsSession, bool, int> body)
        {
            Via via = _via.GetValue(parse);
            _ = ReproCommand.TryParsePolicy(parse.GetValue(_policy), out PageSendPolicy policy); // validated at parse time
            bool json = parse.GetValue(_json);
            NfsUrl url = NfsUrl.Parse(urlText);
            using RealNetwork? net = RealNetwork.Open(via, parse.GetValue(_zeroCopy), parse.GetValue(_pcap));
            if (net is null)
            {
                return ExitCodes.Usage;
            }

            int code;
            NfsSession? session = null;
            using var interrupt = new Interrupt(net.Loop.Wake);
            try
            {
                var options = new NfsSessionOptions { Policy = policy, StepTimeout = Duration.FromSeconds(parse.GetValue(_timeout)), Cancel = interrupt.Token };
                session = NfsSession.Open(net.Loop, net.Transport, url, options);
                code = body(session, json);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine("fragnet: interrupted");
                code = ExitCodes.Failed;
            }
            catch (NfsException e)
            {
                Console.Error.WriteLine($"fragnet: {e.Message}");
                code = ExitCodes.Failed;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException)
            {
                Console.Error.WriteLine($"fragnet: {e.Message}");
                code = ExitCodes.Failed;
            }
            finally
            {
                session?.Dispose();
            }

            if (session is { LeakedPages: > 0 })
            {
                Console.Error.WriteLine($"fragnet: {session.LeakedPages} WRITE pages were not given back by the stack");
                code = ExitCodes.Failed;
            }

            net.Dispose();
            if (net.LeakReport.Length > 0)
            {
                Console.Error.WriteLine($"fragnet: pages leaked: {net.LeakReport}");
                return ExitCodes.Failed;
            }

            return code;
        }
    }
}
