using FragNet.Buffers;
using FragNet.Nfs.Protocol;
using FragNet.Stack;
using FragNet.Stack.Streams;
using FragNet.SunRpc.Client;
using FragNet.SunRpc.Portmap;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;
using FragNet.Wire;

namespace FragNet.Nfs.Client;

/// <summary>
/// A mounted NFSv3 export and the file operations a user runs against it — put, get, list — written once against an
/// <see cref="IEventLoop"/> and an <see cref="IStreamTransport"/>, so the same code runs in a deterministic simulation
/// and on a real network (FragNet's TCP over a TAP device, or the kernel's TCP).
/// </summary>
/// <remarks>
/// <para><b>Opening</b> follows libnfs: the ports come from the URL or, without them, from the portmapper; the export
/// is the longest entry of the server's export list that is a prefix of the URL's path (or, if the list is unavailable
/// or matches nothing, the longest prefix MNT accepts); the rest of the path is looked up below it.</para>
/// <para><b>Writing</b> sends UNSTABLE WRITEs of up to the server's <c>wtmax</c>, <see cref="NfsSessionOptions.Window"/>
/// at a time, from pages of the session's pool; a short write is continued; a COMMIT ends the file, and if its write
/// verifier differs from one a WRITE returned the server lost unstable data (it restarted), so the file is written
/// again. A page goes back to the pool when its request is done — under <see cref="PageSendPolicy.Unsafe"/> that is at
/// the reply, while TCP may still hold it: the talk's bug, on a real network.</para>
/// <para><b>Reading</b> keeps READs of up to <c>rtmax</c> in flight and writes their data out in file order; a short
/// read is continued, and the file ends at the server's EOF, not at the size seen when it was looked up.</para>
/// <para>Every wait is bounded by <see cref="NfsSessionOptions.StepTimeout"/>; failures are <see cref="NfsException"/>s
/// that name the step, the server and the NFS status.</para>
/// </remarks>
public sealed class NfsSession : IDisposable
{
    private readonly IEventLoop _loop;
    private readonly IStreamTransport _transport;
    private readonly NfsSessionOptions _options;
    private readonly List<RpcClient> _clients = [];
    private readonly List<Action<Instant>> _polls = [];
    private readonly PagePool _pages;
    private readonly RpcClient _mountRpc;
    private readonly NfsClient _client;
    private readonly Ipv4Address _server;
    private readonly List<PendingWrite> _unreleased = [];
    private bool _mounted;
    private bool _disposed;
    private bool _closed; // the RPC clients are closed: the loop stops polling them

    private NfsSession(IEventLoop loop, IStreamTransport transport, NfsUrl url, NfsSessionOptions options, Ipv4Address server, ushort nfsPort, ushort mountPort)
    {
        _loop = loop;
        _transport = transport;
        _options = options;
        _server = server;
        Url = url;
        NfsPort = nfsPort;
        MountPort = mountPort;
        _pages = new PagePool(Math.Max(64, options.Window * ((options.TransferSize / Page.Size) + 1) * 2), "nfs-session");
        _mountRpc = NewRpc(mountPort);
        _client = new NfsClient(NewRpc(nfsPort), _mountRpc);
    }

    /// <summary>The URL the session was opened with.</summary>
    public NfsUrl Url { get; }

    /// <summary>The NFS port used.</summary>
    public ushort NfsPort { get; }

    /// <summary>The MOUNT port used.</summary>
    public ushort MountPort { get; }

    /// <summary>The mounted export path.</summary>
    public string Export { get; private set; } = "/";

    /// <summary>The export's root handle.</summary>
    public NfsFh3 Root { get; private set; } = null!;

    /// <summary>The URL's path below the export ('/'-separated, no leading '/'; empty for the export itself).</summary>
    public string RelativePath { get; private set; } = string.Empty;

    /// <summary>Largest WRITE payload (the option, lowered to the server's <c>wtmax</c>).</summary>
    public int WriteSize { get; private set; }

    /// <summary>Largest READ payload (the option, lowered to the server's <c>rtmax</c>).</summary>
    public int ReadSize { get; private set; }

    /// <summary>The NFS RPC client (counters, retransmissions).</summary>
    public RpcClient Rpc => _client.Rpc;

    /// <summary>Connects, finds the ports if the URL has none, mounts the export and reads the server's transfer
    /// limits. Throws <see cref="NfsException"/> on any failure, having closed what it opened.</summary>
    public static NfsSession Open(IEventLoop loop, IStreamTransport transport, NfsUrl url, NfsSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(url);
        options ??= new NfsSessionOptions();
        if (!Ipv4Address.TryParse(url.Host, out Ipv4Address server))
        {
            throw new NfsException($"'{url.Host}' is not an IPv4 address (FragNet does not resolve names)");
        }

        ushort nfsPort = url.NfsPort ?? AskPortmapper(loop, transport, server, Nfs3Constants.Program, Nfs3Constants.Version, "NFS", options);
        ushort mountPort = url.MountPort ?? AskPortmapper(loop, transport, server, MountConstants.Program, MountConstants.Version, "MOUNT", options);
        var session = new NfsSession(loop, transport, url, options, server, nfsPort, mountPort);
        try
        {
            session.MountLongestExport();
            session.ReadLimits();
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Looks <paramref name="relative"/> up below the export ('/'-separated; empty: the root).</summary>
    public (NfsFh3 Handle, Fattr3? Attributes) Resolve(string relative)
    {
        ArgumentNullException.ThrowIfNull(relative);
        NfsFh3 handle = Root;
        Fattr3? attributes = null;
        string walked = Export;
        foreach (string name in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            walked = walked.TrimEnd('/') + "/" + name;
            Lookup3Result r = Await(_client.Lookup(handle, name, _loop.Now), $"LOOKUP {walked}");
            Check(r.Status, $"LOOKUP {walked}");
            handle = r.Handle!;
            attributes = r.ObjectAttributes;
        }

        if (attributes is null)
        {
            GetAttr3Result a = Await(_client.GetAttr(handle, _loop.Now), $"GETATTR {walked}");
            Check(a.Status, $"GETATTR {walked}");
            attributes = a.Attributes;
        }

        return (handle, attributes);
    }

    /// <summary>Writes <paramref name="source"/> (from its start) to the URL's file, creating or truncating it.
    /// <paramref name="progress"/> gets the bytes the server has acknowledged so far.</summary>
    public NfsTransferReport Put(Stream source, Action<long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        (NfsFh3 directory, string name) = ParentOfTarget();
        string where = Url.Path;
        NewObject3Result created = Await(
            _client.Call<Create3Args, NewObject3Result>(
                Nfs3Procedure.Create,
                Create3Args.WithAttributes(new DirOpArgs3(directory, name), CreateMode.Unchecked, Sattr3.Empty with { Mode = 0x1A4, Size = 0 }),
                _loop.Now),
            $"CREATE {where}");
        Check(created.Status, $"CREATE {where}");
        NfsFh3 file = created.Handle ?? Resolve(RelativePath).Handle;

        long retransmitsBefore = Rpc.Counters.Retransmits;
        long copiedBefore = Rpc.Counters.PayloadBytesCopied;
        long calls = 0;
        for (int attempt = 0; ; attempt++)
        {
            if (attempt > 0)
            {
                if (!source.CanSeek)
                {
                    throw new NfsException($"the server at {_server} lost unstable data of {where} (its write verifier changed) and the source cannot be read again");
                }

                source.Position = 0;
            }

            (long written, long made, HashSet<ulong> verifiers) = WriteAll(file, source, where, progress);
            calls += made;
            Commit3Result commit = Await(_client.Commit(file, 0, 0, _loop.Now), $"COMMIT {where}");
            Check(commit.Status, $"COMMIT {where}");
            if (verifiers.Count == 0 || (verifiers.Count == 1 && verifiers.Contains(commit.Verifier)))
            {
                return new NfsTransferReport(written, calls, Rpc.Counters.Retransmits - retransmitsBefore, Rpc.Counters.PayloadBytesCopied - copiedBefore, attempt);
            }

            if (attempt == 2)
            {
                throw new NfsException($"the server at {_server} keeps changing its write verifier: {where} could not be committed");
            }
        }
    }

    /// <summary>Reads the URL's file into <paramref name="destination"/>, in order. <paramref name="progress"/> gets
    /// the bytes written out so far and the size the server reported.</summary>
    public NfsTransferReport Get(Stream destination, Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        (NfsFh3 file, Fattr3? attributes) = Resolve(RelativePath);
        if (attributes is { Type: not FileType3.Regular })
        {
            throw new NfsException($"{Url.Path} is a {attributes.Type.ToString().ToLowerInvariant()}, not a regular file");
        }

        long size = (long)(attributes?.Size ?? 0);
        long retransmitsBefore = Rpc.Counters.Retransmits;
        var inFlight = new Queue<(ulong Offset, int Count, NfsRequest<Read3Result> Request)>();
        ulong next = 0;
        long done = 0;
        long calls = 0;
        bool eof = false;
        while (!eof || inFlight.Count > 0)
        {
            // Keep the window full up to the size seen; past it, one READ at a time until the server says EOF.
            while (!eof && inFlight.Count < _options.Window && ((long)next < size || inFlight.Count == 0))
            {
                int count = (long)next < size ? (int)Math.Min(ReadSize, size - (long)next) : ReadSize;
                inFlight.Enqueue((next, count, _client.Read(file, next, count, _loop.Now)));
                next += (ulong)count;
                calls++;
            }

            (ulong offset, int asked, NfsRequest<Read3Result> request) = inFlight.Dequeue();
            Read3Result r = Await(request, $"READ {Url.Path} at {offset}");
            Check(r.Status, $"READ {Url.Path} at {offset}");
            ReadOnlySpan<byte> data = r.Data.Span[..(int)Math.Min(r.Count, (uint)r.Data.Length)];
            destination.Write(data);
            done += data.Length;
            progress?.Invoke(done, Math.Max(size, done));
            if (r.Eof)
            {
                eof = true;
                inFlight.Clear(); // the reads beyond EOF are not waited for; their replies are ignored when they come
                break;
            }

            if (data.Length == 0)
            {
                throw new NfsException($"READ {Url.Path} at {offset}: the server at {_server} returned no data and no EOF");
            }

            if (data.Length < asked)
            {
                // A short read that is not EOF: the reads queued behind it start at the wrong offset. Drop them and
                // continue right after what arrived.
                inFlight.Clear();
                next = offset + (ulong)data.Length;
                size = Math.Max(size, (long)next + 1);
            }
        }

        destination.Flush();
        return new NfsTransferReport(done, calls, Rpc.Counters.Retransmits - retransmitsBefore, 0, 0);
    }

    /// <summary>The names in the URL's directory (READDIRPLUS, with attributes), or the file itself if it names one.</summary>
    public IReadOnlyList<NfsDirectoryEntry> List()
    {
        (NfsFh3 handle, Fattr3? attributes) = Resolve(RelativePath);
        if (attributes is { Type: not FileType3.Directory })
        {
            string name = RelativePath.Length == 0 ? Export : RelativePath[(RelativePath.LastIndexOf('/') + 1)..];
            return [new NfsDirectoryEntry(name, attributes)];
        }

        var entries = new List<NfsDirectoryEntry>();
        ulong cookie = 0;
        ulong verifier = 0;
        for (int round = 0; round < 1_000_000; round++)
        {
            ReadDirPlus3Result r = Await(
                _client.Call<ReadDirPlus3Args, ReadDirPlus3Result>(Nfs3Procedure.ReadDirPlus, new ReadDirPlus3Args(handle, cookie, verifier, 8192, 65536), _loop.Now),
                $"READDIRPLUS {Url.Path}");
            Check(r.Status, $"READDIRPLUS {Url.Path}");
            foreach (EntryPlus3 e in r.Entries)
            {
                if (e.Name is not ("." or ".."))
                {
                    entries.Add(new NfsDirectoryEntry(e.Name, e.Attributes));
                }

                cookie = e.Cookie;
            }

            verifier = r.CookieVerifier;
            if (r.Eof || r.Entries.Count == 0)
            {
                break;
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return entries;
    }

    /// <summary>Pages still out after <see cref="Dispose"/> (0 when every WRITE page came back).</summary>
    public int LeakedPages { get; private set; }

    /// <summary>Unmounts (best effort, briefly) and closes the connections. Never throws: pages a failed transfer could
    /// not get back are reported in <see cref="LeakedPages"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_mounted)
        {
            NfsRequest<NfsVoid> umnt = _client.Unmount(Export, _loop.Now);
            _loop.RunUntil(() => umnt.IsDone, Duration.FromSeconds(2));
        }

        foreach (RpcClient c in _clients)
        {
            c.Close(_loop.Now); // fails what is still pending: every request is done after this
        }

        _closed = true;
        _loop.RunUntil(() => false, Duration.FromMilliseconds(1)); // let the resets go out
        foreach (Action<Instant> poll in _polls)
        {
            _loop.Remove(poll); // a long-lived loop (a tool running many sessions) keeps nothing of this one
        }

        foreach (PendingWrite w in _unreleased)
        {
            if (w.Request?.IsDone != false)
            {
                w.Release();
            }
        }

        _unreleased.Clear();
        LeakedPages = _pages.Outstanding;
        if (LeakedPages == 0)
        {
            _pages.Dispose();
        }
    }

    private static ushort AskPortmapper(IEventLoop loop, IStreamTransport transport, Ipv4Address server, uint program, uint version, string name, NfsSessionOptions options)
    {
        var rpc = new RpcClient(transport, new Ipv4Endpoint(server, PortmapConstants.Port), new RpcClientConfig { Soft = true, Timeout = options.RpcTimeout, Retransmissions = 1 });
        bool active = true;
        Action<Instant> poll = now => { if (active) { rpc.Poll(now); } };
        loop.Add(poll, () => active ? rpc.PollAt() : Instant.MaxValue);
        try
        {
            RpcCall call = new PortmapClient(rpc).GetPort(program, version, PortmapConstants.ProtocolTcp, loop.Now);
            if (!loop.RunUntil(() => call.State is RpcCallState.Completed or RpcCallState.Failed, options.StepTimeout))
            {
                throw new NfsException($"the portmapper at {server}:{PortmapConstants.Port} did not answer within {options.StepTimeout.TotalSeconds:0} s{Because(rpc)}; give the ports in the URL (?nfsport=N&mountport=M)");
            }

            if (!call.Succeeded || !PortmapClient.TryGetPort(call, out uint port))
            {
                throw new NfsException($"the portmapper at {server} failed: {call.Error ?? call.Reply.ToString()}");
            }

            if (port is 0 or > ushort.MaxValue)
            {
                throw new NfsException($"{name} v{version} over TCP is not registered with the portmapper at {server}");
            }

            return (ushort)port;
        }
        finally
        {
            rpc.Close(loop.Now);
            active = false;
            loop.Remove(poll);
        }
    }

    private static string Because(RpcClient rpc) => rpc.LastConnectionError is string e ? $" ({e})" : string.Empty;

    private RpcClient NewRpc(ushort port)
    {
        var credential = OpaqueAuth.Sys(new AuthSysParameters(0, _options.MachineName, _options.Uid, _options.Gid, []));
        var rpc = new RpcClient(_transport, new Ipv4Endpoint(_server, port), new RpcClientConfig
        {
            Policy = _options.Policy,
            Credential = credential,
            Timeout = _options.RpcTimeout,
            Soft = true,
            MaxReplyRecord = Math.Max(_options.TransferSize, 1 << 20) + 65536,
            Tcp = new Stack.Tcp.TcpConfig { SendBuffer = Math.Max(4 << 20, _options.Window * (_options.TransferSize + 4096) * 2), ReceiveBuffer = 4 << 20, NoDelay = true },
        });
        _clients.Add(rpc);
        Action<Instant> poll = now => { if (!_closed) { rpc.Poll(now); } };
        _polls.Add(poll);
        _loop.Add(poll, () => _closed ? Instant.MaxValue : rpc.PollAt());
        return rpc;
    }

    private void MountLongestExport()
    {
        string path = Url.Path;
        var candidates = new List<string>();
        NfsRequest<Exports3Result> exports = _client.Exports(_loop.Now);
        if (Wait(() => exports.IsDone) && exports.Result is Exports3Result list)
        {
            candidates.AddRange(list.Exports.Select(e => e.Directory).Where(e => IsPrefix(e, path)).OrderByDescending(e => e.Length));
        }

        // Whatever the list said, the path's own prefixes are tried too, longest first (a server may hide its list).
        string[] parts = [.. Url.Components];
        for (int n = parts.Length; n >= 0; n--)
        {
            string prefix = "/" + string.Join('/', parts[..n]);
            if (!candidates.Contains(prefix))
            {
                candidates.Add(prefix);
            }
        }

        var refused = new List<string>();
        foreach (string export in candidates)
        {
            Mnt3Result m = Await(_client.Mount(export, _loop.Now), $"MNT {export}");
            if (m.Status == MountStatus3.Ok && m.Handle is not null)
            {
                Export = export;
                Root = m.Handle;
                _mounted = true;
                RelativePath = path.Length > export.Length ? path[(export.TrimEnd('/').Length + 1)..] : string.Empty;
                return;
            }

            refused.Add($"{export} ({m.Status})");
        }

        throw new NfsException($"no prefix of {path} is an export {_server} lets us mount: {string.Join(", ", refused)}");
    }

    private void ReadLimits()
    {
        FsInfo3Result info = Await(_client.Call<FsInfo3Args, FsInfo3Result>(Nfs3Procedure.FsInfo, new FsInfo3Args(Root), _loop.Now), $"FSINFO {Export}");
        Check(info.Status, $"FSINFO {Export}");
        WriteSize = Clamp(info.WriteMax);
        ReadSize = Clamp(info.ReadMax);
    }

    private int Clamp(uint serverMax) => (int)Math.Max(Page.Size, Math.Min((uint)_options.TransferSize, serverMax == 0 ? uint.MaxValue : serverMax));

    private (NfsFh3 Directory, string Name) ParentOfTarget()
    {
        int slash = RelativePath.LastIndexOf('/');
        if (RelativePath.Length == 0)
        {
            throw new NfsException($"{Url.Path} is the export {Export} itself: add a file name to the URL");
        }

        string parent = slash < 0 ? string.Empty : RelativePath[..slash];
        string name = RelativePath[(slash + 1)..];
        (NfsFh3 handle, Fattr3? attributes) = Resolve(parent);
        if (attributes is { Type: not FileType3.Directory })
        {
            throw new NfsException($"{Export.TrimEnd('/')}/{parent} is not a directory");
        }

        return (handle, name);
    }

    /// <summary>One pass over the source: UNSTABLE WRITEs, a window at a time. Returns the bytes written, the calls
    /// made and the verifiers seen.</summary>
    private (long Written, long Calls, HashSet<ulong> Verifiers) WriteAll(NfsFh3 file, Stream source, string where, Action<long>? progress)
    {
        var verifiers = new HashSet<ulong>();
        var inFlight = new List<PendingWrite>();
        long offset = 0;
        long acknowledged = 0;
        long calls = 0;
        bool sourceDone = false;
        try
        {
            while (!sourceDone || inFlight.Count > 0)
            {
                while (!sourceDone && inFlight.Count < _options.Window)
                {
                    PendingWrite? w = ReadChunk(source, offset);
                    if (w is null)
                    {
                        sourceDone = true;
                        break;
                    }

                    Issue(file, w);
                    calls++;
                    inFlight.Add(w);
                    offset += w.Length;
                }

                if (inFlight.Count == 0)
                {
                    break;
                }

                if (!Wait(() => inFlight.Exists(w => w.Request!.IsDone)))
                {
                    throw new NfsException($"WRITE {where}: no answer from {_server}:{NfsPort} within {_options.StepTimeout.TotalSeconds:0} s{Because(Rpc)}");
                }

                for (int i = inFlight.Count - 1; i >= 0; i--)
                {
                    PendingWrite w = inFlight[i];
                    if (!w.Request!.IsDone)
                    {
                        continue;
                    }

                    Write3Result r = Result(w.Request, $"WRITE {where} at {w.Offset}");
                    Check(r.Status, $"WRITE {where} at {w.Offset}");
                    verifiers.Add(r.Verifier);
                    int took = (int)Math.Min(r.Count, (uint)w.Length);
                    acknowledged += took;
                    if (took == 0)
                    {
                        throw new NfsException($"WRITE {where} at {w.Offset}: the server at {_server} accepted 0 of {w.Length} bytes");
                    }

                    if (took < w.Length)
                    {
                        // A short write: send the rest of the same pages again from where the server stopped.
                        w.Skip(took);
                        Issue(file, w);
                        calls++;
                        continue;
                    }

                    inFlight.RemoveAt(i);
                    w.Release();
                }

                progress?.Invoke(acknowledged);
            }
        }
        finally
        {
            foreach (PendingWrite w in inFlight)
            {
                // Only after their requests are done may the pages go back; the rest go back at Dispose, once closing
                // the connection has failed their requests.
                if (w.Request?.IsDone != false)
                {
                    w.Release();
                }
                else
                {
                    _unreleased.Add(w);
                }
            }
        }

        return (acknowledged, calls, verifiers);
    }

    private void Issue(NfsFh3 file, PendingWrite w) =>
        w.Request = _client.WriteDirect(file, (ulong)w.Offset, w.Pages, StableHow.Unstable, _loop.Now);

    /// <summary>The next chunk of the source in pool pages, or null at its end.</summary>
    private PendingWrite? ReadChunk(Stream source, long offset)
    {
        var pages = new List<XdrPage>();
        int length = 0;
        try
        {
            while (length < WriteSize)
            {
                Page page = _pages.Alloc();
                int want = Math.Min(Page.Size, WriteSize - length);
                int got = source.ReadAtLeast(page.Span[..want], want, throwOnEndOfStream: false);
                if (got == 0)
                {
                    page.Release();
                    break;
                }

                pages.Add(new XdrPage(page, 0, got));
                length += got;
                if (got < want)
                {
                    break;
                }
            }
        }
        catch
        {
            foreach (XdrPage p in pages)
            {
                p.Page.Release();
            }

            throw;
        }

        return length == 0 ? null : new PendingWrite(offset, [.. pages]);
    }

    private T Await<T>(NfsRequest<T> request, string what)
        where T : class, INfsMessage<T>
    {
        if (!Wait(() => request.IsDone))
        {
            throw new NfsException($"{what}: no answer from {_server} within {_options.StepTimeout.TotalSeconds:0} s{Because(request.Call.Program == MountConstants.Program ? _mountRpc : Rpc)}");
        }

        return Result(request, what);
    }

    /// <summary>Runs the loop until <paramref name="done"/>, for at most the step timeout; throws
    /// <see cref="OperationCanceledException"/> if the session was cancelled meanwhile.</summary>
    private bool Wait(Func<bool> done)
    {
        CancellationToken cancel = _options.Cancel;
        bool ok = _loop.RunUntil(() => done() || cancel.IsCancellationRequested, _options.StepTimeout);
        cancel.ThrowIfCancellationRequested();
        return ok;
    }

    private T Result<T>(NfsRequest<T> request, string what)
        where T : class, INfsMessage<T> =>
        request.Result ?? throw new NfsException($"{what} on {_server} failed: {request.Error}");

    private static void Check(Nfs3Status status, string what)
    {
        if (status != Nfs3Status.Ok)
        {
            throw new NfsException($"{what}: {Describe(status)}");
        }
    }

    private static string Describe(Nfs3Status status) => status switch
    {
        Nfs3Status.NoEnt => "no such file or directory (NFS3ERR_NOENT)",
        Nfs3Status.Acces => "permission denied (NFS3ERR_ACCES)",
        Nfs3Status.Perm => "not permitted (NFS3ERR_PERM)",
        Nfs3Status.Exist => "already exists (NFS3ERR_EXIST)",
        Nfs3Status.NotDir => "not a directory (NFS3ERR_NOTDIR)",
        Nfs3Status.IsDir => "is a directory (NFS3ERR_ISDIR)",
        Nfs3Status.NoSpc => "no space left on the server (NFS3ERR_NOSPC)",
        Nfs3Status.RoFs => "the export is read-only (NFS3ERR_ROFS)",
        Nfs3Status.Stale => "stale file handle (NFS3ERR_STALE)",
        _ => $"NFS3ERR_{status.ToString().ToUpperInvariant()}",
    };

    private static bool IsPrefix(string export, string path) =>
        export == "/" || path == export.TrimEnd('/') || path.StartsWith(export.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>A WRITE's pages and where they go.</summary>
    private sealed class PendingWrite(long offset, XdrPage[] pages)
    {
        private readonly XdrPage[] _all = pages;
        private bool _released;

        public long Offset { get; private set; } = offset;

        public XdrPage[] Pages { get; private set; } = pages;

        public int Length => Pages.Sum(p => p.Length);

        public NfsRequest<Write3Result>? Request { get; set; }

        /// <summary>Drops the first <paramref name="count"/> bytes (the server took them).</summary>
        public void Skip(int count)
        {
            Offset += count;
            var rest = new List<XdrPage>();
            foreach (XdrPage p in Pages)
            {
                if (count >= p.Length)
                {
                    count -= p.Length;
                    continue;
                }

                rest.Add(new XdrPage(p.Page, p.Offset + count, p.Length - count));
                count = 0;
            }

            Pages = [.. rest];
        }

        public void Release()
        {
            if (_released)
            {
                return;
            }

            _released = true;
            foreach (XdrPage p in _all)
            {
                p.Page.Release();
            }
        }
    }
}
