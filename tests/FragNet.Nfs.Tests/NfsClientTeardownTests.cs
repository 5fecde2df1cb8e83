using FragNet.Buffers;
using FragNet.Nfs.Client;
using FragNet.Nfs.Protocol;
using FragNet.SunRpc.Client;

namespace FragNet.Nfs.Tests;

/// <summary>What a buffered write leaves behind when it cannot be made or its client goes away: nothing.</summary>
public sealed class NfsClientTeardownTests
{
    [Fact]
    public void A_buffered_write_the_page_cache_cannot_hold_takes_no_page()
    {
        using var net = new NfsNetwork(onDisk: false);
        NfsFh3 root = net.MountExport();
        NfsFh3 file = net.CreateFile(root, "big");
        var hog = new List<Page>();
        while (net.PageCache.Available > 2)
        {
            hog.Add(net.PageCache.Alloc());
        }

        Assert.Throws<PagePoolExhaustedException>(() => net.Client.WriteBuffered(file, 0, new byte[3 * Page.Size], StableHow.FileSync, net.Now));
        Assert.Equal(2, net.PageCache.Available);
        hog.ForEach(p => p.Release());
    }

    [Fact]
    public void Disposing_the_rpc_client_fails_a_pending_buffered_write_and_returns_its_cache_pages()
    {
        using var net = new NfsNetwork(onDisk: false);
        NfsFh3 root = net.MountExport();
        NfsFh3 file = net.CreateFile(root, "pending");
        NfsRequest<Write3Result> write = net.Client.WriteBuffered(file, 0, new byte[3 * Page.Size], StableHow.FileSync, net.Now);
        int completions = 0;
        write.Completed = _ => completions++;
        Assert.Equal(3, net.PageCache.Outstanding);

        net.NfsRpc.Dispose();

        Assert.True(write.IsDone);
        Assert.Equal(1, completions);
        Assert.Equal(RpcCallState.Failed, write.Call.State);
        Assert.NotNull(write.Error);
        net.RunFor(Duration.FromSeconds(1)); // the RST goes out; the stack lets go of anything it still held
        Assert.Equal(0, net.PageCache.Outstanding);
    }
}
