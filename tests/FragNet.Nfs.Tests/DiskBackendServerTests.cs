using FragNet.Nfs.Protocol;
using FragNet.Nfs.Server;

namespace FragNet.Nfs.Tests;

/// <summary>The whole server contract over <see cref="DiskBackend"/> in a fresh temporary directory, and the
/// confinement checks only a real directory can exercise (symlinks already on disk, directories swapped for links).</summary>
public sealed class DiskBackendServerTests : Nfs3ServerContract, IDisposable
{
    private readonly string _sandbox = TestPaths.NewTempDirectory("disk");
    private readonly string _root;
    private readonly string _outside;

    public DiskBackendServerTests()
    {
        _root = Path.Combine(_sandbox, "export");
        _outside = Path.Combine(_sandbox, "outside");
        Directory.CreateDirectory(_root);
        Directory.CreateDirectory(_outside);
        File.WriteAllBytes(Path.Combine(_outside, "secret"), "secret bytes"u8.ToArray());
    }

    protected override INfsBackend CreateBackend() => new DiskBackend(_root);

    protected override bool SupportsHardLinks => false;

    protected override bool SupportsSpecialFiles => false;

    public void Dispose() => Directory.Delete(_sandbox, recursive: true);

    [Fact]
    public void Files_written_through_nfs_are_on_disk()
    {
        NfsFh3 d = H.MakeDirectory(H.Root, "dir");
        H.CreateFile(d, "f", [1, 2, 3, 4]);
        Assert.Equal([1, 2, 3, 4], File.ReadAllBytes(Path.Combine(_root, "dir", "f")));
    }

    [Fact]
    public void A_symlink_on_disk_pointing_outside_is_never_followed()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "escape"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "leak"), Path.Combine(_outside, "secret"));

        Lookup3Result escape = H.Lookup(H.Root, "escape");
        Assert.Equal(FileType3.Symlink, escape.ObjectAttributes!.Type);
        Assert.Equal(Nfs3Status.NotDir, H.Lookup(escape.Handle!, "secret").Status);
        Assert.Equal(Nfs3Status.NotDir, H.ReadDir(escape.Handle!).Status);
        Assert.Equal(Nfs3Status.NotDir, H.Create(escape.Handle!, "planted").Status);
        Assert.Equal(Nfs3Status.NotDir, H.MkDir(escape.Handle!, "planted").Status);
        Assert.Equal(Nfs3Status.NotDir, H.Remove(escape.Handle!, "secret").Status);

        NfsFh3 leak = H.Lookup(H.Root, "leak").Handle!;
        Assert.Equal(Nfs3Status.Inval, H.Read(leak, 0, 100).Status);
        Assert.Equal(Nfs3Status.Inval, H.Write(leak, 0, [0x41]).Status);
        Wcc3Result truncate = H.Call<SetAttr3Args, Wcc3Result>(Nfs3Procedure.SetAttr, new SetAttr3Args(leak, Sattr3.Empty with { Size = 0 }, null));
        Assert.NotEqual(Nfs3Status.Ok, truncate.Status);
        Assert.Equal(Nfs3Status.Exist, H.Create(H.Root, "leak", CreateMode.Unchecked, Sattr3.Empty with { Size = 0 }).Status);

        Assert.Equal(Nfs3Status.Ok, H.Remove(H.Root, "leak").Status); // removes the link, not its target
        Assert.Equal("secret bytes"u8.ToArray(), File.ReadAllBytes(Path.Combine(_outside, "secret")));
        Assert.Equal(["secret"], Directory.GetFileSystemEntries(_outside).Select(Path.GetFileName));
    }

    [Fact]
    public void A_directory_swapped_for_a_symlink_makes_handles_below_it_stale()
    {
        NfsFh3 d = H.MakeDirectory(H.Root, "d");
        NfsFh3 f = H.CreateFile(d, "secret", [1]);
        Directory.Move(Path.Combine(_root, "d"), Path.Combine(_root, "d-moved"));
        File.CreateSymbolicLink(Path.Combine(_root, "d"), _outside);

        Assert.Equal(Nfs3Status.Stale, H.Read(f, 0, 100).Status);
        Assert.Equal(Nfs3Status.Stale, H.Write(f, 0, [0x41]).Status);
        Assert.Equal(Nfs3Status.Stale, H.Lookup(d, "secret").Status);
        Assert.Equal("secret bytes"u8.ToArray(), File.ReadAllBytes(Path.Combine(_outside, "secret")));
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../outside/secret")]
    [InlineData("a/../../..")]
    public void A_relative_symlink_climbing_above_the_root_is_refused(string target)
    {
        NewObject3Result r = H.Call<Symlink3Args, NewObject3Result>(Nfs3Procedure.Symlink, new Symlink3Args(new DirOpArgs3(H.Root, "up"), Sattr3.Empty, target));
        Assert.Equal(Nfs3Status.Acces, r.Status);
        Assert.False(File.Exists(Path.Combine(_root, "up")));
    }

    [Fact]
    public void A_relative_symlink_within_the_root_is_allowed()
    {
        NfsFh3 d = H.MakeDirectory(H.Root, "d");
        NewObject3Result r = H.Call<Symlink3Args, NewObject3Result>(Nfs3Procedure.Symlink, new Symlink3Args(new DirOpArgs3(d, "up"), Sattr3.Empty, "../x"));
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.Equal("../x", new FileInfo(Path.Combine(_root, "d", "up")).LinkTarget);
    }

    [Fact]
    public void A_file_removed_behind_the_servers_back_is_stale()
    {
        NfsFh3 f = H.CreateFile(H.Root, "f", [1]);
        File.Delete(Path.Combine(_root, "f"));
        Assert.Equal(Nfs3Status.Stale, H.GetAttr(f).Status);
        File.WriteAllBytes(Path.Combine(_root, "f"), [2]);
        Assert.Equal(Nfs3Status.Stale, H.GetAttr(f).Status);
        Assert.Equal(Nfs3Status.Ok, H.Lookup(H.Root, "f").Status);
    }
}
