using FragNet.Buffers;
using FragNet.Nfs.Protocol;
using FragNet.SunRpc.Client;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Client;

/// <summary>
/// An NFSv3 client (RFC 1813) over two <see cref="RpcClient"/>s — one to the MOUNT service, one to NFS — sans-IO like
/// them: requests are made with the current time, complete inside <see cref="RpcClient.Poll"/>, and report through
/// <see cref="NfsRequest{TResult}.Completed"/>.
/// </summary>
/// <remarks>
/// <para>Writes come in two kinds. <see cref="WriteDirect"/> is the talk's O_DIRECT path: the caller's pages go to the
/// transport by reference, and the caller may reuse them once the request is done — which the RPC client's
/// <see cref="PageSendPolicy"/> makes safe or not. <see cref="WriteBuffered"/> copies the caller's bytes into pages of
/// the client's own page cache first (the caller's buffer is free at once), sends those, and releases its reference on
/// each cache page when the request is done; a page the stack still holds returns to the pool only when the stack lets
/// go, so buffered writes are safe under every policy, at the price of a copy.</para>
/// <para>Requests larger than <see cref="WriteSize"/> / <see cref="ReadSize"/> are the caller's to split.</para>
/// </remarks>
public sealed class NfsClient
{
    private readonly RpcClient _nfs;
    private readonly RpcClient? _mount;
    private readonly PagePool? _pageCache;

    /// <param name="nfs">The RPC client connected to the NFS program's port.</param>
    /// <param name="mount">The RPC client connected to the MOUNT program's port (null if the handle is known).</param>
    /// <param name="pageCache">Pages for <see cref="WriteBuffered"/> (null: buffered writes are unavailable).</param>
    public NfsClient(RpcClient nfs, RpcClient? mount = null, PagePool? pageCache = null)
    {
        ArgumentNullException.ThrowIfNull(nfs);
        _nfs = nfs;
        _mount = mount;
        _pageCache = pageCache;
    }

    /// <summary><c>wsize</c>: the most data one WRITE carries.</summary>
    public int WriteSize { get; init; } = 1 << 20;

    /// <summary><c>rsize</c>: the most data one READ asks for.</summary>
    public int ReadSize { get; init; } = 1 << 20;

    /// <summary>The NFS RPC client.</summary>
    public RpcClient Rpc => _nfs;

    /// <summary>Payload bytes copied into the page cache by buffered writes.</summary>
    public long BufferedBytesCopied { get; private set; }

    /// <summary>MOUNT MNT (RFC 1813 appendix I §5.2.1): the root handle of <paramref name="path"/>.</summary>
    public NfsRequest<Mnt3Result> Mount(string path, Instant now) =>
        Invoke<DirPath3Args, Mnt3Result>(MountClient(), MountConstants.Program, MountConstants.Version, (uint)MountProcedure.Mnt, new DirPath3Args(path), now);

    /// <summary>MOUNT UMNT: tells the server the export at <paramref name="path"/> is no longer mounted.</summary>
    public NfsRequest<NfsVoid> Unmount(string path, Instant now) =>
        Invoke<DirPath3Args, NfsVoid>(MountClient(), MountConstants.Program, MountConstants.Version, (uint)MountProcedure.Umnt, new DirPath3Args(path), now);

    /// <summary>MOUNT EXPORT: the server's export list.</summary>
    public NfsRequest<Exports3Result> Exports(Instant now) =>
        Invoke<NfsVoid, Exports3Result>(MountClient(), MountConstants.Program, MountConstants.Version, (uint)MountProcedure.Export, NfsVoid.Value, now);

    /// <summary>MOUNT DUMP: the mounts the server knows of.</summary>
    public NfsRequest<MountList3Result> MountDump(Instant now) =>
        Invoke<NfsVoid, MountList3Result>(MountClient(), MountConstants.Program, MountConstants.Version, (uint)MountProcedure.Dump, NfsVoid.Value, now);

    /// <summary>NFSPROC3_NULL: a ping.</summary>
    public NfsRequest<NfsVoid> Null(Instant now) => Call<NfsVoid, NfsVoid>(Nfs3Procedure.Null, NfsVoid.Value, now);

    /// <summary>Makes any NFSv3 call: <typeparamref name="TArgs"/> must be <paramref name="procedure"/>'s arguments.</summary>
    public NfsRequest<TResult> Call<TArgs, TResult>(Nfs3Procedure procedure, TArgs arguments, Instant now)
        where TArgs : INfsMessage<TArgs>
        where TResult : class, INfsMessage<TResult> =>
        Invoke<TArgs, TResult>(_nfs, Nfs3Constants.Program, Nfs3Constants.Version, (uint)procedure, arguments, now);

    public NfsRequest<GetAttr3Result> GetAttr(NfsFh3 obj, Instant now) =>
        Call<GetAttr3Args, GetAttr3Result>(Nfs3Procedure.GetAttr, new GetAttr3Args(obj), now);

    public NfsRequest<Lookup3Result> Lookup(NfsFh3 directory, string name, Instant now) =>
        Call<Lookup3Args, Lookup3Result>(Nfs3Procedure.Lookup, new Lookup3Args(new DirOpArgs3(directory, name)), now);

    public NfsRequest<NewObject3Result> Create(NfsFh3 directory, string name, CreateMode mode, Instant now) =>
        Call<Create3Args, NewObject3Result>(Nfs3Procedure.Create, Create3Args.WithAttributes(new DirOpArgs3(directory, name), mode, Sattr3.Empty with { Mode = 0x1a4 }), now);

    public NfsRequest<Read3Result> Read(NfsFh3 file, ulong offset, int count, Instant now) =>
        Call<Read3Args, Read3Result>(Nfs3Procedure.Read, new Read3Args(file, offset, (uint)Math.Min(count, ReadSize)), now);

    public NfsRequest<Commit3Result> Commit(NfsFh3 file, ulong offset, uint count, Instant now) =>
        Call<Commit3Args, Commit3Result>(Nfs3Procedure.Commit, new Commit3Args(file, offset, count), now);

    public NfsRequest<ReadDir3Result> ReadDir(NfsFh3 directory, ulong cookie, ulong cookieVerifier, uint count, Instant now) =>
        Call<ReadDir3Args, ReadDir3Result>(Nfs3Procedure.ReadDir, new ReadDir3Args(directory, cookie, cookieVerifier, count), now);

    public NfsRequest<Wcc3Result> Remove(NfsFh3 directory, string name, Instant now) =>
        Call<Remove3Args, Wcc3Result>(Nfs3Procedure.Remove, new Remove3Args(new DirOpArgs3(directory, name)), now);

    /// <summary>One WRITE whose data is the caller's pages, zero-copy (O_DIRECT). The pages must stay untouched until
    /// the request is done.</summary>
    public NfsRequest<Write3Result> WriteDirect(NfsFh3 file, ulong offset, ReadOnlyMemory<XdrPage> pages, StableHow stable, Instant now)
    {
        var args = Write3Args.FromPages(file, offset, stable, pages);
        if (args.Count > (uint)WriteSize)
        {
            throw new ArgumentException($"{args.Count} bytes exceed wsize {WriteSize}; split the write", nameof(pages));
        }

        return Call<Write3Args, Write3Result>(Nfs3Procedure.Write, args, now);
    }

    /// <summary>One WRITE of a copy of <paramref name="data"/> in the client's page cache; the caller's buffer is free
    /// when this returns.</summary>
    public NfsRequest<Write3Result> WriteBuffered(NfsFh3 file, ulong offset, ReadOnlySpan<byte> data, StableHow stable, Instant now)
    {
        PagePool pool = _pageCache ?? throw new InvalidOperationException("this client has no page cache");
        if (data.Length > WriteSize)
        {
            throw new ArgumentException($"{data.Length} bytes exceed wsize {WriteSize}; split the write", nameof(data));
        }

        var pages = new XdrPage[(data.Length + Page.Size - 1) / Page.Size];
        int taken = 0;
        NfsRequest<Write3Result> request;
        try
        {
            for (; taken < pages.Length; taken++)
            {
                Page page = pool.Alloc();
                int n = Math.Min(Page.Size, data.Length - (taken * Page.Size));
                data.Slice(taken * Page.Size, n).CopyTo(page.Span);
                pages[taken] = new XdrPage(page, 0, n);
            }

            request = Call<Write3Args, Write3Result>(Nfs3Procedure.Write, Write3Args.FromPages(file, offset, stable, pages), now);
        }
        catch
        {
            for (int i = 0; i < taken; i++)
            {
                pages[i].Page.Release(); // nothing was sent: the cache's references are the only ones
            }

            throw;
        }

        BufferedBytesCopied += data.Length;
        request.BeforeCompleted = () =>
        {
            foreach (XdrPage p in pages)
            {
                p.Page.Release(); // the cache's reference; the stack's own keep the page alive as long as it needs
            }
        };
        return request;
    }

    private RpcClient MountClient() => _mount ?? throw new InvalidOperationException("this client has no MOUNT connection");

    private static NfsRequest<TResult> Invoke<TArgs, TResult>(RpcClient rpc, uint program, uint version, uint procedure, TArgs arguments, Instant now)
        where TArgs : INfsMessage<TArgs>
        where TResult : class, INfsMessage<TResult>
    {
        using var buf = new XdrBuf();
        arguments.Encode(buf);
        RpcCall call = rpc.Call(program, version, procedure, buf, now);
        return new NfsRequest<TResult>(call);
    }
}
