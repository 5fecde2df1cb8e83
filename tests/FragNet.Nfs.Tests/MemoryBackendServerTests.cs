using FragNet.Nfs.Protocol;
using FragNet.Nfs.Server;

namespace FragNet.Nfs.Tests;

/// <summary>The whole server contract over <see cref="MemoryBackend"/>, and what only it offers.</summary>
public sealed class MemoryBackendServerTests : Nfs3ServerContract
{
    private readonly MemoryBackend _fs = new();

    protected override INfsBackend CreateBackend() => _fs;

    protected override bool SupportsHardLinks => true;

    protected override bool SupportsSpecialFiles => true;

    [Fact]
    public void ReadAllBytes_returns_what_a_client_wrote_by_path()
    {
        NfsFh3 d = H.MakeDirectory(H.Root, "dir");
        H.CreateFile(H.Root, "round-0", [1, 2, 3]);
        H.CreateFile(d, "inner", [4, 5]);
        Assert.Equal([1, 2, 3], _fs.ReadAllBytes("/round-0"));
        Assert.Equal([1, 2, 3], _fs.ReadAllBytes("round-0"));
        Assert.Equal([4, 5], _fs.ReadAllBytes("/dir/inner"));
        Assert.True(_fs.Exists("/dir"));
        Assert.Throws<FileNotFoundException>(() => _fs.ReadAllBytes("/missing"));
        Assert.Throws<FileNotFoundException>(() => _fs.ReadAllBytes("/dir"));
    }

    [Fact]
    public void WriteAllBytes_prepares_a_file_a_client_can_read()
    {
        _fs.CreateDirectory("/d");
        _fs.WriteAllBytes("/d/seeded", [9, 8, 7]);
        NfsFh3 d = H.Lookup(H.Root, "d").Handle!;
        Read3Result r = H.Read(H.Lookup(d, "seeded").Handle!, 0, 10);
        Assert.Equal([9, 8, 7], r.Data.ToArray());
    }

    [Fact]
    public void Removing_the_last_link_frees_the_node()
    {
        int before = _fs.NodeCount;
        NfsFh3 f = H.CreateFile(H.Root, "f");
        H.Call<Link3Args, Link3Result>(Nfs3Procedure.Link, new Link3Args(f, new DirOpArgs3(H.Root, "g")));
        H.Remove(H.Root, "f");
        Assert.Equal(before + 1, _fs.NodeCount);
        H.Remove(H.Root, "g");
        Assert.Equal(before, _fs.NodeCount);
        Assert.Equal(Nfs3Status.Stale, H.GetAttr(f).Status);
    }
}
