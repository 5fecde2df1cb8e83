using FragNet.Nfs.Protocol;
using FragNet.Nfs.Server;
using FragNet.SunRpc.Client;

namespace FragNet.Nfs.Tests;

/// <summary>
/// The NFSv3 client against the NFSv3 server over the simulated network: every call goes from an
/// <see cref="Client.NfsClient"/> through its RPC client, FragNet TCP and the simulated link to the server's RPC
/// server and back — never through <c>Dispatch</c> directly. The class is abstract;
/// <see cref="NfsEndToEndMemoryTests"/> and <see cref="NfsEndToEndDiskTests"/> run all of it, each test on a fresh
/// network and backend, and every test ends with the network's leak check.
/// </summary>
/// <remarks>This file holds the namespace procedures; <c>NfsEndToEndContract.Writes.cs</c> the data path (WRITE
/// under each page send policy, buffered writes, large and unaligned writes) and retransmissions.</remarks>
public abstract partial class NfsEndToEndContract
{
    /// <summary>Export a <see cref="DiskBackend"/> rather than a <see cref="MemoryBackend"/>.</summary>
    protected abstract bool OnDisk { get; }

    /// <summary>LINK works (the disk backend answers NFS3ERR_NOTSUPP, and FSINFO says so).</summary>
    protected abstract bool SupportsHardLinks { get; }

    internal NfsNetwork Open(RpcClientConfig? config = null) => new(OnDisk, config);

    private static byte[] Bytes(int length, byte seed)
    {
        var b = new byte[length];
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = (byte)(seed + (i * 31) + (i >> 12));
        }

        return b;
    }

    private static NfsFh3 MakeDirectory(NfsNetwork net, NfsFh3 parent, string name)
    {
        NewObject3Result r = net.Call<MkDir3Args, NewObject3Result>(Nfs3Procedure.MkDir, new MkDir3Args(new DirOpArgs3(parent, name), Sattr3.Empty));
        Assert.Equal(Nfs3Status.Ok, r.Status);
        return r.Handle!;
    }

    private static Write3Result WriteBytes(NfsNetwork net, NfsFh3 file, ulong offset, byte[] data, StableHow stable) =>
        net.Call<Write3Args, Write3Result>(Nfs3Procedure.Write, Write3Args.FromBytes(file, offset, stable, data));

    // ---- MOUNT ----

    [Fact]
    public void Mnt_of_the_export_returns_a_root_handle_that_works_and_another_path_is_noent()
    {
        using var net = Open();
        Mnt3Result mnt = net.Complete(net.Client.Mount("/export", net.Now));
        Assert.Equal(MountStatus3.Ok, mnt.Status);
        Assert.Equal(net.Server.RootHandle, mnt.Handle);
        GetAttr3Result root = net.Complete(net.Client.GetAttr(mnt.Handle!, net.Now));
        Assert.Equal((Nfs3Status.Ok, FileType3.Directory), (root.Status, root.Attributes!.Type));

        Mnt3Result other = net.Complete(net.Client.Mount("/srv/elsewhere", net.Now));
        Assert.Equal(MountStatus3.NoEnt, other.Status);
        Assert.Null(other.Handle);
        Assert.Equal(2, net.MountServer.Counters.Calls);
        Assert.Equal(1, net.NfsServer.Counters.Calls);
    }

    // ---- CREATE, LOOKUP, GETATTR ----

    [Fact]
    public void Guarded_create_twice_is_exist_and_unchecked_create_of_the_same_name_reuses_the_file()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        NewObject3Result first = net.Complete(net.Client.Create(root, "guarded", CreateMode.Guarded, net.Now));
        Assert.Equal(Nfs3Status.Ok, first.Status);
        Assert.Equal(FileType3.Regular, first.ObjectAttributes!.Type);

        NewObject3Result again = net.Complete(net.Client.Create(root, "guarded", CreateMode.Guarded, net.Now));
        Assert.Equal(Nfs3Status.Exist, again.Status);
        Assert.Null(again.Handle);

        NewObject3Result unchecked1 = net.Complete(net.Client.Create(root, "guarded", CreateMode.Unchecked, net.Now));
        Assert.Equal(Nfs3Status.Ok, unchecked1.Status);
        Assert.Equal(first.Handle, unchecked1.Handle);

        NewObject3Result fresh = net.Complete(net.Client.Create(root, "unchecked", CreateMode.Unchecked, net.Now));
        Assert.Equal(Nfs3Status.Ok, fresh.Status);
        Assert.NotEqual(first.Handle, fresh.Handle);
    }

    [Fact]
    public void Exclusive_create_retried_with_its_verifier_returns_the_same_handle_and_with_another_is_exist()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        var where = new DirOpArgs3(root, "exclusive");
        NewObject3Result first = net.Call<Create3Args, NewObject3Result>(Nfs3Procedure.Create, Create3Args.Exclusive(where, 0x0123_4567_89AB_CDEF));
        NewObject3Result retry = net.Call<Create3Args, NewObject3Result>(Nfs3Procedure.Create, Create3Args.Exclusive(where, 0x0123_4567_89AB_CDEF));
        NewObject3Result other = net.Call<Create3Args, NewObject3Result>(Nfs3Procedure.Create, Create3Args.Exclusive(where, 0x0123_4567_89AB_CDEE));

        Assert.Equal(Nfs3Status.Ok, first.Status);
        Assert.Equal(Nfs3Status.Ok, retry.Status);
        Assert.Equal(first.Handle, retry.Handle);
        Assert.Equal(Nfs3Status.Exist, other.Status);
        // The retry is a new call with its own xid: the server recognised it by the stored verifier, not from its
        // duplicate request cache.
        Assert.Equal(0, net.NfsServer.Counters.Replayed);
    }

    [Fact]
    public void Lookup_and_getattr_of_a_created_file_agree_with_the_create()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        NewObject3Result created = net.Complete(net.Client.Create(root, "hello.txt", CreateMode.Guarded, net.Now));

        Lookup3Result found = net.Complete(net.Client.Lookup(root, "hello.txt", net.Now));
        Assert.Equal(Nfs3Status.Ok, found.Status);
        Assert.Equal(created.Handle, found.Handle);
        Assert.Equal(FileType3.Directory, found.DirectoryAttributes!.Type);

        GetAttr3Result attrs = net.Complete(net.Client.GetAttr(found.Handle!, net.Now));
        Assert.Equal(Nfs3Status.Ok, attrs.Status);
        Assert.Equal(FileType3.Regular, attrs.Attributes!.Type);
        Assert.Equal(0ul, attrs.Attributes.Size);
        Assert.Equal(created.ObjectAttributes!.FileId, attrs.Attributes.FileId);
        Assert.Equal(0x1A4u, attrs.Attributes.Mode & 0xFFF); // NfsClient.Create asks for 0644

        Lookup3Result missing = net.Complete(net.Client.Lookup(root, "missing", net.Now));
        Assert.Equal(Nfs3Status.NoEnt, missing.Status);
    }

    // ---- WRITE, COMMIT, READ ----

    [Fact]
    public void Writes_at_every_stable_level_then_commit_share_one_verifier_and_read_back_exactly()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        NfsFh3 f = net.CreateFile(root, "data");
        byte[] data = Bytes(30_000, 0x21);
        StableHow[] levels = [StableHow.Unstable, StableHow.DataSync, StableHow.FileSync];
        var verifiers = new List<ulong>();
        for (int i = 0; i < levels.Length; i++)
        {
            Write3Result w = WriteBytes(net, f, (ulong)(i * 10_000), data[(i * 10_000)..((i + 1) * 10_000)], levels[i]);
            Assert.Equal(Nfs3Status.Ok, w.Status);
            Assert.Equal(10_000u, w.Count);
            Assert.True(w.Committed >= levels[i], $"asked for {levels[i]}, got {w.Committed}");
            verifiers.Add(w.Verifier);
        }

        Commit3Result commit = net.Complete(net.Client.Commit(f, 0, 0, net.Now));
        Assert.Equal(Nfs3Status.Ok, commit.Status);
        Assert.All(verifiers, v => Assert.Equal(commit.Verifier, v));
        Assert.Equal(net.Server.WriteVerifier, commit.Verifier);

        Read3Result whole = net.Complete(net.Client.Read(f, 0, 100_000, net.Now));
        Assert.Equal((Nfs3Status.Ok, 30_000u, true), (whole.Status, whole.Count, whole.Eof));
        Assert.Equal(data, whole.Data.ToArray());

        Read3Result middle = net.Complete(net.Client.Read(f, 12_345, 100, net.Now));
        Assert.False(middle.Eof);
        Assert.Equal(data.AsSpan(12_345, 100).ToArray(), middle.Data.ToArray());

        Read3Result tail = net.Complete(net.Client.Read(f, 29_990, 100, net.Now));
        Assert.Equal((10u, true), (tail.Count, tail.Eof));

        Read3Result past = net.Complete(net.Client.Read(f, 40_000, 100, net.Now));
        Assert.Equal((Nfs3Status.Ok, 0u, true), (past.Status, past.Count, past.Eof));
        Assert.True(past.Data.IsEmpty);
    }

    // ---- READDIR, REMOVE ----

    [Fact]
    public void Readdir_pages_through_every_created_name_once()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        string[] names = [.. Enumerable.Range(0, 25).Select(i => $"entry-with-a-longish-name-{i:D2}")];
        foreach (string name in names)
        {
            net.CreateFile(root, name);
        }

        List<string> listed = net.ListAll(root, count: 512);
        Assert.Equal([".", "..", .. names], listed);
        Assert.True(net.NfsServer.Counters.Calls > names.Length + 2, "a 512-byte count should need several READDIRs");
    }

    [Fact]
    public void Remove_then_lookup_is_noent_and_the_old_handle_is_stale()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        NfsFh3 f = net.CreateFile(root, "doomed");
        Wcc3Result removed = net.Complete(net.Client.Remove(root, "doomed", net.Now));
        Assert.Equal(Nfs3Status.Ok, removed.Status);
        Assert.NotNull(removed.Wcc.After);

        Assert.Equal(Nfs3Status.NoEnt, net.Complete(net.Client.Lookup(root, "doomed", net.Now)).Status);
        Assert.Equal(Nfs3Status.Stale, net.Complete(net.Client.GetAttr(f, net.Now)).Status);
        Assert.Equal(Nfs3Status.NoEnt, net.Complete(net.Client.Remove(root, "doomed", net.Now)).Status);
        Assert.Equal([".", ".."], net.ListAll(root));
    }

    // ---- MKDIR, RMDIR, RENAME, SYMLINK, READLINK ----

    [Fact]
    public void Mkdir_makes_a_directory_that_holds_files_and_rmdir_removes_it_once_empty()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        NfsFh3 d = MakeDirectory(net, root, "dir");
        Assert.Equal(FileType3.Directory, net.Complete(net.Client.GetAttr(d, net.Now)).Attributes!.Type);
        Assert.Equal(Nfs3Status.Exist, net.Call<MkDir3Args, NewObject3Result>(Nfs3Procedure.MkDir, new MkDir3Args(new DirOpArgs3(root, "dir"), Sattr3.Empty)).Status);
        net.CreateFile(d, "inside");
        Assert.Equal(root, net.Complete(net.Client.Lookup(d, "..", net.Now)).Handle);

        Assert.Equal(Nfs3Status.NotEmpty, net.Call<RmDir3Args, Wcc3Result>(Nfs3Procedure.RmDir, new RmDir3Args(new DirOpArgs3(root, "dir"))).Status);
        Assert.Equal(Nfs3Status.Ok, net.Complete(net.Client.Remove(d, "inside", net.Now)).Status);
        Assert.Equal(Nfs3Status.Ok, net.Call<RmDir3Args, Wcc3Result>(Nfs3Procedure.RmDir, new RmDir3Args(new DirOpArgs3(root, "dir"))).Status);
        Assert.Equal(Nfs3Status.NoEnt, net.Complete(net.Client.Lookup(root, "dir", net.Now)).Status);
        Assert.Equal(Nfs3Status.Stale, net.Complete(net.Client.GetAttr(d, net.Now)).Status);
    }

    [Fact]
    public void Rename_moves_a_file_between_directories_keeping_its_handle_and_contents()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        NfsFh3 a = MakeDirectory(net, root, "a");
        NfsFh3 b = MakeDirectory(net, root, "b");
        NfsFh3 f = net.CreateFile(a, "f");
        Assert.Equal(Nfs3Status.Ok, WriteBytes(net, f, 0, Bytes(6, 1), StableHow.FileSync).Status);

        Rename3Result r = net.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, new Rename3Args(new DirOpArgs3(a, "f"), new DirOpArgs3(b, "g")));
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.NotNull(r.FromDirectoryWcc.After);
        Assert.NotNull(r.ToDirectoryWcc.After);
        Assert.Equal(Nfs3Status.NoEnt, net.Complete(net.Client.Lookup(a, "f", net.Now)).Status);
        Assert.Equal(f, net.Complete(net.Client.Lookup(b, "g", net.Now)).Handle);
        Assert.Equal(Bytes(6, 1), net.ReadAll(f));
        Rename3Result missing = net.Call<Rename3Args, Rename3Result>(Nfs3Procedure.Rename, new Rename3Args(new DirOpArgs3(a, "f"), new DirOpArgs3(b, "h")));
        Assert.Equal(Nfs3Status.NoEnt, missing.Status);
    }

    [Fact]
    public void Symlink_stores_its_target_and_readlink_returns_it()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        net.CreateFile(root, "target");
        NewObject3Result link = net.Call<Symlink3Args, NewObject3Result>(Nfs3Procedure.Symlink, new Symlink3Args(new DirOpArgs3(root, "link"), Sattr3.Empty, "target"));
        Assert.Equal(Nfs3Status.Ok, link.Status);
        Assert.Equal(FileType3.Symlink, link.ObjectAttributes!.Type);

        Lookup3Result found = net.Complete(net.Client.Lookup(root, "link", net.Now));
        Assert.Equal(FileType3.Symlink, found.ObjectAttributes!.Type);
        Assert.Equal(link.Handle, found.Handle);
        ReadLink3Result text = net.Call<ReadLink3Args, ReadLink3Result>(Nfs3Procedure.ReadLink, new ReadLink3Args(found.Handle!));
        Assert.Equal((Nfs3Status.Ok, "target"), (text.Status, text.Target));
        Assert.Equal(FileType3.Symlink, text.SymlinkAttributes!.Type);
    }

    // ---- SETATTR, ACCESS, FSINFO, FSSTAT, PATHCONF, READDIRPLUS ----

    [Fact]
    public void Setattr_of_a_smaller_size_truncates_the_file()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        NfsFh3 f = net.CreateFile(root, "long");
        byte[] data = Bytes(5000, 9);
        Assert.Equal(Nfs3Status.Ok, WriteBytes(net, f, 0, data, StableHow.FileSync).Status);

        Wcc3Result set = net.Call<SetAttr3Args, Wcc3Result>(Nfs3Procedure.SetAttr, new SetAttr3Args(f, Sattr3.Empty with { Size = 100 }, null));
        Assert.Equal(Nfs3Status.Ok, set.Status);
        Assert.Equal(5000ul, set.Wcc.Before!.Size);
        Assert.Equal(100ul, set.Wcc.After!.Size);
        Assert.Equal(100ul, net.Complete(net.Client.GetAttr(f, net.Now)).Attributes!.Size);
        Assert.Equal(data[..100], net.ReadAll(f));
    }

    [Fact]
    public void Access_fsinfo_fsstat_and_pathconf_answer_for_the_root()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        NfsFh3 f = net.CreateFile(root, "f");

        const Access3 all = (Access3)0x3F;
        Access3Result dir = net.Call<Access3Args, Access3Result>(Nfs3Procedure.Access, new Access3Args(root, all));
        Assert.Equal((Nfs3Status.Ok, all & ~Access3.Execute), (dir.Status, dir.Access));
        Access3Result file = net.Call<Access3Args, Access3Result>(Nfs3Procedure.Access, new Access3Args(f, Access3.Read | Access3.Lookup));
        Assert.Equal((Nfs3Status.Ok, Access3.Read), (file.Status, file.Access));

        FsInfo3Result info = net.Call<FsInfo3Args, FsInfo3Result>(Nfs3Procedure.FsInfo, new FsInfo3Args(root));
        Assert.Equal(Nfs3Status.Ok, info.Status);
        Assert.Equal((1u << 20, 1u << 20), (info.ReadMax, info.WriteMax));
        Assert.True((uint)net.Client.WriteSize <= info.WriteMax, "the client's wsize must not exceed the server's wtmax");
        Assert.Equal(net.Backend.MaxFileSize, info.MaxFileSize);
        Assert.Equal(SupportsHardLinks, info.Properties.HasFlag(FsInfoProperties.Link));
        Assert.True(info.Properties.HasFlag(FsInfoProperties.Symlink));

        FsStat3Result stat = net.Call<FsStat3Args, FsStat3Result>(Nfs3Procedure.FsStat, new FsStat3Args(root));
        Assert.Equal(Nfs3Status.Ok, stat.Status);
        Assert.True(stat.FreeBytes <= stat.TotalBytes);

        PathConf3Result pc = net.Call<PathConf3Args, PathConf3Result>(Nfs3Procedure.PathConf, new PathConf3Args(root));
        Assert.Equal((Nfs3Status.Ok, 255u, true), (pc.Status, pc.NameMax, pc.NoTrunc));
    }

    [Fact]
    public void Readdirplus_returns_names_handles_and_attributes_that_match_lookup()
    {
        using var net = Open();
        NfsFh3 root = net.MountExport();
        NfsFh3 d = MakeDirectory(net, root, "d");
        NfsFh3 f = net.CreateFile(root, "f");
        Assert.Equal(Nfs3Status.Ok, WriteBytes(net, f, 0, Bytes(12, 3), StableHow.FileSync).Status);

        ReadDirPlus3Result r = net.Call<ReadDirPlus3Args, ReadDirPlus3Result>(Nfs3Procedure.ReadDirPlus, new ReadDirPlus3Args(root, 0, 0, 4096, 65536));
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.True(r.Eof);
        Assert.Equal([".", "..", "d", "f"], r.Entries.Select(e => e.Name));
        EntryPlus3 fe = r.Entries.Single(e => e.Name == "f");
        Assert.Equal(f, fe.Handle);
        Assert.Equal(12ul, fe.Attributes!.Size);
        Assert.Equal(d, r.Entries.Single(e => e.Name == "d").Handle);
        Assert.Equal(FileType3.Directory, r.Entries.Single(e => e.Name == "d").Attributes!.Type);
        Assert.Equal(net.Complete(net.Client.Lookup(root, "f", net.Now)).ObjectAttributes!.FileId, fe.FileId);
    }
}
