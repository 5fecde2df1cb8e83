using System.Buffers;
using FragNet.Nfs.Protocol;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Server;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Server;

/// <summary>
/// The NFS version 3 program (RFC 1813 §3): all 22 procedures over an <see cref="INfsBackend"/>.
/// </summary>
/// <remarks>
/// <para><b>Errors.</b> Arguments that do not decode, or that leave trailing bytes, are GARBAGE_ARGS; so is a WRITE
/// whose <c>count</c> differs from its data's length (the two encode one quantity, so the message is malformed — the
/// Linux server rejects it the same way). An unknown procedure is PROC_UNAVAIL. Everything else is an NFS status in
/// an encoded result. Nothing a client sends makes <see cref="Dispatch"/> throw.</para>
/// <para><b>Handles.</b> A handle that fails the <see cref="FileHandleCodec"/> check is NFS3ERR_BADHANDLE; one that
/// passes but names a removed object is NFS3ERR_STALE (from the backend).</para>
/// <para><b>Sizes.</b> READ counts above <see cref="ReadMax"/> are clamped (RFC 1813 §3.3.6: a server may return
/// less than asked). WRITE counts above <see cref="WriteMax"/> are clamped too: the first <see cref="WriteMax"/>
/// bytes are written and the reply's count says so — a short write, which RFC 1813 §3.3.7 allows ("the server may
/// write fewer bytes than requested") and clients resend the rest of. READDIR and READDIRPLUS fill at most
/// min(<c>count</c>, <see cref="ReadMax"/>) bytes and answer NFS3ERR_TOOSMALL if not even one entry fits.</para>
/// <para><b>Stability.</b> WRITE reports the stability asked for as committed, and WRITE and COMMIT return
/// <see cref="WriteVerifier"/>, which changes only when the server may have lost unstable data (RFC 1813 §3.3.7: a
/// reboot; here <see cref="Nfs3Server.Restart"/>).</para>
/// <para><b>Permissions.</b> Not enforced: ACCESS grants every bit that has a meaning for the object's type, and
/// other procedures do not check the credential. AUTH_SYS only supplies the owner of new objects.</para>
/// </remarks>
public sealed class Nfs3Program : IRpcProgram
{
    /// <summary>Default <c>rtmax</c> and <c>wtmax</c>: 1 MiB, as Linux's knfsd.</summary>
    public const uint DefaultMaxTransfer = 1 << 20;

    private const uint TransferMultiple = 4096;

    private readonly INfsBackend _backend;
    private readonly FileHandleCodec _handles;

    /// <summary>A program serving <paramref name="backend"/>, whose handles <paramref name="handles"/> makes and
    /// checks (share it with the <see cref="MountProgram"/>), and whose writes return
    /// <paramref name="writeVerifier"/>.</summary>
    public Nfs3Program(INfsBackend backend, FileHandleCodec handles, ulong writeVerifier)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(handles);
        _backend = backend;
        _handles = handles;
        WriteVerifier = writeVerifier;
    }

    /// <inheritdoc/>
    public uint Program => Nfs3Constants.Program;

    /// <inheritdoc/>
    public uint LowVersion => Nfs3Constants.Version;

    /// <inheritdoc/>
    public uint HighVersion => Nfs3Constants.Version;

    /// <summary>FSINFO <c>rtmax</c>: the largest READ (and READDIR reply) served.</summary>
    public uint ReadMax { get; init; } = DefaultMaxTransfer;

    /// <summary>FSINFO <c>wtmax</c>: the largest WRITE accepted in one call.</summary>
    public uint WriteMax { get; init; } = DefaultMaxTransfer;

    /// <summary>The <c>writeverf3</c> WRITE and COMMIT return (changed by <see cref="Nfs3Server.Restart"/>).</summary>
    public ulong WriteVerifier { get; internal set; }

    /// <summary>The export root's handle.</summary>
    public NfsFh3 RootHandle => _handles.Encode(_backend.Root);

    /// <inheritdoc/>
    public bool IsIdempotent(uint version, uint procedure) => (Nfs3Procedure)procedure is
        Nfs3Procedure.Null or Nfs3Procedure.GetAttr or Nfs3Procedure.Lookup or Nfs3Procedure.Access
        or Nfs3Procedure.ReadLink or Nfs3Procedure.Read or Nfs3Procedure.ReadDir or Nfs3Procedure.ReadDirPlus
        or Nfs3Procedure.FsStat or Nfs3Procedure.FsInfo or Nfs3Procedure.PathConf or Nfs3Procedure.Commit;

    /// <inheritdoc/>
    public RpcAcceptStat Dispatch(RpcCallContext context, ref XdrReader arguments, XdrBuf results)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(results);
        switch ((Nfs3Procedure)context.Header.Procedure)
        {
            case Nfs3Procedure.Null:
                arguments.ExpectEnd();
                return arguments.IsValid ? RpcAcceptStat.Success : RpcAcceptStat.GarbageArgs;
            case Nfs3Procedure.GetAttr:
                return Run<GetAttr3Args, GetAttr3Result>(ref arguments, results, context, GetAttr);
            case Nfs3Procedure.SetAttr:
                return Run<SetAttr3Args, Wcc3Result>(ref arguments, results, context, SetAttr);
            case Nfs3Procedure.Lookup:
                return Run<Lookup3Args, Lookup3Result>(ref arguments, results, context, Lookup);
            case Nfs3Procedure.Access:
                return Run<Access3Args, Access3Result>(ref arguments, results, context, Access);
            case Nfs3Procedure.ReadLink:
                return Run<ReadLink3Args, ReadLink3Result>(ref arguments, results, context, ReadLink);
            case Nfs3Procedure.Read:
                return Read(ref arguments, results, context);
            case Nfs3Procedure.Write:
                return Run<Write3Args, Write3Result>(ref arguments, results, context, Write);
            case Nfs3Procedure.Create:
                return Run<Create3Args, NewObject3Result>(ref arguments, results, context, Create);
            case Nfs3Procedure.MkDir:
                return Run<MkDir3Args, NewObject3Result>(ref arguments, results, context, MkDir);
            case Nfs3Procedure.Symlink:
                return Run<Symlink3Args, NewObject3Result>(ref arguments, results, context, Symlink);
            case Nfs3Procedure.MkNod:
                return Run<MkNod3Args, NewObject3Result>(ref arguments, results, context, MkNod);
            case Nfs3Procedure.Remove:
                return Run<Remove3Args, Wcc3Result>(ref arguments, results, context, (a, c) => RemoveEntry(a.What, c, directory: false));
            case Nfs3Procedure.RmDir:
                return Run<RmDir3Args, Wcc3Result>(ref arguments, results, context, (a, c) => RemoveEntry(a.What, c, directory: true));
            case Nfs3Procedure.Rename:
                return Run<Rename3Args, Rename3Result>(ref arguments, results, context, Rename);
            case Nfs3Procedure.Link:
                return Run<Link3Args, Link3Result>(ref arguments, results, context, Link);
            case Nfs3Procedure.ReadDir:
                return Run<ReadDir3Args, ReadDir3Result>(ref arguments, results, context, ReadDir);
            case Nfs3Procedure.ReadDirPlus:
                return Run<ReadDirPlus3Args, ReadDirPlus3Result>(ref arguments, results, context, ReadDirPlus);
            case Nfs3Procedure.FsStat:
                return Run<FsStat3Args, FsStat3Result>(ref arguments, results, context, FsStat);
            case Nfs3Procedure.FsInfo:
                return Run<FsInfo3Args, FsInfo3Result>(ref arguments, results, context, FsInfo);
            case Nfs3Procedure.PathConf:
                return Run<PathConf3Args, PathConf3Result>(ref arguments, results, context, PathConf);
            case Nfs3Procedure.Commit:
                return Run<Commit3Args, Commit3Result>(ref arguments, results, context, Commit);
            default:
                return RpcAcceptStat.ProcedureUnavailable;
        }
    }

    /// <summary>Decodes the whole argument (trailing bytes are garbage), runs <paramref name="handler"/> and encodes
    /// its result; a null result means the arguments were semantically malformed.</summary>
    private static RpcAcceptStat Run<TArgs, TResult>(ref XdrReader arguments, XdrBuf results, RpcCallContext context, Func<TArgs, RpcCallContext, TResult?> handler)
        where TArgs : INfsMessage<TArgs>
        where TResult : class, INfsMessage<TResult>
    {
        TArgs args = TArgs.Decode(ref arguments);
        arguments.ExpectEnd();
        if (!arguments.IsValid)
        {
            return RpcAcceptStat.GarbageArgs;
        }

        TResult? result = handler(args, context);
        if (result is null)
        {
            return RpcAcceptStat.GarbageArgs;
        }

        result.Encode(results);
        return RpcAcceptStat.Success;
    }

    private Fattr3? Attributes(NodeId node) => _backend.GetAttributes(node, out Fattr3 a) == Nfs3Status.Ok ? a : null;

    private WccData Wcc(WccAttr? before, NodeId node) => new(before, Attributes(node));

    private static NodeOwner Owner(RpcCallContext context) =>
        context.Sys is { } sys ? new NodeOwner(sys.Uid, sys.Gid) : default;

    private GetAttr3Result GetAttr(GetAttr3Args a, RpcCallContext context)
    {
        Nfs3Status s = _handles.Decode(a.Handle, out NodeId node);
        if (s == Nfs3Status.Ok)
        {
            s = _backend.GetAttributes(node, out Fattr3 attrs);
            if (s == Nfs3Status.Ok)
            {
                return new GetAttr3Result(s, attrs);
            }
        }

        return new GetAttr3Result(s, null);
    }

    private Wcc3Result SetAttr(SetAttr3Args a, RpcCallContext context)
    {
        Nfs3Status s = _handles.Decode(a.Handle, out NodeId node);
        if (s != Nfs3Status.Ok)
        {
            return new Wcc3Result(s, WccData.Empty);
        }

        Fattr3? before = Attributes(node);
        if (before is null)
        {
            return new Wcc3Result(Nfs3Status.Stale, WccData.Empty);
        }

        // RFC 1813 §3.3.2: with a guard, change nothing unless the object's ctime is the one the client saw.
        if (a.GuardCtime is NfsTime3 guard && guard != before.Ctime)
        {
            return new Wcc3Result(Nfs3Status.NotSync, new WccData(before.ToWccAttr(), before));
        }

        s = _backend.SetAttributes(node, a.NewAttributes, context.Now);
        return new Wcc3Result(s, Wcc(before.ToWccAttr(), node));
    }

    private Lookup3Result Lookup(Lookup3Args a, RpcCallContext context)
    {
        Nfs3Status s = _handles.Decode(a.What.Directory, out NodeId dir);
        if (s != Nfs3Status.Ok)
        {
            return Lookup3Result.Failure(s, null);
        }

        Fattr3? dirAttrs = Attributes(dir);
        if (dirAttrs is null)
        {
            return Lookup3Result.Failure(Nfs3Status.Stale, null);
        }

        if (dirAttrs.Type != FileType3.Directory)
        {
            return Lookup3Result.Failure(Nfs3Status.NotDir, dirAttrs);
        }

        string name = a.What.Name;
        s = NameRules.CheckLookupName(name);
        NodeId found = dir;
        if (s == Nfs3Status.Ok && name == "..")
        {
            s = _backend.LookupParent(dir, out found); // the root's parent is the root: ".." never leaves the export
        }
        else if (s == Nfs3Status.Ok && name != ".")
        {
            s = _backend.Lookup(dir, name, out found);
        }

        if (s != Nfs3Status.Ok)
        {
            return Lookup3Result.Failure(s, dirAttrs);
        }

        return new Lookup3Result(Nfs3Status.Ok, _handles.Encode(found), Attributes(found), dirAttrs);
    }

    private Access3Result Access(Access3Args a, RpcCallContext context)
    {
        Nfs3Status s = _handles.Decode(a.Handle, out NodeId node);
        Fattr3? attrs = s == Nfs3Status.Ok ? Attributes(node) : null;
        if (attrs is null)
        {
            return new Access3Result(s == Nfs3Status.Ok ? Nfs3Status.Stale : s, null, Access3.None);
        }

        Access3 meaningful = attrs.Type switch
        {
            FileType3.Directory => Access3.Read | Access3.Lookup | Access3.Modify | Access3.Extend | Access3.Delete,
            FileType3.Regular => Access3.Read | Access3.Modify | Access3.Extend | ((attrs.Mode & 0x49) != 0 ? Access3.Execute : Access3.None),
            _ => Access3.Read,
        };
        return new Access3Result(Nfs3Status.Ok, attrs, a.Access & meaningful);
    }

    private ReadLink3Result ReadLink(ReadLink3Args a, RpcCallContext context)
    {
        Nfs3Status s = _handles.Decode(a.Symlink, out NodeId node);
        if (s != Nfs3Status.Ok)
        {
            return new ReadLink3Result(s, null, string.Empty);
        }

        s = _backend.ReadLink(node, out string target);
        return new ReadLink3Result(s, Attributes(node), s == Nfs3Status.Ok ? target : string.Empty);
    }

    /// <summary>READ is not run through <see cref="Run{TArgs, TResult}"/>: its data lives in a pooled buffer that goes
    /// back only after the result is encoded.</summary>
    private RpcAcceptStat Read(ref XdrReader arguments, XdrBuf results, RpcCallContext context)
    {
        Read3Args a = Read3Args.Decode(ref arguments);
        arguments.ExpectEnd();
        if (!arguments.IsValid)
        {
            return RpcAcceptStat.GarbageArgs;
        }

        Nfs3Status s = _handles.Decode(a.File, out NodeId node);
        Fattr3? before = s == Nfs3Status.Ok ? Attributes(node) : null;
        if (before is null)
        {
            Read3Result.Failure(s == Nfs3Status.Ok ? Nfs3Status.Stale : s, null).Encode(results);
            return RpcAcceptStat.Success;
        }

        uint count = Math.Min(a.Count, ReadMax); // RFC 1813 §3.3.6: the server may return less than asked
        int available = before.Size > a.Offset ? (int)Math.Min(count, before.Size - a.Offset) : 0;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(available);
        try
        {
            s = _backend.Read(node, a.Offset, buffer.AsSpan(0, available), context.Now, out int n, out bool eof);
            Read3Result result = s == Nfs3Status.Ok
                ? new Read3Result(s, Attributes(node), (uint)n, eof, buffer.AsMemory(0, n))
                : Read3Result.Failure(s, Attributes(node));
            result.Encode(results);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return RpcAcceptStat.Success;
    }

    private Write3Result? Write(Write3Args a, RpcCallContext context)
    {
        if (a.Count != (uint)a.Data.Length)
        {
            return null; // count and the opaque's length disagree: malformed, GARBAGE_ARGS
        }

        Nfs3Status s = _handles.Decode(a.File, out NodeId node);
        Fattr3? before = s == Nfs3Status.Ok ? Attributes(node) : null;
        if (before is null)
        {
            return Write3Result.Failure(s == Nfs3Status.Ok ? Nfs3Status.Stale : s, WccData.Empty);
        }

        // Above wtmax: a short write of the first WriteMax bytes (RFC 1813 §3.3.7), the count says how many.
        ReadOnlySpan<byte> data = a.Data.Span[..(int)Math.Min(a.Count, WriteMax)];
        s = _backend.Write(node, a.Offset, data, a.Stable, context.Now);
        WccData wcc = Wcc(before.ToWccAttr(), node);
        return s == Nfs3Status.Ok
            ? new Write3Result(s, wcc, (uint)data.Length, a.Stable, WriteVerifier)
            : Write3Result.Failure(s, wcc);
    }

    /// <summary>The common shape of CREATE, MKDIR, SYMLINK and MKNOD: check the directory and name, run
    /// <paramref name="make"/>, report the new object and the directory's wcc data.</summary>
    private NewObject3Result MakeObject(DirOpArgs3 where, Func<NodeId, Nfs3Status>? precheck, MakeFunc make)
    {
        Nfs3Status s = _handles.Decode(where.Directory, out NodeId dir);
        Fattr3? before = s == Nfs3Status.Ok ? Attributes(dir) : null;
        if (before is null)
        {
            return NewObject3Result.Failure(s == Nfs3Status.Ok ? Nfs3Status.Stale : s, WccData.Empty);
        }

        s = before.Type != FileType3.Directory ? Nfs3Status.NotDir : NameRules.CheckEntryName(where.Name);
        if (s == Nfs3Status.Ok && precheck is not null)
        {
            s = precheck(dir);
        }

        NodeId created = default;
        if (s == Nfs3Status.Ok)
        {
            s = make(dir, where.Name, out created);
        }

        WccData wcc = Wcc(before.ToWccAttr(), dir);
        return s == Nfs3Status.Ok
            ? new NewObject3Result(s, _handles.Encode(created), Attributes(created), wcc)
            : NewObject3Result.Failure(s, wcc);
    }

    private delegate Nfs3Status MakeFunc(NodeId directory, string name, out NodeId created);

    private NewObject3Result Create(Create3Args a, RpcCallContext context) => MakeObject(a.Where, null,
        (NodeId dir, string name, out NodeId created) =>
            _backend.CreateFile(dir, name, a.Mode, a.Attributes, a.Verifier, Owner(context), context.Now, out created));

    private NewObject3Result MkDir(MkDir3Args a, RpcCallContext context) => MakeObject(a.Where, null,
        (NodeId dir, string name, out NodeId created) =>
            _backend.MakeDirectory(dir, name, a.Attributes, Owner(context), context.Now, out created));

    private NewObject3Result Symlink(Symlink3Args a, RpcCallContext context) => MakeObject(a.Where,
        _ => NameRules.CheckSymlinkTarget(a.Target), // absolute targets are refused here, before any backend
        (NodeId dir, string name, out NodeId created) =>
            _backend.MakeSymlink(dir, name, a.Target, a.Attributes, Owner(context), context.Now, out created));

    private NewObject3Result MkNod(MkNod3Args a, RpcCallContext context) => MakeObject(a.Where, null,
        (NodeId dir, string name, out NodeId created) =>
            _backend.MakeNode(dir, name, a.Type, a.Device, a.Attributes, Owner(context), context.Now, out created));

    private Wcc3Result RemoveEntry(DirOpArgs3 what, RpcCallContext context, bool directory)
    {
        Nfs3Status s = _handles.Decode(what.Directory, out NodeId dir);
        Fattr3? before = s == Nfs3Status.Ok ? Attributes(dir) : null;
        if (before is null)
        {
            return new Wcc3Result(s == Nfs3Status.Ok ? Nfs3Status.Stale : s, WccData.Empty);
        }

        s = before.Type != FileType3.Directory ? Nfs3Status.NotDir : NameRules.CheckEntryName(what.Name);
        if (s == Nfs3Status.Ok)
        {
            s = directory
                ? _backend.RemoveDirectory(dir, what.Name, context.Now)
                : _backend.Remove(dir, what.Name, context.Now);
        }

        return new Wcc3Result(s, Wcc(before.ToWccAttr(), dir));
    }

    private Rename3Result Rename(Rename3Args a, RpcCallContext context)
    {
        Nfs3Status s = _handles.Decode(a.From.Directory, out NodeId from);
        Nfs3Status t = _handles.Decode(a.To.Directory, out NodeId to);
        if (s != Nfs3Status.Ok || t != Nfs3Status.Ok)
        {
            return new Rename3Result(s != Nfs3Status.Ok ? s : t, WccData.Empty, WccData.Empty);
        }

        Fattr3? fromBefore = Attributes(from);
        Fattr3? toBefore = Attributes(to);
        if (fromBefore is null || toBefore is null)
        {
            return new Rename3Result(Nfs3Status.Stale, new WccData(null, fromBefore), new WccData(null, toBefore));
        }

        s = fromBefore.Type != FileType3.Directory || toBefore.Type != FileType3.Directory ? Nfs3Status.NotDir : NameRules.CheckEntryName(a.From.Name);
        if (s == Nfs3Status.Ok)
        {
            s = NameRules.CheckEntryName(a.To.Name);
        }

        if (s == Nfs3Status.Ok)
        {
            s = _backend.Rename(from, a.From.Name, to, a.To.Name, context.Now);
        }

        return new Rename3Result(s, Wcc(fromBefore.ToWccAttr(), from), Wcc(toBefore.ToWccAttr(), to));
    }

    private Link3Result Link(Link3Args a, RpcCallContext context)
    {
        Nfs3Status s = _handles.Decode(a.File, out NodeId file);
        Nfs3Status t = _handles.Decode(a.Link.Directory, out NodeId dir);
        if (s != Nfs3Status.Ok || t != Nfs3Status.Ok)
        {
            return new Link3Result(s != Nfs3Status.Ok ? s : t, null, WccData.Empty);
        }

        Fattr3? dirBefore = Attributes(dir);
        if (Attributes(file) is null || dirBefore is null)
        {
            return new Link3Result(Nfs3Status.Stale, Attributes(file), new WccData(null, dirBefore));
        }

        s = dirBefore.Type != FileType3.Directory ? Nfs3Status.NotDir : NameRules.CheckEntryName(a.Link.Name);
        if (s == Nfs3Status.Ok)
        {
            s = _backend.Link(file, dir, a.Link.Name, context.Now);
        }

        return new Link3Result(s, Attributes(file), Wcc(dirBefore.ToWccAttr(), dir));
    }

    /// <summary>The listing READDIR and READDIRPLUS page through: ".", "..", then the backend's entries. The entry at
    /// index i has cookie i + 1, so cookie c resumes at index c; the backend's verifier says whether the positions
    /// still mean what they meant when the cookie was handed out.</summary>
    private Nfs3Status List(NfsFh3 handle, ulong cookie, ulong verifier, out NodeId dir, out Fattr3? dirAttrs, out List<DirectoryEntry> listing, out ulong currentVerifier)
    {
        listing = [];
        currentVerifier = 0;
        dirAttrs = null;
        Nfs3Status s = _handles.Decode(handle, out dir);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        dirAttrs = Attributes(dir);
        if (dirAttrs is null)
        {
            return Nfs3Status.Stale;
        }

        s = _backend.ReadDirectory(dir, out IReadOnlyList<DirectoryEntry> entries, out currentVerifier);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        s = _backend.LookupParent(dir, out NodeId parent);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        // RFC 1813 §3.3.16: a cookie is only meaningful with the verifier that came with it.
        if (cookie != 0 && (verifier != currentVerifier || cookie > (ulong)entries.Count + 2))
        {
            return Nfs3Status.BadCookie;
        }

        listing.Capacity = entries.Count + 2;
        listing.Add(new DirectoryEntry(".", dir));
        listing.Add(new DirectoryEntry("..", parent));
        listing.AddRange(entries);
        return Nfs3Status.Ok;
    }

    private ReadDir3Result ReadDir(ReadDir3Args a, RpcCallContext context)
    {
        Nfs3Status s = List(a.Directory, a.Cookie, a.CookieVerifier, out _, out Fattr3? dirAttrs, out List<DirectoryEntry> listing, out ulong verf);
        if (s != Nfs3Status.Ok)
        {
            return ReadDir3Result.Failure(s, dirAttrs);
        }

        long budget = Math.Min(a.Count, ReadMax);
        long size = ReadDir3Result.HeaderLength + ReadDir3Result.TrailerLength;
        var entries = new List<Entry3>();
        int i = (int)a.Cookie;
        for (; i < listing.Count; i++)
        {
            var e = new Entry3(listing[i].Node.FileId, listing[i].Name, (ulong)i + 1);
            if (size + e.EncodedLength > budget)
            {
                break;
            }

            size += e.EncodedLength;
            entries.Add(e);
        }

        if (entries.Count == 0 && i < listing.Count)
        {
            return ReadDir3Result.Failure(Nfs3Status.TooSmall, dirAttrs);
        }

        return new ReadDir3Result(Nfs3Status.Ok, dirAttrs, verf, entries, i == listing.Count);
    }

    private ReadDirPlus3Result ReadDirPlus(ReadDirPlus3Args a, RpcCallContext context)
    {
        Nfs3Status s = List(a.Directory, a.Cookie, a.CookieVerifier, out _, out Fattr3? dirAttrs, out List<DirectoryEntry> listing, out ulong verf);
        if (s != Nfs3Status.Ok)
        {
            return ReadDirPlus3Result.Failure(s, dirAttrs);
        }

        long budget = Math.Min(a.MaxCount, ReadMax);
        long size = ReadDir3Result.HeaderLength + ReadDir3Result.TrailerLength;
        long directoryInfo = 0;
        var entries = new List<EntryPlus3>();
        int i = (int)a.Cookie;
        for (; i < listing.Count; i++)
        {
            NodeId node = listing[i].Node;
            var e = new EntryPlus3(node.FileId, listing[i].Name, (ulong)i + 1, Attributes(node), _handles.Encode(node));
            if (size + e.EncodedLength > budget || directoryInfo + e.DirectoryInfoLength > a.DirectoryCount)
            {
                break;
            }

            size += e.EncodedLength;
            directoryInfo += e.DirectoryInfoLength;
            entries.Add(e);
        }

        if (entries.Count == 0 && i < listing.Count)
        {
            return ReadDirPlus3Result.Failure(Nfs3Status.TooSmall, dirAttrs);
        }

        return new ReadDirPlus3Result(Nfs3Status.Ok, dirAttrs, verf, entries, i == listing.Count);
    }

    private FsStat3Result FsStat(FsStat3Args a, RpcCallContext context)
    {
        Nfs3Status s = _handles.Decode(a.FileSystemRoot, out NodeId node);
        Fattr3? attrs = s == Nfs3Status.Ok ? Attributes(node) : null;
        if (attrs is null)
        {
            return FsStat3Result.Failure(s == Nfs3Status.Ok ? Nfs3Status.Stale : s, null);
        }

        FileSystemStatistics st = _backend.GetStatistics();
        return new FsStat3Result(Nfs3Status.Ok, attrs, st.TotalBytes, st.FreeBytes, st.AvailableBytes, st.TotalFiles, st.FreeFiles, st.AvailableFiles, 0);
    }

    private FsInfo3Result FsInfo(FsInfo3Args a, RpcCallContext context)
    {
        Nfs3Status s = _handles.Decode(a.FileSystemRoot, out NodeId node);
        Fattr3? attrs = s == Nfs3Status.Ok ? Attributes(node) : null;
        if (attrs is null)
        {
            return FsInfo3Result.Failure(s == Nfs3Status.Ok ? Nfs3Status.Stale : s, null);
        }

        return new FsInfo3Result(Nfs3Status.Ok, attrs,
            ReadMax, ReadMax, TransferMultiple,
            WriteMax, WriteMax, TransferMultiple,
            Math.Min(ReadMax, 1u << 16),
            _backend.MaxFileSize,
            new NfsTime3(0, 1000), // times are kept to the microsecond (Instant's resolution)
            _backend.Properties);
    }

    private PathConf3Result PathConf(PathConf3Args a, RpcCallContext context)
    {
        Nfs3Status s = _handles.Decode(a.Handle, out NodeId node);
        Fattr3? attrs = s == Nfs3Status.Ok ? Attributes(node) : null;
        if (attrs is null)
        {
            return PathConf3Result.Failure(s == Nfs3Status.Ok ? Nfs3Status.Stale : s, null);
        }

        return new PathConf3Result(Nfs3Status.Ok, attrs, uint.MaxValue, Nfs3Constants.MaxNameLength,
            NoTrunc: true, ChownRestricted: true, CaseInsensitive: false, CasePreserving: true);
    }

    private Commit3Result Commit(Commit3Args a, RpcCallContext context)
    {
        Nfs3Status s = _handles.Decode(a.File, out NodeId node);
        Fattr3? before = s == Nfs3Status.Ok ? Attributes(node) : null;
        if (before is null)
        {
            return new Commit3Result(s == Nfs3Status.Ok ? Nfs3Status.Stale : s, WccData.Empty, 0);
        }

        s = _backend.Commit(node);
        return new Commit3Result(s, Wcc(before.ToWccAttr(), node), s == Nfs3Status.Ok ? WriteVerifier : 0);
    }
}
