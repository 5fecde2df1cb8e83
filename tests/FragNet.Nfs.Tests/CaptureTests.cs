using FragNet.Nfs.Protocol;
using FragNet.Nfs.Server;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Tests;

/// <summary>
/// Real bytes: every NFS and MOUNT call and reply in the libnfs → nfs-ganesha capture decodes with these types and
/// re-encodes to exactly the captured bytes; every truncation of every captured call is GARBAGE_ARGS at our server.
/// </summary>
public sealed class CaptureTests
{
    private static readonly Lazy<List<CapturedRpc>> Captured = new(() => CapturedRpc.Read(TestPaths.NfsCapture));

    private static IEnumerable<CapturedRpc> NfsAndMount => Captured.Value.Where(c =>
        (c.Program == Nfs3Constants.Program && c.Version == Nfs3Constants.Version)
        || (c.Program == MountConstants.Program && c.Version == MountConstants.Version));

    /// <summary>Decodes <paramref name="bytes"/> as a whole <typeparamref name="T"/> and re-encodes it.</summary>
    private static byte[] Reencode<T>(byte[] bytes)
        where T : INfsMessage<T>
        => ServerHarness.Encode(ServerHarness.Decode<T>(bytes));

    private static byte[] ReencodeArguments(CapturedRpc c) => c.Program == MountConstants.Program
        ? (MountProcedure)c.Procedure switch
        {
            MountProcedure.Mnt or MountProcedure.Umnt => Reencode<DirPath3Args>(c.Arguments),
            _ => [],
        }
        : (Nfs3Procedure)c.Procedure switch
        {
            Nfs3Procedure.Null => [],
            Nfs3Procedure.GetAttr => Reencode<GetAttr3Args>(c.Arguments),
            Nfs3Procedure.SetAttr => Reencode<SetAttr3Args>(c.Arguments),
            Nfs3Procedure.Lookup => Reencode<Lookup3Args>(c.Arguments),
            Nfs3Procedure.Access => Reencode<Access3Args>(c.Arguments),
            Nfs3Procedure.ReadLink => Reencode<ReadLink3Args>(c.Arguments),
            Nfs3Procedure.Read => Reencode<Read3Args>(c.Arguments),
            Nfs3Procedure.Write => Reencode<Write3Args>(c.Arguments),
            Nfs3Procedure.Create => Reencode<Create3Args>(c.Arguments),
            Nfs3Procedure.MkDir => Reencode<MkDir3Args>(c.Arguments),
            Nfs3Procedure.Symlink => Reencode<Symlink3Args>(c.Arguments),
            Nfs3Procedure.MkNod => Reencode<MkNod3Args>(c.Arguments),
            Nfs3Procedure.Remove => Reencode<Remove3Args>(c.Arguments),
            Nfs3Procedure.RmDir => Reencode<RmDir3Args>(c.Arguments),
            Nfs3Procedure.Rename => Reencode<Rename3Args>(c.Arguments),
            Nfs3Procedure.Link => Reencode<Link3Args>(c.Arguments),
            Nfs3Procedure.ReadDir => Reencode<ReadDir3Args>(c.Arguments),
            Nfs3Procedure.ReadDirPlus => Reencode<ReadDirPlus3Args>(c.Arguments),
            Nfs3Procedure.FsStat => Reencode<FsStat3Args>(c.Arguments),
            Nfs3Procedure.FsInfo => Reencode<FsInfo3Args>(c.Arguments),
            Nfs3Procedure.PathConf => Reencode<PathConf3Args>(c.Arguments),
            Nfs3Procedure.Commit => Reencode<Commit3Args>(c.Arguments),
            _ => throw new InvalidOperationException($"unexpected NFS procedure {c.Procedure} in the capture"),
        };

    private static byte[] ReencodeResults(CapturedRpc c) => c.Program == MountConstants.Program
        ? (MountProcedure)c.Procedure switch
        {
            MountProcedure.Mnt => Reencode<Mnt3Result>(c.Results!),
            MountProcedure.Dump => Reencode<MountList3Result>(c.Results!),
            MountProcedure.Export => Reencode<Exports3Result>(c.Results!),
            _ => [],
        }
        : (Nfs3Procedure)c.Procedure switch
        {
            Nfs3Procedure.Null => [],
            Nfs3Procedure.GetAttr => Reencode<GetAttr3Result>(c.Results!),
            Nfs3Procedure.SetAttr or Nfs3Procedure.Remove or Nfs3Procedure.RmDir => Reencode<Wcc3Result>(c.Results!),
            Nfs3Procedure.Lookup => Reencode<Lookup3Result>(c.Results!),
            Nfs3Procedure.Access => Reencode<Access3Result>(c.Results!),
            Nfs3Procedure.ReadLink => Reencode<ReadLink3Result>(c.Results!),
            Nfs3Procedure.Read => Reencode<Read3Result>(c.Results!),
            Nfs3Procedure.Write => Reencode<Write3Result>(c.Results!),
            Nfs3Procedure.Create or Nfs3Procedure.MkDir or Nfs3Procedure.Symlink or Nfs3Procedure.MkNod => Reencode<NewObject3Result>(c.Results!),
            Nfs3Procedure.Rename => Reencode<Rename3Result>(c.Results!),
            Nfs3Procedure.Link => Reencode<Link3Result>(c.Results!),
            Nfs3Procedure.ReadDir => Reencode<ReadDir3Result>(c.Results!),
            Nfs3Procedure.ReadDirPlus => Reencode<ReadDirPlus3Result>(c.Results!),
            Nfs3Procedure.FsStat => Reencode<FsStat3Result>(c.Results!),
            Nfs3Procedure.FsInfo => Reencode<FsInfo3Result>(c.Results!),
            Nfs3Procedure.PathConf => Reencode<PathConf3Result>(c.Results!),
            Nfs3Procedure.Commit => Reencode<Commit3Result>(c.Results!),
            _ => throw new InvalidOperationException($"unexpected NFS procedure {c.Procedure} in the capture"),
        };

    /// <remarks>The fixture's README says MOUNT NULL/MNT/UMNT; the capture (and tshark) show libnfs sending
    /// NULL/MNT/EXPORT and no UMNT, and NFS LOOKUP and SETATTR after the CREATE.</remarks>
    [Fact]
    public void The_capture_holds_the_calls_libnfs_made_each_with_a_successful_reply()
    {
        var nfs = NfsAndMount.Where(c => c.Program == Nfs3Constants.Program).Select(c => (Nfs3Procedure)c.Procedure).ToHashSet();
        var mount = NfsAndMount.Where(c => c.Program == MountConstants.Program).Select(c => (MountProcedure)c.Procedure).ToHashSet();
        Assert.Superset(new HashSet<MountProcedure> { MountProcedure.Null, MountProcedure.Mnt, MountProcedure.Export }, mount);
        Assert.Superset(new HashSet<Nfs3Procedure>
        {
            Nfs3Procedure.Null, Nfs3Procedure.FsInfo, Nfs3Procedure.GetAttr, Nfs3Procedure.Lookup, Nfs3Procedure.Create,
            Nfs3Procedure.SetAttr, Nfs3Procedure.Write, Nfs3Procedure.Commit, Nfs3Procedure.ReadDirPlus, Nfs3Procedure.Read,
        }, nfs);
        Assert.All(NfsAndMount, c => Assert.True(c.Reply?.IsSuccess, $"xid {c.Xid:x8} has no accepted SUCCESS reply"));
    }

    [Fact]
    public void Every_captured_call_decodes_and_reencodes_to_the_same_bytes()
    {
        int checkedCalls = 0;
        foreach (CapturedRpc c in NfsAndMount)
        {
            Assert.Equal(c.Arguments, ReencodeArguments(c));
            checkedCalls++;
        }

        Assert.True(checkedCalls >= 12);
    }

    [Fact]
    public void Every_captured_reply_decodes_and_reencodes_to_the_same_bytes()
    {
        foreach (CapturedRpc c in NfsAndMount.Where(c => c.Results is not null))
        {
            Assert.Equal(c.Results, ReencodeResults(c));
        }
    }

    [Fact]
    public void The_captured_write_carries_the_file_at_the_data_offset_and_the_read_returns_it()
    {
        List<CapturedRpc> writes = NfsAndMount.Where(c => c.Program == Nfs3Constants.Program && c.Procedure == (uint)Nfs3Procedure.Write).ToList();
        Assert.NotEmpty(writes);
        long total = 0;
        foreach (CapturedRpc w in writes)
        {
            Write3Args args = ServerHarness.Decode<Write3Args>(w.Arguments);
            Assert.True(Write3Args.TryGetDataOffset(w.Arguments, out int offset));
            Assert.Equal(args.DataOffset, offset);
            Assert.Equal((int)args.Count, args.Data.Length);
            Assert.True(w.Arguments.AsSpan(offset, args.Data.Length).IndexOfAnyExcept((byte)0xAA) < 0);
            total += args.Count;
        }

        Assert.Equal(70_000, total);

        // The README's tcpdump filter: IPv4 header (20) + TCP header with timestamps (32) + record mark (4) + the
        // call header + the data offset puts the first 0xAA byte at IP offset 172.
        CapturedRpc first = writes[0];
        Assert.Equal(172, 20 + 32 + 4 + first.CallHeaderLength + ServerHarness.Decode<Write3Args>(first.Arguments).DataOffset);
        Read3Result read = ServerHarness.Decode<Read3Result>(NfsAndMount.Last(c => c.Program == Nfs3Constants.Program && c.Procedure == (uint)Nfs3Procedure.Read).Results!);
        Assert.Equal(Nfs3Status.Ok, read.Status);
        Assert.True(read.Data.Span.IndexOfAnyExcept((byte)0xAA) < 0);
    }

    [Fact]
    public void Every_truncation_of_every_captured_call_is_garbage_args_and_the_whole_call_is_not()
    {
        var h = new ServerHarness(new MemoryBackend());
        foreach (CapturedRpc c in NfsAndMount)
        {
            var program = c.Program == Nfs3Constants.Program ? (FragNet.SunRpc.Server.IRpcProgram)h.Server.Nfs : h.Server.Mount;
            for (int length = 0; length < c.Arguments.Length; length++)
            {
                Assert.Equal(RpcAcceptStat.GarbageArgs, h.Raw(program, c.Procedure, c.Arguments.AsMemory(0, length)).Stat);
            }

            (RpcAcceptStat stat, byte[] results) = h.Raw(program, c.Procedure, c.Arguments);
            Assert.Equal(RpcAcceptStat.Success, stat);
            if (c.Program == Nfs3Constants.Program && c.Procedure != 0)
            {
                // ganesha's handles are not ours: the first word of every NFS result is the status.
                Assert.Equal((uint)Nfs3Status.BadHandle, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(results));
            }
        }
    }

    [Fact]
    public void A_captured_client_session_replayed_against_our_server_writes_the_file()
    {
        // The libnfs session's CREATE and WRITE calls, with ganesha's handles replaced by ours.
        var fs = new MemoryBackend();
        var h = new ServerHarness(fs);
        CapturedRpc create = NfsAndMount.First(c => c.Program == Nfs3Constants.Program && c.Procedure == (uint)Nfs3Procedure.Create);
        Create3Args ca = ServerHarness.Decode<Create3Args>(create.Arguments);
        NewObject3Result created = h.Call<Create3Args, NewObject3Result>(Nfs3Procedure.Create, ca with { Where = ca.Where with { Directory = h.Root } });
        Assert.Equal(Nfs3Status.Ok, created.Status);
        foreach (CapturedRpc w in NfsAndMount.Where(c => c.Program == Nfs3Constants.Program && c.Procedure == (uint)Nfs3Procedure.Write))
        {
            Write3Args wa = ServerHarness.Decode<Write3Args>(w.Arguments);
            Assert.Equal(wa.Count, h.Call<Write3Args, Write3Result>(Nfs3Procedure.Write, wa with { File = created.Handle! }).Count);
        }

        byte[] file = fs.ReadAllBytes("/" + ca.Where.Name);
        Assert.Equal(70_000, file.Length);
        Assert.True(file.AsSpan().IndexOfAnyExcept((byte)0xAA) < 0);
    }
}
