using FragNet.Nfs.Protocol;
using FragNet.Nfs.Server;
using FragNet.Stack;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Server;
using FragNet.SunRpc.Xdr;
using FragNet.Wire;

namespace FragNet.Nfs.Tests;

/// <summary>
/// Drives an <see cref="Nfs3Server"/>'s programs the way an RPC server would: builds the call context (AUTH_SYS
/// uid 1000, a client at 10.0.0.2, virtual time advancing 1 ms per call), encodes arguments, dispatches, and decodes
/// the results, asserting that the whole result was consumed.
/// </summary>
internal sealed class ServerHarness
{
    public static readonly Instant Start = Instant.FromSeconds(1_700_000_000);

    private uint _xid = 1;

    public ServerHarness(INfsBackend backend, ulong seed = 7, uint maxTransfer = Nfs3Program.DefaultMaxTransfer)
    {
        Backend = backend;
        Server = new Nfs3Server(backend, seed, maxTransfer: maxTransfer);
        Now = Start;
    }

    public INfsBackend Backend { get; }

    public Nfs3Server Server { get; }

    /// <summary>The time the next call carries.</summary>
    public Instant Now { get; private set; }

    public Ipv4Endpoint Client { get; set; } = new(new Ipv4Address(10, 0, 0, 2), 800);

    public NfsFh3 Root => Server.RootHandle;

    public RpcCallContext Context(uint program, uint procedure)
    {
        var cred = OpaqueAuth.Sys(new AuthSysParameters(1, "client", 1000, 100, []));
        var header = new RpcCallHeader(_xid++, program, program == Nfs3Constants.Program ? Nfs3Constants.Version : MountConstants.Version, procedure, cred, OpaqueAuth.None);
        RpcCallContext context = new(header, Client, Now);
        Now += Duration.FromMilliseconds(1);
        return context;
    }

    /// <summary>Dispatches raw argument bytes; returns the accept status and the encoded results.</summary>
    public (RpcAcceptStat Stat, byte[] Results) Raw(IRpcProgram program, uint procedure, ReadOnlyMemory<byte> arguments)
    {
        RpcCallContext context = Context(program.Program, procedure);
        var reader = new XdrReader(arguments);
        using var results = new XdrBuf();
        RpcAcceptStat stat = program.Dispatch(context, ref reader, results);
        return (stat, results.ToArray());
    }

    public TResult Call<TArgs, TResult>(Nfs3Procedure procedure, TArgs args)
        where TArgs : INfsMessage<TArgs>
        where TResult : INfsMessage<TResult>
        => Call<TArgs, TResult>(Server.Nfs, (uint)procedure, args);

    public TResult Call<TArgs, TResult>(IRpcProgram program, uint procedure, TArgs args)
        where TArgs : INfsMessage<TArgs>
        where TResult : INfsMessage<TResult>
    {
        (RpcAcceptStat stat, byte[] results) = Raw(program, procedure, Encode(args));
        Assert.Equal(RpcAcceptStat.Success, stat);
        return Decode<TResult>(results);
    }

    public static byte[] Encode<T>(T message)
        where T : INfsMessage<T>
    {
        using var buf = new XdrBuf();
        message.Encode(buf);
        return buf.ToArray();
    }

    public static T Decode<T>(ReadOnlyMemory<byte> bytes)
        where T : INfsMessage<T>
    {
        var reader = new XdrReader(bytes);
        T value = T.Decode(ref reader);
        reader.ExpectEnd();
        Assert.True(reader.IsValid, $"{typeof(T).Name} did not decode: {reader.Error}");
        return value;
    }

    // Shorthands for the procedures most tests use.

    public GetAttr3Result GetAttr(NfsFh3 handle) => Call<GetAttr3Args, GetAttr3Result>(Nfs3Procedure.GetAttr, new GetAttr3Args(handle));

    public Fattr3 Attributes(NfsFh3 handle)
    {
        GetAttr3Result r = GetAttr(handle);
        Assert.Equal(Nfs3Status.Ok, r.Status);
        return r.Attributes!;
    }

    public Lookup3Result Lookup(NfsFh3 dir, string name) => Call<Lookup3Args, Lookup3Result>(Nfs3Procedure.Lookup, new Lookup3Args(new DirOpArgs3(dir, name)));

    public NewObject3Result Create(NfsFh3 dir, string name, CreateMode mode = CreateMode.Guarded, Sattr3? attributes = null) =>
        Call<Create3Args, NewObject3Result>(Nfs3Procedure.Create, Create3Args.WithAttributes(new DirOpArgs3(dir, name), mode, attributes ?? Sattr3.Empty));

    public NfsFh3 CreateFile(NfsFh3 dir, string name, byte[]? contents = null)
    {
        NewObject3Result r = Create(dir, name);
        Assert.Equal(Nfs3Status.Ok, r.Status);
        if (contents is not null)
        {
            Assert.Equal(Nfs3Status.Ok, Write(r.Handle!, 0, contents, StableHow.FileSync).Status);
        }

        return r.Handle!;
    }

    public NewObject3Result MkDir(NfsFh3 dir, string name) =>
        Call<MkDir3Args, NewObject3Result>(Nfs3Procedure.MkDir, new MkDir3Args(new DirOpArgs3(dir, name), Sattr3.Empty));

    public NfsFh3 MakeDirectory(NfsFh3 dir, string name)
    {
        NewObject3Result r = MkDir(dir, name);
        Assert.Equal(Nfs3Status.Ok, r.Status);
        return r.Handle!;
    }

    public Write3Result Write(NfsFh3 file, ulong offset, byte[] data, StableHow stable = StableHow.Unstable) =>
        Call<Write3Args, Write3Result>(Nfs3Procedure.Write, Write3Args.FromBytes(file, offset, stable, data));

    public Read3Result Read(NfsFh3 file, ulong offset, uint count) =>
        Call<Read3Args, Read3Result>(Nfs3Procedure.Read, new Read3Args(file, offset, count));

    public Wcc3Result Remove(NfsFh3 dir, string name) =>
        Call<Remove3Args, Wcc3Result>(Nfs3Procedure.Remove, new Remove3Args(new DirOpArgs3(dir, name)));

    public Wcc3Result RmDir(NfsFh3 dir, string name) =>
        Call<RmDir3Args, Wcc3Result>(Nfs3Procedure.RmDir, new RmDir3Args(new DirOpArgs3(dir, name)));

    public ReadDir3Result ReadDir(NfsFh3 dir, ulong cookie = 0, ulong verifier = 0, uint count = 65536) =>
        Call<ReadDir3Args, ReadDir3Result>(Nfs3Procedure.ReadDir, new ReadDir3Args(dir, cookie, verifier, count));

    /// <summary>Every name in the directory, paging with <paramref name="count"/>-byte replies.</summary>
    public List<string> ListAll(NfsFh3 dir, uint count = 65536)
    {
        var names = new List<string>();
        ulong cookie = 0, verifier = 0;
        for (int guard = 0; guard < 10_000; guard++)
        {
            ReadDir3Result r = ReadDir(dir, cookie, verifier, count);
            Assert.Equal(Nfs3Status.Ok, r.Status);
            names.AddRange(r.Entries.Select(e => e.Name));
            if (r.Eof)
            {
                return names;
            }

            cookie = r.Entries[^1].Cookie;
            verifier = r.CookieVerifier;
        }

        Assert.Fail("READDIR never reached eof");
        return names;
    }
}
