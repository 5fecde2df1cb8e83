using FragNet.Nfs.Protocol;
using FragNet.Nfs.Server;
using FragNet.SunRpc.Rpc;

namespace FragNet.Nfs.Tests;

/// <summary>
/// Every NFSv3 procedure against one backend. The class is abstract; <see cref="MemoryBackendServerTests"/> and
/// <see cref="DiskBackendServerTests"/> run all of it, each against a fresh backend per test.
/// </summary>
public abstract class Nfs3ServerContract
{
    private ServerHarness? _harness;

    /// <summary>The server under test, created on first use from <see cref="CreateBackend"/>.</summary>
    internal ServerHarness H => _harness ??= new ServerHarness(CreateBackend());

    protected abstract INfsBackend CreateBackend();

    /// <summary>LINK works (the disk backend answers NFS3ERR_NOTSUPP).</summary>
    protected abstract bool SupportsHardLinks { get; }

    /// <summary>MKNOD works (the disk backend answers NFS3ERR_NOTSUPP).</summary>
    protected abstract bool SupportsSpecialFiles { get; }

    private static byte[] Bytes(int length, byte seed)
    {
        var b = new byte[length];
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = (byte)(seed + (i * 31));
        }

        return b;
    }

    // ---- NULL, unknown procedures, garbage ----

    [Fact]
    public void Null_succeeds_with_empty_results()
    {
        (RpcAcceptStat stat, byte[] results) = H.Raw(H.Server.Nfs, (uint)Nfs3Procedure.Null, ReadOnlyMemory<byte>.Empty);
        Assert.Equal(RpcAcceptStat.Success, stat);
        Assert.Empty(results);
    }

    [Fact]
    public void Null_with_arguments_is_garbage_args()
    {
        Assert.Equal(RpcAcceptStat.GarbageArgs, H.Raw(H.Server.Nfs, 0, new byte[4]).Stat);
    }

    [Theory]
    [InlineData(22u)]
    [InlineData(1000u)]
    [InlineData(uint.MaxValue)]
    public void Unknown_procedure_is_unavailable(uint procedure)
    {
        Assert.Equal(RpcAcceptStat.ProcedureUnavailable, H.Raw(H.Server.Nfs, procedure, ReadOnlyMemory<byte>.Empty).Stat);
        Assert.Equal(RpcAcceptStat.ProcedureUnavailable, H.Raw(H.Server.Mount, procedure, ReadOnlyMemory<byte>.Empty).Stat);
    }

    [Fact]
    public void Arguments_with_trailing_bytes_are_garbage_args()
    {
        byte[] args = [.. ServerHarness.Encode(new GetAttr3Args(H.Root)), 0, 0, 0, 0];
        Assert.Equal(RpcAcceptStat.GarbageArgs, H.Raw(H.Server.Nfs, (uint)Nfs3Procedure.GetAttr, args).Stat);
    }

    [Fact]
    public void Every_truncation_of_every_procedures_arguments_is_garbage_args()
    {
        NfsFh3 file = H.CreateFile(H.Root, "f", Bytes(100, 1));
        var dir = new DirOpArgs3(H.Root, "name");
        byte[][] calls =
        [
            [], // NULL has nothing to truncate
            ServerHarness.Encode(new GetAttr3Args(file)),
            ServerHarness.Encode(new SetAttr3Args(file, Sattr3.Empty with { Mode = 0x1A4, Mtime = SetTime3.ClientTime(new NfsTime3(5, 6)) }, new NfsTime3(1, 2))),
            ServerHarness.Encode(new Lookup3Args(dir)),
            ServerHarness.Encode(new Access3Args(file, Access3.Read)),
            ServerHarness.Encode(new ReadLink3Args(file)),
            ServerHarness.Encode(new Read3Args(file, 0, 10)),
            ServerHarness.Encode(Write3Args.FromBytes(file, 0, StableHow.Unstable, Bytes(9, 2))),
            ServerHarness.Encode(Create3Args.Exclusive(dir, 77)),
            ServerHarness.Encode(new MkDir3Args(dir, Sattr3.Empty)),
            ServerHarness.Encode(new Symlink3Args(dir, Sattr3.Empty, "target")),
            ServerHarness.Encode(new MkNod3Args(dir, FileType3.Character, Sattr3.Empty, new SpecData3(1, 2))),
            ServerHarness.Encode(new Remove3Args(dir)),
            ServerHarness.Encode(new RmDir3Args(dir)),
            ServerHarness.Encode(new Rename3Args(dir, dir)),
            ServerHarness.Encode(new Link3Args(file, dir)),
            ServerHarness.Encode(new ReadDir3Args(H.Root, 0, 0, 4096)),
            ServerHarness.Encode(new ReadDirPlus3Args(H.Root, 0, 0, 4096, 8192)),
            ServerHarness.Encode(new FsStat3Args(H.Root)),
            ServerHarness.Encode(new FsInfo3Args(H.Root)),
            ServerHarness.Encode(new PathConf3Args(H.Root)),
            ServerHarness.Encode(new Commit3Args(file, 0, 0)),
        ];
        for (uint proc = 1; proc < calls.Length; proc++)
        {
            for (int length = 0; length < calls[proc].Length; length++)
            {
                Assert.Equal(RpcAcceptStat.GarbageArgs, H.Raw(H.Server.Nfs, proc, calls[proc].AsMemory(0, length)).Stat);
            }
        }
    }

    // ---- MOUNT ----

    [Fact]
    public void Mnt_of_the_export_returns_the_root_handle_and_auth_sys_then_none()
    {
        Mnt3Result r = H.Call<DirPath3Args, Mnt3Result>(H.Server.Mount, (uint)MountProcedure.Mnt, new DirPath3Args("/export/"));
        Assert.Equal(MountStatus3.Ok, r.Status);
        Assert.Equal(H.Root, r.Handle);
        Assert.Equal([AuthFlavor.Sys, AuthFlavor.None], r.AuthFlavors);
        Assert.Equal(FileType3.Directory, H.Attributes(r.Handle!).Type);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/exp")]
    [InlineData("/export/sub")]
    [InlineData("/srv/exp")]
    public void Mnt_of_another_path_is_noent(string path)
    {
        Mnt3Result r = H.Call<DirPath3Args, Mnt3Result>(H.Server.Mount, (uint)MountProcedure.Mnt, new DirPath3Args(path));
        Assert.Equal(MountStatus3.NoEnt, r.Status);
        Assert.Null(r.Handle);
    }

    [Fact]
    public void Dump_lists_mounts_umnt_removes_one_and_umntall_removes_the_callers()
    {
        H.Call<DirPath3Args, Mnt3Result>(H.Server.Mount, (uint)MountProcedure.Mnt, new DirPath3Args("/export"));
        H.Client = H.Client with { Address = new FragNet.Wire.Ipv4Address(10, 0, 0, 3) };
        H.Call<DirPath3Args, Mnt3Result>(H.Server.Mount, (uint)MountProcedure.Mnt, new DirPath3Args("/export"));

        MountList3Result dump = H.Call<Void, MountList3Result>(H.Server.Mount, (uint)MountProcedure.Dump, default);
        Assert.Equal([new MountEntry3("10.0.0.2", "/export"), new MountEntry3("10.0.0.3", "/export")], dump.Entries);

        (RpcAcceptStat stat, byte[] results) = H.Raw(H.Server.Mount, (uint)MountProcedure.Umnt, ServerHarness.Encode(new DirPath3Args("/export")));
        Assert.Equal(RpcAcceptStat.Success, stat);
        Assert.Empty(results);
        Assert.Equal([new MountEntry3("10.0.0.2", "/export")], H.Server.Mount.Mounts);

        H.Client = H.Client with { Address = new FragNet.Wire.Ipv4Address(10, 0, 0, 2) };
        Assert.Equal(RpcAcceptStat.Success, H.Raw(H.Server.Mount, (uint)MountProcedure.UmntAll, ReadOnlyMemory<byte>.Empty).Stat);
        Assert.Empty(H.Call<Void, MountList3Result>(H.Server.Mount, (uint)MountProcedure.Dump, default).Entries);
    }

    [Fact]
    public void Export_lists_the_one_export_open_to_everyone()
    {
        Exports3Result r = H.Call<Void, Exports3Result>(H.Server.Mount, (uint)MountProcedure.Export, default);
        ExportNode3 only = Assert.Single(r.Exports);
        Assert.Equal("/export", only.Directory);
        Assert.Empty(only.Groups);
    }

    [Fact]
    public void Mount_null_succeeds_and_truncated_mnt_is_garbage_args()
    {
        Assert.Equal(RpcAcceptStat.Success, H.Raw(H.Server.Mount, 0, ReadOnlyMemory<byte>.Empty).Stat);
        byte[] mnt = ServerHarness.Encode(new DirPath3Args("/export"));
        for (int length = 0; length < mnt.Length; length++)
        {
            Assert.Equal(RpcAcceptStat.GarbageArgs, H.Raw(H.Server.Mount, (uint)MountProcedure.Mnt, mnt.AsMemory(0, length)).Stat);
        }

        Assert.Equal(RpcAcceptStat.GarbageArgs, H.Raw(H.Server.Mount, (uint)MountProcedure.Dump, new byte[4]).Stat);
    }

    // ---- GETATTR, SETATTR, ACCESS ----

    [Fact]
    public void GetAttr_of_the_root_reports_a_directory()
    {
        Fattr3 a = H.Attributes(H.Root);
        Assert.Equal(FileType3.Directory, a.Type);
        Assert.True(a.LinkCount >= 2);
    }

    [Fact]
    public void New_files_take_their_times_from_the_call_and_their_owner_from_auth_sys()
    {
        Instant before = H.Now;
        NewObject3Result r = H.Create(H.Root, "timed", CreateMode.Guarded, Sattr3.Empty with { Mode = 0x180 });
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Fattr3 a = r.ObjectAttributes!;
        Assert.Equal(NfsTime3.FromInstant(before), a.Mtime);
        Assert.Equal(0x180u, a.Mode);
        Assert.Equal(0ul, a.Size);
        if (SupportsSpecialFiles)
        {
            Assert.Equal((1000u, 100u), (a.Uid, a.Gid)); // the disk backend cannot set owners
        }
    }

    [Fact]
    public void SetAttr_truncates_extends_with_zeros_and_sets_mode_and_times()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f", Bytes(100, 3));
        var set = new SetAttr3Args(f, new Sattr3(0x1C0, null, null, 10, SetTime3.ClientTime(new NfsTime3(1000, 0)), SetTime3.ServerTime), null);
        Instant when = H.Now;
        Wcc3Result r = H.Call<SetAttr3Args, Wcc3Result>(Nfs3Procedure.SetAttr, set);
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.Equal(100ul, r.Wcc.Before!.Size);
        Assert.Equal(10ul, r.Wcc.After!.Size);
        Assert.Equal(0x1C0u, r.Wcc.After.Mode);
        Assert.Equal(new NfsTime3(1000, 0), r.Wcc.After.Atime);
        Assert.Equal(NfsTime3.FromInstant(when), r.Wcc.After.Mtime);

        Assert.Equal(Nfs3Status.Ok, H.Call<SetAttr3Args, Wcc3Result>(Nfs3Procedure.SetAttr, new SetAttr3Args(f, Sattr3.Empty with { Size = 20 }, null)).Status);
        Read3Result read = H.Read(f, 0, 100);
        Assert.Equal([.. Bytes(100, 3).AsSpan(0, 10), .. new byte[10]], read.Data.ToArray());
    }

    [Fact]
    public void SetAttr_with_a_stale_guard_is_not_sync_and_changes_nothing()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f", Bytes(10, 3));
        Fattr3 a = H.Attributes(f);
        var wrongGuard = new NfsTime3(a.Ctime.Seconds + 1, a.Ctime.Nanoseconds);
        Wcc3Result r = H.Call<SetAttr3Args, Wcc3Result>(Nfs3Procedure.SetAttr, new SetAttr3Args(f, Sattr3.Empty with { Size = 0 }, wrongGuard));
        Assert.Equal(Nfs3Status.NotSync, r.Status);
        Assert.Equal(10ul, H.Attributes(f).Size);

        r = H.Call<SetAttr3Args, Wcc3Result>(Nfs3Procedure.SetAttr, new SetAttr3Args(f, Sattr3.Empty with { Size = 0 }, a.Ctime));
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.Equal(0ul, H.Attributes(f).Size);
    }

    [Fact]
    public void SetAttr_size_of_a_directory_is_refused()
    {
        NfsFh3 d = H.MakeDirectory(H.Root, "d");
        Wcc3Result r = H.Call<SetAttr3Args, Wcc3Result>(Nfs3Procedure.SetAttr, new SetAttr3Args(d, Sattr3.Empty with { Size = 0 }, null));
        Assert.Equal(Nfs3Status.IsDir, r.Status);
    }

    [Fact]
    public void Access_grants_the_bits_that_mean_something_for_the_type()
    {
        const Access3 all = (Access3)0x3F;
        Access3Result dir = H.Call<Access3Args, Access3Result>(Nfs3Procedure.Access, new Access3Args(H.Root, all));
        Assert.Equal(Nfs3Status.Ok, dir.Status);
        Assert.Equal(all & ~Access3.Execute, dir.Access);
        NfsFh3 f = H.CreateFile(H.Root, "f");
        Access3Result file = H.Call<Access3Args, Access3Result>(Nfs3Procedure.Access, new Access3Args(f, Access3.Read | Access3.Lookup));
        Assert.Equal(Access3.Read, file.Access);
        Assert.NotNull(file.ObjectAttributes);
    }

    // ---- LOOKUP and the export's edges ----

    [Fact]
    public void Lookup_finds_a_created_file_with_its_attributes_and_the_directorys()
    {
        NfsFh3 f = H.CreateFile(H.Root, "hello.txt", Bytes(5, 1));
        Lookup3Result r = H.Lookup(H.Root, "hello.txt");
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.Equal(f, r.Handle);
        Assert.Equal(5ul, r.ObjectAttributes!.Size);
        Assert.Equal(FileType3.Directory, r.DirectoryAttributes!.Type);
    }

    [Fact]
    public void Lookup_of_a_missing_name_is_noent_with_the_directorys_attributes()
    {
        Lookup3Result r = H.Lookup(H.Root, "missing");
        Assert.Equal(Nfs3Status.NoEnt, r.Status);
        Assert.Null(r.Handle);
        Assert.NotNull(r.DirectoryAttributes);
    }

    [Fact]
    public void Lookup_in_a_file_is_notdir()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f");
        Assert.Equal(Nfs3Status.NotDir, H.Lookup(f, "x").Status);
    }

    [Fact]
    public void Dot_dot_at_the_root_is_the_root_however_often_it_is_followed()
    {
        NfsFh3 at = H.Root;
        for (int i = 0; i < 5; i++)
        {
            Lookup3Result r = H.Lookup(at, "..");
            Assert.Equal(Nfs3Status.Ok, r.Status);
            at = r.Handle!;
        }

        Assert.Equal(H.Root, at);
        Assert.Equal(H.Root, H.Lookup(H.Root, ".").Handle);
    }

    [Fact]
    public void Dot_dot_in_a_subdirectory_is_its_parent()
    {
        NfsFh3 a = H.MakeDirectory(H.Root, "a");
        NfsFh3 b = H.MakeDirectory(a, "b");
        Assert.Equal(a, H.Lookup(b, "..").Handle);
        Assert.Equal(H.Root, H.Lookup(a, "..").Handle);
    }

    [Theory]
    [InlineData("../etc")]
    [InlineData("a/b")]
    [InlineData("/")]
    [InlineData("x\0y")]
    [InlineData("")]
    public void Names_that_are_not_single_components_are_refused_everywhere(string name)
    {
        H.MakeDirectory(H.Root, "a");
        Assert.Equal(Nfs3Status.Acces, H.Lookup(H.Root, name).Status);
        Assert.Equal(Nfs3Status.Acces, H.Create(H.Root, name).Status);
        Assert.Equal(Nfs3Status.Acces, H.MkDir(H.Root, name).Status);
        Assert.Equal(Nfs3Status.Acces, H.Remove(H.Root, name).Status);
        Assert.Equal(Nfs3Status.Acces, H.RmDir(H.Root, name).Status);
        Rename3Result rename = H.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, new Rename3Args(new DirOpArgs3(H.Root, "a"), new DirOpArgs3(H.Root, name)));
        Assert.Equal(Nfs3Status.Acces, rename.Status);
        Assert.Equal(Nfs3Status.Ok, H.Lookup(H.Root, "a").Status);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    public void Dot_names_can_be_neither_created_nor_removed_nor_renamed(string name)
    {
        NfsFh3 d = H.MakeDirectory(H.Root, "d");
        Assert.Equal(Nfs3Status.Inval, H.Create(d, name).Status);
        Assert.Equal(Nfs3Status.Inval, H.MkDir(d, name).Status);
        Assert.Equal(Nfs3Status.Inval, H.Remove(d, name).Status);
        Assert.Equal(Nfs3Status.Inval, H.RmDir(d, name).Status);
        Rename3Result rename = H.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, new Rename3Args(new DirOpArgs3(d, name), new DirOpArgs3(H.Root, "moved")));
        Assert.Equal(Nfs3Status.Inval, rename.Status);
        Assert.Equal(Nfs3Status.Ok, H.Lookup(H.Root, "d").Status);
    }

    // ---- handles ----

    [Fact]
    public void Flipping_any_bit_of_a_handle_gives_badhandle()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f");
        byte[] bytes = f.Bytes.ToArray();
        for (int bit = 0; bit < bytes.Length * 8; bit++)
        {
            byte[] forged = (byte[])bytes.Clone();
            forged[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Equal(Nfs3Status.BadHandle, H.GetAttr(new NfsFh3(forged)).Status);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void A_handle_of_the_wrong_length_is_badhandle(int length)
    {
        byte[] h = new byte[length];
        H.Root.Bytes.Span[..Math.Min(length, H.Root.Length)].CopyTo(h);
        Assert.Equal(Nfs3Status.BadHandle, H.GetAttr(new NfsFh3(h)).Status);
        Assert.Equal(Nfs3Status.BadHandle, H.Write(new NfsFh3(h), 0, [1]).Status);
        Assert.Equal(Nfs3Status.BadHandle, H.Lookup(new NfsFh3(h), "x").Status);
    }

    [Fact]
    public void A_handle_made_with_another_seed_is_badhandle()
    {
        var other = new FileHandleCodec(seed: 8);
        Assert.Equal(Nfs3Status.BadHandle, H.GetAttr(other.Encode(H.Backend.Root)).Status);
    }

    [Fact]
    public void A_handle_to_a_removed_file_is_stale_even_after_the_name_is_recreated()
    {
        NfsFh3 old = H.CreateFile(H.Root, "f", Bytes(10, 1));
        ulong oldId = H.Attributes(old).FileId;
        Assert.Equal(Nfs3Status.Ok, H.Remove(H.Root, "f").Status);
        Assert.Equal(Nfs3Status.Stale, H.GetAttr(old).Status);

        NfsFh3 again = H.CreateFile(H.Root, "f", Bytes(3, 2));
        Assert.Equal(oldId, H.Attributes(again).FileId); // the id is reused…
        Assert.NotEqual(old, again);                      // …with a new generation
        Assert.Equal(Nfs3Status.Stale, H.GetAttr(old).Status);
        Assert.Equal(Nfs3Status.Stale, H.Read(old, 0, 10).Status);
        Assert.Equal(Nfs3Status.Stale, H.Write(old, 0, [1]).Status);
        Assert.Equal(3ul, H.Attributes(again).Size);
    }

    [Fact]
    public void A_handle_survives_a_restart_with_the_same_seed()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f", Bytes(10, 1));
        var restarted = new Nfs3Server(H.Backend, seed: 7);
        Assert.Equal(H.Root, restarted.RootHandle);
        Assert.Equal(H.Server.WriteVerifier, restarted.WriteVerifier);
        Assert.NotEqual(H.Server.WriteVerifier, new Nfs3Server(H.Backend, seed: 7, bootEpoch: 1).WriteVerifier);
        Assert.NotEqual(H.Server.WriteVerifier, new Nfs3Server(H.Backend, seed: 8).WriteVerifier);
        Assert.Equal(Nfs3Status.Ok, H.GetAttr(f).Status);
    }

    // ---- CREATE ----

    [Fact]
    public void Guarded_create_of_an_existing_name_is_exist()
    {
        H.CreateFile(H.Root, "f", Bytes(10, 1));
        NewObject3Result r = H.Create(H.Root, "f", CreateMode.Guarded);
        Assert.Equal(Nfs3Status.Exist, r.Status);
        Assert.NotNull(r.DirectoryWcc.After);
        Assert.Equal(10ul, H.Attributes(H.Lookup(H.Root, "f").Handle!).Size);
    }

    [Fact]
    public void Unchecked_create_of_an_existing_file_reuses_it_and_applies_the_size()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f", Bytes(10, 1));
        NewObject3Result r = H.Create(H.Root, "f", CreateMode.Unchecked, Sattr3.Empty with { Size = 0 });
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.Equal(f, r.Handle);
        Assert.Equal(0ul, r.ObjectAttributes!.Size);
    }

    [Fact]
    public void Create_over_a_directory_is_exist_in_every_mode()
    {
        H.MakeDirectory(H.Root, "d");
        Assert.Equal(Nfs3Status.Exist, H.Create(H.Root, "d", CreateMode.Unchecked).Status);
        Assert.Equal(Nfs3Status.Exist, H.Create(H.Root, "d", CreateMode.Guarded).Status);
        NewObject3Result ex = H.Call<Create3Args, NewObject3Result>(Nfs3Procedure.Create, Create3Args.Exclusive(new DirOpArgs3(H.Root, "d"), 5));
        Assert.Equal(Nfs3Status.Exist, ex.Status);
    }

    [Fact]
    public void Exclusive_create_retried_with_its_verifier_succeeds_and_with_another_is_exist()
    {
        var where = new DirOpArgs3(H.Root, "once");
        NewObject3Result first = H.Call<Create3Args, NewObject3Result>(Nfs3Procedure.Create, Create3Args.Exclusive(where, 0x0123456789ABCDEF));
        Assert.Equal(Nfs3Status.Ok, first.Status);

        NewObject3Result retry = H.Call<Create3Args, NewObject3Result>(Nfs3Procedure.Create, Create3Args.Exclusive(where, 0x0123456789ABCDEF));
        Assert.Equal(Nfs3Status.Ok, retry.Status);
        Assert.Equal(first.Handle, retry.Handle);

        NewObject3Result other = H.Call<Create3Args, NewObject3Result>(Nfs3Procedure.Create, Create3Args.Exclusive(where, 0x0123456789ABCDEE));
        Assert.Equal(Nfs3Status.Exist, other.Status);
        Assert.Equal(Nfs3Status.Exist, H.Create(H.Root, "once", CreateMode.Guarded).Status);
    }

    [Fact]
    public void Create_in_a_file_is_notdir()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f");
        Assert.Equal(Nfs3Status.NotDir, H.Create(f, "x").Status);
    }

    // ---- WRITE, COMMIT, READ ----

    [Fact]
    public void Unstable_writes_then_commit_then_read_return_the_data_and_one_verifier()
    {
        NfsFh3 f = H.CreateFile(H.Root, "data");
        byte[] data = Bytes(70_000, 0xAA);
        Write3Result w1 = H.Write(f, 0, data[..40_000]);
        Write3Result w2 = H.Write(f, 40_000, data[40_000..]);
        Assert.Equal((Nfs3Status.Ok, 40_000u, StableHow.Unstable), (w1.Status, w1.Count, w1.Committed));
        Assert.Equal(30_000u, w2.Count);
        Assert.Equal(40_000ul, w2.FileWcc.Before!.Size);
        Assert.Equal(70_000ul, w2.FileWcc.After!.Size);
        Assert.Equal(H.Server.WriteVerifier, w1.Verifier);
        Assert.Equal(w1.Verifier, w2.Verifier);

        Commit3Result c = H.Call<Commit3Args, Commit3Result>(Nfs3Procedure.Commit, new Commit3Args(f, 0, 0));
        Assert.Equal(Nfs3Status.Ok, c.Status);
        Assert.Equal(w1.Verifier, c.Verifier);

        Read3Result r = H.Read(f, 0, 100_000);
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.True(r.Eof);
        Assert.Equal(70_000u, r.Count);
        Assert.Equal(data, r.Data.ToArray());

        Read3Result middle = H.Read(f, 1000, 10);
        Assert.False(middle.Eof);
        Assert.Equal(data.AsSpan(1000, 10).ToArray(), middle.Data.ToArray());
    }

    [Theory]
    [InlineData(StableHow.Unstable)]
    [InlineData(StableHow.DataSync)]
    [InlineData(StableHow.FileSync)]
    public void Write_reports_the_stability_it_was_asked_for(StableHow stable)
    {
        NfsFh3 f = H.CreateFile(H.Root, "f");
        Write3Result w = H.Write(f, 0, Bytes(10, 1), stable);
        Assert.Equal(Nfs3Status.Ok, w.Status);
        Assert.Equal(stable, w.Committed);
    }

    [Fact]
    public void A_write_past_the_end_leaves_a_hole_that_reads_as_zeros()
    {
        NfsFh3 f = H.CreateFile(H.Root, "holey");
        Assert.Equal(Nfs3Status.Ok, H.Write(f, 5000, [1, 2, 3]).Status);
        Read3Result r = H.Read(f, 0, 6000);
        Assert.Equal(5003u, r.Count);
        Assert.True(r.Data.Span[..5000].IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal([1, 2, 3], r.Data.Span[5000..].ToArray());
    }

    [Fact]
    public void Read_at_or_past_the_end_returns_nothing_and_eof()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f", Bytes(10, 1));
        foreach (ulong offset in new ulong[] { 10, 11, ulong.MaxValue })
        {
            Read3Result r = H.Read(f, offset, 100);
            Assert.Equal((Nfs3Status.Ok, 0u, true), (r.Status, r.Count, r.Eof));
        }
    }

    [Fact]
    public void Read_and_write_of_a_directory_are_isdir()
    {
        Assert.Equal(Nfs3Status.IsDir, H.Read(H.Root, 0, 10).Status);
        Assert.Equal(Nfs3Status.IsDir, H.Write(H.Root, 0, [1]).Status);
    }

    [Fact]
    public void Write_whose_count_differs_from_its_data_is_garbage_args()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f");
        foreach (uint count in new uint[] { 0, 4, 6, uint.MaxValue })
        {
            byte[] args = ServerHarness.Encode(new Write3Args(f, 0, count, StableHow.FileSync, Bytes(5, 1)));
            Assert.Equal(RpcAcceptStat.GarbageArgs, H.Raw(H.Server.Nfs, (uint)Nfs3Procedure.Write, args).Stat);
        }

        Assert.Equal(0ul, H.Attributes(f).Size);
    }

    [Fact]
    public void Write_at_an_offset_beyond_the_largest_file_is_fbig()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f");
        Write3Result w = H.Write(f, ulong.MaxValue - 1, [1, 2, 3]);
        Assert.Equal(Nfs3Status.FBig, w.Status);
        Assert.NotNull(w.FileWcc.After);
    }

    [Fact]
    public void Read_above_rtmax_is_clamped_and_write_above_wtmax_is_a_short_write()
    {
        var small = new ServerHarness(H.Backend, maxTransfer: 4096);
        NfsFh3 f = small.CreateFile(small.Root, "big");
        byte[] data = Bytes(10_000, 9);
        Write3Result w = small.Write(f, 0, data, StableHow.FileSync);
        Assert.Equal(Nfs3Status.Ok, w.Status);
        Assert.Equal(4096u, w.Count);
        Assert.Equal(4096ul, w.FileWcc.After!.Size);
        Assert.Equal(Nfs3Status.Ok, small.Write(f, 4096, data[4096..8192]).Status);

        Read3Result r = small.Read(f, 0, uint.MaxValue);
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.Equal(4096u, r.Count);
        Assert.False(r.Eof);
        Assert.Equal(data[..4096], r.Data.ToArray());

        FsInfo3Result info = small.Call<FsInfo3Args, FsInfo3Result>(Nfs3Procedure.FsInfo, new FsInfo3Args(small.Root));
        Assert.Equal((4096u, 4096u), (info.ReadMax, info.WriteMax));
    }

    [Fact]
    public void Commit_of_a_stale_handle_is_stale()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f");
        H.Remove(H.Root, "f");
        Commit3Result c = H.Call<Commit3Args, Commit3Result>(Nfs3Procedure.Commit, new Commit3Args(f, 0, 0));
        Assert.Equal(Nfs3Status.Stale, c.Status);
    }

    // ---- MKDIR, RMDIR, REMOVE ----

    [Fact]
    public void Mkdir_then_rmdir_and_the_directory_handle_goes_stale()
    {
        NfsFh3 d = H.MakeDirectory(H.Root, "d");
        Assert.Equal(FileType3.Directory, H.Attributes(d).Type);
        Assert.Equal(Nfs3Status.Exist, H.MkDir(H.Root, "d").Status);
        Wcc3Result r = H.RmDir(H.Root, "d");
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.NotNull(r.Wcc.Before);
        Assert.Equal(Nfs3Status.Stale, H.GetAttr(d).Status);
        Assert.Equal(Nfs3Status.NoEnt, H.Lookup(H.Root, "d").Status);
    }

    [Fact]
    public void Rmdir_of_a_non_empty_directory_is_notempty_and_of_a_file_is_notdir()
    {
        NfsFh3 d = H.MakeDirectory(H.Root, "d");
        H.CreateFile(d, "f");
        Assert.Equal(Nfs3Status.NotEmpty, H.RmDir(H.Root, "d").Status);
        Assert.Equal(Nfs3Status.NotDir, H.RmDir(d, "f").Status);
        Assert.Equal(Nfs3Status.NoEnt, H.RmDir(d, "nothing").Status);
    }

    [Fact]
    public void Remove_of_a_directory_is_isdir_and_of_a_missing_name_is_noent()
    {
        H.MakeDirectory(H.Root, "d");
        Assert.Equal(Nfs3Status.IsDir, H.Remove(H.Root, "d").Status);
        Assert.Equal(Nfs3Status.NoEnt, H.Remove(H.Root, "nothing").Status);
    }

    // ---- SYMLINK, READLINK, MKNOD, LINK, RENAME ----

    [Fact]
    public void Symlink_stores_its_text_and_readlink_returns_it_without_following()
    {
        H.CreateFile(H.Root, "target", Bytes(4, 1));
        NewObject3Result r = H.Call<Symlink3Args, NewObject3Result>(Nfs3Procedure.Symlink, new Symlink3Args(new DirOpArgs3(H.Root, "link"), Sattr3.Empty, "target"));
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.Equal(FileType3.Symlink, r.ObjectAttributes!.Type);
        Assert.Equal(6ul, r.ObjectAttributes.Size);

        Lookup3Result l = H.Lookup(H.Root, "link");
        Assert.Equal(FileType3.Symlink, l.ObjectAttributes!.Type);
        ReadLink3Result rl = H.Call<ReadLink3Args, ReadLink3Result>(Nfs3Procedure.ReadLink, new ReadLink3Args(l.Handle!));
        Assert.Equal((Nfs3Status.Ok, "target"), (rl.Status, rl.Target));
        Assert.Equal(Nfs3Status.Inval, H.Read(l.Handle!, 0, 10).Status);
        Assert.Equal(Nfs3Status.NotDir, H.Lookup(l.Handle!, "x").Status);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("/")]
    [InlineData("")]
    public void Absolute_or_empty_symlink_targets_are_refused(string target)
    {
        NewObject3Result r = H.Call<Symlink3Args, NewObject3Result>(Nfs3Procedure.Symlink, new Symlink3Args(new DirOpArgs3(H.Root, "link"), Sattr3.Empty, target));
        Assert.Equal(target.Length == 0 ? Nfs3Status.Inval : Nfs3Status.Acces, r.Status);
        Assert.Equal(Nfs3Status.NoEnt, H.Lookup(H.Root, "link").Status);
    }

    [Fact]
    public void Readlink_of_a_file_is_inval()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f");
        Assert.Equal(Nfs3Status.Inval, H.Call<ReadLink3Args, ReadLink3Result>(Nfs3Procedure.ReadLink, new ReadLink3Args(f)).Status);
    }

    [Fact]
    public void Mknod_makes_special_files_or_says_it_cannot()
    {
        var fifo = new MkNod3Args(new DirOpArgs3(H.Root, "fifo"), FileType3.Fifo, Sattr3.Empty, default);
        NewObject3Result r = H.Call<MkNod3Args, NewObject3Result>(Nfs3Procedure.MkNod, fifo);
        var chr = new MkNod3Args(new DirOpArgs3(H.Root, "null"), FileType3.Character, Sattr3.Empty, new SpecData3(1, 3));
        NewObject3Result c = H.Call<MkNod3Args, NewObject3Result>(Nfs3Procedure.MkNod, chr);
        var reg = new MkNod3Args(new DirOpArgs3(H.Root, "reg"), FileType3.Regular, Sattr3.Empty, default);
        NewObject3Result bad = H.Call<MkNod3Args, NewObject3Result>(Nfs3Procedure.MkNod, reg);
        if (SupportsSpecialFiles)
        {
            Assert.Equal(FileType3.Fifo, r.ObjectAttributes!.Type);
            Assert.Equal(new SpecData3(1, 3), c.ObjectAttributes!.Rdev);
            Assert.Equal(Nfs3Status.BadType, bad.Status);
        }
        else
        {
            Assert.Equal(Nfs3Status.NotSupp, r.Status);
            Assert.Equal(Nfs3Status.NotSupp, c.Status);
        }
    }

    [Fact]
    public void Link_adds_a_second_name_for_the_same_file_or_says_it_cannot()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f", Bytes(8, 5));
        Link3Result r = H.Call<Link3Args, Link3Result>(Nfs3Procedure.Link, new Link3Args(f, new DirOpArgs3(H.Root, "g")));
        if (!SupportsHardLinks)
        {
            Assert.Equal(Nfs3Status.NotSupp, r.Status);
            return;
        }

        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.Equal(2u, r.FileAttributes!.LinkCount);
        Assert.Equal(f, H.Lookup(H.Root, "g").Handle);
        H.Remove(H.Root, "f");
        Assert.Equal(Bytes(8, 5), H.Read(f, 0, 100).Data.ToArray());
        Assert.Equal(Nfs3Status.Exist, H.Call<Link3Args, Link3Result>(Nfs3Procedure.Link, new Link3Args(f, new DirOpArgs3(H.Root, "g"))).Status);
        Assert.Equal(Nfs3Status.IsDir, H.Call<Link3Args, Link3Result>(Nfs3Procedure.Link, new Link3Args(H.Root, new DirOpArgs3(H.Root, "r"))).Status);
    }

    [Fact]
    public void Rename_moves_a_file_between_directories_keeping_its_handle()
    {
        NfsFh3 a = H.MakeDirectory(H.Root, "a");
        NfsFh3 b = H.MakeDirectory(H.Root, "b");
        NfsFh3 f = H.CreateFile(a, "f", Bytes(6, 1));
        Rename3Result r = H.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, new Rename3Args(new DirOpArgs3(a, "f"), new DirOpArgs3(b, "g")));
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.NotNull(r.FromDirectoryWcc.After);
        Assert.NotNull(r.ToDirectoryWcc.Before);
        Assert.Equal(Nfs3Status.NoEnt, H.Lookup(a, "f").Status);
        Assert.Equal(f, H.Lookup(b, "g").Handle);
        Assert.Equal(Bytes(6, 1), H.Read(f, 0, 10).Data.ToArray());
    }

    [Fact]
    public void Rename_of_a_directory_keeps_handles_below_it()
    {
        NfsFh3 a = H.MakeDirectory(H.Root, "a");
        NfsFh3 f = H.CreateFile(a, "f", Bytes(6, 1));
        Rename3Result r = H.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, new Rename3Args(new DirOpArgs3(H.Root, "a"), new DirOpArgs3(H.Root, "z")));
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.Equal(Bytes(6, 1), H.Read(f, 0, 10).Data.ToArray());
        Assert.Equal(a, H.Lookup(H.Root, "z").Handle);
    }

    [Fact]
    public void Rename_replaces_a_file_but_not_a_non_empty_directory_nor_into_itself()
    {
        H.CreateFile(H.Root, "f", Bytes(3, 1));
        NfsFh3 old = H.CreateFile(H.Root, "g", Bytes(4, 2));
        NfsFh3 d = H.MakeDirectory(H.Root, "d");
        H.CreateFile(d, "inside");
        NfsFh3 e = H.MakeDirectory(H.Root, "e");

        Rename3Args Args(NfsFh3 fromDir, string from, NfsFh3 toDir, string to) => new(new DirOpArgs3(fromDir, from), new DirOpArgs3(toDir, to));
        Assert.Equal(Nfs3Status.Ok, H.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, Args(H.Root, "f", H.Root, "g")).Status);
        Assert.Equal(Nfs3Status.Stale, H.GetAttr(old).Status);
        Assert.Equal(3ul, H.Attributes(H.Lookup(H.Root, "g").Handle!).Size);

        Assert.Equal(Nfs3Status.Exist, H.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, Args(H.Root, "e", H.Root, "d")).Status);
        Assert.Equal(Nfs3Status.Exist, H.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, Args(H.Root, "g", H.Root, "e")).Status);
        Assert.Equal(Nfs3Status.Inval, H.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, Args(H.Root, "d", d, "sub")).Status);
        Assert.Equal(Nfs3Status.NoEnt, H.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, Args(H.Root, "nothing", H.Root, "x")).Status);
        Assert.Equal(Nfs3Status.Ok, H.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, Args(H.Root, "d", e, "d2")).Status);
        Assert.Equal(d, H.Lookup(e, "d2").Handle);
        Assert.Equal(e, H.Lookup(d, "..").Handle);
    }

    // ---- READDIR, READDIRPLUS ----

    [Fact]
    public void Readdir_lists_dot_dot_dot_and_every_entry_once()
    {
        for (int i = 0; i < 20; i++)
        {
            H.CreateFile(H.Root, $"file-{i:D2}");
        }

        List<string> all = H.ListAll(H.Root);
        Assert.Equal([".", "..", .. Enumerable.Range(0, 20).Select(i => $"file-{i:D2}")], all);
    }

    [Fact]
    public void Readdir_pages_within_count_and_resumes_from_cookies()
    {
        for (int i = 0; i < 50; i++)
        {
            H.CreateFile(H.Root, $"entry-with-a-longish-name-{i:D3}");
        }

        ReadDir3Result first = H.ReadDir(H.Root, count: 512);
        Assert.Equal(Nfs3Status.Ok, first.Status);
        Assert.False(first.Eof);
        Assert.True(ServerHarness.Encode(first).Length <= 512);
        List<string> paged = H.ListAll(H.Root, count: 512);
        Assert.Equal(52, paged.Count);
        Assert.Equal(paged.Distinct().Count(), paged.Count);
    }

    [Fact]
    public void Readdir_with_a_stale_cookie_verifier_is_bad_cookie()
    {
        for (int i = 0; i < 10; i++)
        {
            H.CreateFile(H.Root, $"f{i}");
        }

        ReadDir3Result first = H.ReadDir(H.Root, count: 300);
        Assert.False(first.Eof);
        ulong cookie = first.Entries[^1].Cookie;
        Assert.Equal(Nfs3Status.Ok, H.ReadDir(H.Root, cookie, first.CookieVerifier, 300).Status);
        Assert.Equal(Nfs3Status.BadCookie, H.ReadDir(H.Root, cookie, first.CookieVerifier ^ 1, 300).Status);
        Assert.Equal(Nfs3Status.BadCookie, H.ReadDir(H.Root, 1000, first.CookieVerifier, 300).Status);

        H.CreateFile(H.Root, "changes-the-directory");
        Assert.Equal(Nfs3Status.BadCookie, H.ReadDir(H.Root, cookie, first.CookieVerifier, 300).Status);
    }

    [Fact]
    public void Readdir_with_a_count_too_small_for_one_entry_is_toosmall()
    {
        Assert.Equal(Nfs3Status.TooSmall, H.ReadDir(H.Root, count: 100).Status);
        Assert.Equal(Nfs3Status.NotDir, H.ReadDir(H.CreateFile(H.Root, "f")).Status);
    }

    [Fact]
    public void Readdirplus_returns_handles_and_attributes_that_work()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f", Bytes(12, 1));
        NfsFh3 d = H.MakeDirectory(H.Root, "d");
        ReadDirPlus3Result r = H.Call<ReadDirPlus3Args, ReadDirPlus3Result>(Nfs3Procedure.ReadDirPlus, new ReadDirPlus3Args(H.Root, 0, 0, 4096, 65536));
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.True(r.Eof);
        Assert.Equal([".", "..", "d", "f"], r.Entries.Select(e => e.Name));
        EntryPlus3 fe = r.Entries.Single(e => e.Name == "f");
        Assert.Equal(f, fe.Handle);
        Assert.Equal(12ul, fe.Attributes!.Size);
        Assert.Equal(fe.FileId, fe.Attributes.FileId);
        Assert.Equal(d, r.Entries.Single(e => e.Name == "d").Handle);
        Assert.Equal(H.Root, r.Entries[1].Handle); // ".." at the root
    }

    [Fact]
    public void Readdirplus_pages_within_maxcount_and_dircount()
    {
        for (int i = 0; i < 30; i++)
        {
            H.CreateFile(H.Root, $"f{i:D2}");
        }

        var names = new List<string>();
        ulong cookie = 0, verifier = 0;
        for (int round = 0; round < 100; round++)
        {
            ReadDirPlus3Result r = H.Call<ReadDirPlus3Args, ReadDirPlus3Result>(Nfs3Procedure.ReadDirPlus, new ReadDirPlus3Args(H.Root, cookie, verifier, 100, 1024));
            Assert.Equal(Nfs3Status.Ok, r.Status);
            Assert.True(ServerHarness.Encode(r).Length <= 1024);
            Assert.True(r.Entries.Sum(e => e.DirectoryInfoLength) <= 100);
            names.AddRange(r.Entries.Select(e => e.Name));
            if (r.Eof)
            {
                break;
            }

            (cookie, verifier) = (r.Entries[^1].Cookie, r.CookieVerifier);
        }

        Assert.Equal(32, names.Count);
        Assert.Equal(names.Distinct().Count(), names.Count);
    }

    // ---- FSSTAT, FSINFO, PATHCONF ----

    [Fact]
    public void Fsinfo_advertises_one_mebibyte_transfers_and_the_backends_properties()
    {
        FsInfo3Result r = H.Call<FsInfo3Args, FsInfo3Result>(Nfs3Procedure.FsInfo, new FsInfo3Args(H.Root));
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.Equal((1u << 20, 1u << 20, 1u << 20, 1u << 20), (r.ReadMax, r.ReadPreferred, r.WriteMax, r.WritePreferred));
        Assert.True(r.DirectoryPreferred > 0);
        Assert.Equal(H.Backend.MaxFileSize, r.MaxFileSize);
        Assert.Equal(SupportsHardLinks, r.Properties.HasFlag(FsInfoProperties.Link));
        Assert.True(r.Properties.HasFlag(FsInfoProperties.Symlink));
        Assert.NotNull(r.ObjectAttributes);
    }

    [Fact]
    public void Fsstat_and_pathconf_answer_for_any_live_handle()
    {
        FsStat3Result st = H.Call<FsStat3Args, FsStat3Result>(Nfs3Procedure.FsStat, new FsStat3Args(H.Root));
        Assert.Equal(Nfs3Status.Ok, st.Status);
        Assert.True(st.FreeBytes <= st.TotalBytes);
        PathConf3Result pc = H.Call<PathConf3Args, PathConf3Result>(Nfs3Procedure.PathConf, new PathConf3Args(H.Root));
        Assert.Equal((Nfs3Status.Ok, 255u, true, false, true), (pc.Status, pc.NameMax, pc.NoTrunc, pc.CaseInsensitive, pc.CasePreserving));
        byte[] forged = H.Root.Bytes.ToArray();
        forged[^1] ^= 1;
        Assert.Equal(Nfs3Status.BadHandle, H.Call<FsStat3Args, FsStat3Result>(Nfs3Procedure.FsStat, new FsStat3Args(new NfsFh3(forged))).Status);
    }

    [Fact]
    public void Large_file_written_in_pieces_reads_back_whole()
    {
        NfsFh3 f = H.CreateFile(H.Root, "round-0");
        byte[] data = Bytes(300_000, 17);
        for (int at = 0; at < data.Length; at += 65536)
        {
            int n = Math.Min(65536, data.Length - at);
            Assert.Equal((uint)n, H.Write(f, (ulong)at, data[at..(at + n)]).Count);
        }

        using var collected = new MemoryStream();
        for (ulong at = 0; ; )
        {
            Read3Result r = H.Read(f, at, 32768);
            collected.Write(r.Data.Span);
            at += r.Count;
            if (r.Eof)
            {
                break;
            }
        }

        Assert.Equal(data, collected.ToArray());
    }
}
