using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Nfs.Client;
using FragNet.Nfs.Protocol;
using FragNet.SunRpc.Client;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Tests;

/// <summary>The data path end to end: WRITE from the application's own pages under each
/// <see cref="PageSendPolicy"/>, buffered writes through the client's page cache, writes larger than a page and not
/// page-aligned, a whole wsize, and non-idempotent calls whose replies are stalled so the client retransmits them.</summary>
public abstract partial class NfsEndToEndContract
{
    /// <summary>Server→client frames carrying data (PSH) from the NFS port: the NFS replies, not the MOUNT ones.</summary>
    private static PacketFilter NfsReplies => PacketFilter.Compile($"tcp src port {Nfs3Constants.Port} and tcp[13] & 8 != 0");

    /// <summary>Stalls the server→client direction once, at the first frame <paramref name="filter"/> matches.</summary>
    private static void StallOnce(NfsNetwork net, Duration duration, PacketFilter filter) =>
        net.Link.B.Faults = new FaultInjector(1).Add(FaultRule.StallOneIn(1, duration, filter).AtMost(1));

    /// <summary>The XDR pages covering <paramref name="length"/> bytes of <paramref name="buffer"/> from byte
    /// <paramref name="start"/>, one entry per page touched (the first and last may be partial).</summary>
    private static XdrPage[] PagesOf(UserBuffer buffer, int start, int length)
    {
        var pages = new List<XdrPage>();
        for (int at = start, end = start + length; at < end;)
        {
            int inPage = at % Page.Size;
            int n = Math.Min(Page.Size - inPage, end - at);
            pages.Add(new XdrPage(buffer[at / Page.Size], inPage, n));
            at += n;
        }

        return [.. pages];
    }

    // ---- WriteDirect: the application's pages, zero-copy ----

    [Theory]
    [InlineData(PageSendPolicy.Unsafe)]
    [InlineData(PageSendPolicy.Copy)]
    [InlineData(PageSendPolicy.CopyOnRetransmit)]
    [InlineData(PageSendPolicy.Destructor)]
    [InlineData(PageSendPolicy.DestructorTimeout)]
    public void A_direct_write_from_the_applications_pages_arrives_intact_under_every_send_policy(PageSendPolicy policy)
    {
        using var app = new UserBuffer(4, "application");
        byte[] data = Bytes(3 * Page.Size, 0x5A);
        data.CopyTo(app.Span);
        XdrPage[] pages = PagesOf(app, 0, data.Length);
        using (NfsNetwork net = Open(NfsNetwork.DefaultConfig with { Policy = policy }))
        {
            NfsFh3 root = net.MountExport();
            NfsFh3 f = net.CreateFile(root, "direct");
            NfsRequest<Write3Result> write = net.Client.WriteDirect(f, 0, pages, StableHow.FileSync, net.Now);
            int[] refsAtCompletion = [];
            write.Completed = _ => refsAtCompletion = [.. pages.Select(p => p.Page.RefCount)];

            Write3Result w = net.Complete(write);
            Assert.Equal((Nfs3Status.Ok, (uint)data.Length, StableHow.FileSync), (w.Status, w.Count, w.Committed));
            Assert.Equal(1, write.Call.Transmissions);
            switch (policy)
            {
                case PageSendPolicy.Destructor or PageSendPolicy.DestructorTimeout:
                    // Complete means the stack has let go: the application holds its pages alone.
                    Assert.Equal([1, 1, 1], refsAtCompletion);
                    Assert.Equal(1, write.Call.Destructor!.DestroyCount);
                    Assert.Equal(0, net.NfsRpc.Counters.Orphaned);
                    Assert.Equal(0, net.NfsRpc.Counters.PayloadBytesCopied);
                    break;
                case PageSendPolicy.Copy:
                    Assert.Equal(data.Length, write.Call.BytesCopied);
                    Assert.Equal(data.Length, net.NfsRpc.Counters.PayloadBytesCopied);
                    break;
                default: // Unsafe, and CopyOnRetransmit without a retransmission: the pages went out by reference
                    Assert.Equal(0, net.NfsRpc.Counters.PayloadBytesCopied);
                    break;
            }

            net.RunFor(Duration.FromSeconds(1));
            Assert.Equal(0, app.PagesInUse); // under every policy the stack lets go once the data is acknowledged
            Assert.Equal(data, net.ReadAll(f));
        }

        app.Dispose();
        Assert.True(app.IsFreed);
    }

    [Fact]
    public void A_direct_write_larger_than_a_page_and_not_page_aligned_round_trips()
    {
        using var app = new UserBuffer(5, "application");
        const int inPage = 100;          // the data starts 100 bytes into the application's first page…
        const int fileOffset = 12_345;   // …and goes to an offset that is no multiple of a page either
        byte[] data = Bytes((3 * Page.Size) + 500, 0x77);
        data.CopyTo(app.Span[inPage..]);
        XdrPage[] pages = PagesOf(app, inPage, data.Length);
        Assert.Equal(4, pages.Length);
        using (NfsNetwork net = Open())
        {
            NfsFh3 root = net.MountExport();
            NfsFh3 f = net.CreateFile(root, "unaligned");

            Write3Result w = net.Complete(net.Client.WriteDirect(f, fileOffset, pages, StableHow.Unstable, net.Now));
            Assert.Equal((Nfs3Status.Ok, (uint)data.Length), (w.Status, w.Count));
            Assert.Equal((ulong)(fileOffset + data.Length), w.FileWcc.After!.Size);
            Assert.Equal(Nfs3Status.Ok, net.Complete(net.Client.Commit(f, 0, 0, net.Now)).Status);

            byte[] back = net.ReadAll(f);
            Assert.Equal(fileOffset + data.Length, back.Length);
            Assert.True(back.AsSpan(0, fileOffset).IndexOfAnyExcept((byte)0) < 0, "the hole before the write reads as zeros");
            Assert.Equal(data, back[fileOffset..]);
            Assert.Equal(0, app.PagesInUse);
        }

        app.Dispose();
        Assert.True(app.IsFreed);
    }

    [Fact]
    public void A_direct_write_of_a_whole_wsize_round_trips_in_one_write_and_one_read()
    {
        const int wsize = 1 << 20;
        using var app = new UserBuffer(wsize / Page.Size, "application");
        byte[] data = Bytes(wsize, 0x13);
        data.CopyTo(app.Span);
        using (NfsNetwork net = Open())
        {
            Assert.Equal(wsize, net.Client.WriteSize);
            NfsFh3 root = net.MountExport();
            NfsFh3 f = net.CreateFile(root, "mebibyte");
            XdrPage[] pages = PagesOf(app, 0, wsize);
            Assert.Throws<ArgumentException>(() => net.Client.WriteDirect(f, 0, PagesOf(app, 0, wsize).Append(pages[0]).ToArray(), StableHow.Unstable, net.Now));

            Write3Result w = net.Complete(net.Client.WriteDirect(f, 0, pages, StableHow.Unstable, net.Now));
            Assert.Equal((Nfs3Status.Ok, (uint)wsize), (w.Status, w.Count));
            Commit3Result c = net.Complete(net.Client.Commit(f, 0, 0, net.Now));
            Assert.Equal(w.Verifier, c.Verifier);

            Read3Result r = net.Complete(net.Client.Read(f, 0, wsize, net.Now));
            Assert.Equal((Nfs3Status.Ok, (uint)wsize, true), (r.Status, r.Count, r.Eof));
            Assert.True(data.AsSpan().SequenceEqual(r.Data.Span), "the mebibyte read back differs from what was written");
            Assert.Equal(0, net.NfsRpc.Counters.Retransmits);
            Assert.Equal(0, app.PagesInUse);
        }

        app.Dispose();
        Assert.True(app.IsFreed);
    }

    // ---- WriteBuffered: a copy in the client's page cache ----

    [Theory]
    [InlineData(PageSendPolicy.Unsafe)]
    [InlineData(PageSendPolicy.Copy)]
    [InlineData(PageSendPolicy.CopyOnRetransmit)]
    [InlineData(PageSendPolicy.Destructor)]
    [InlineData(PageSendPolicy.DestructorTimeout)]
    public void A_buffered_write_leaves_the_callers_buffer_free_at_once_and_returns_every_cache_page(PageSendPolicy policy)
    {
        using NfsNetwork net = Open(NfsNetwork.DefaultConfig with { Policy = policy });
        NfsFh3 root = net.MountExport();
        NfsFh3 f = net.CreateFile(root, "buffered");
        byte[] original = Bytes((2 * Page.Size) + 1234, 0x33);
        byte[] caller = original.ToArray();

        NfsRequest<Write3Result> write = net.Client.WriteBuffered(f, 0, caller, StableHow.DataSync, net.Now);
        caller.AsSpan().Fill(0xEE); // the application reuses its buffer the moment the call returns
        Assert.Equal(3, net.PageCache.Outstanding);
        int cachePagesAtCompletion = -1;
        write.Completed = _ => cachePagesAtCompletion = net.PageCache.Outstanding;

        Write3Result w = net.Complete(write);
        Assert.Equal((Nfs3Status.Ok, (uint)original.Length), (w.Status, w.Count));
        Assert.Equal(original.Length, net.Client.BufferedBytesCopied);
        if (policy is PageSendPolicy.Destructor or PageSendPolicy.DestructorTimeout)
        {
            Assert.Equal(0, cachePagesAtCompletion); // the stack had let go, and the cache's references went at completion
        }

        net.RunFor(Duration.FromSeconds(1));
        Assert.Equal(0, net.PageCache.Outstanding);
        Assert.Equal(original, net.ReadAll(f));
    }

    [Fact]
    public void A_buffered_write_of_a_whole_wsize_round_trips_and_returns_its_256_cache_pages()
    {
        using NfsNetwork net = Open();
        NfsFh3 root = net.MountExport();
        NfsFh3 f = net.CreateFile(root, "buffered-mebibyte");
        byte[] data = Bytes(1 << 20, 0x44);

        NfsRequest<Write3Result> write = net.Client.WriteBuffered(f, 0, data, StableHow.FileSync, net.Now);
        Assert.Equal(256, net.PageCache.Outstanding);
        Write3Result w = net.Complete(write);
        Assert.Equal((Nfs3Status.Ok, 1u << 20), (w.Status, w.Count));
        Assert.Equal(0, net.PageCache.Outstanding);
        Assert.Equal(data, net.ReadAll(f));
    }

    [Fact]
    public void A_buffered_write_is_safe_under_the_unsafe_policy_even_when_a_stale_retransmission_goes_out_after_it_completed()
    {
        using NfsNetwork net = Open(NfsNetwork.DefaultConfig with { Policy = PageSendPolicy.Unsafe, Timeout = Duration.FromSeconds(2), Retransmissions = 5 });
        NfsFh3 root = net.MountExport();
        NfsFh3 f = net.CreateFile(root, "safe");
        byte[] first = Bytes(2 * Page.Size, 0xAA);
        byte[] second = Bytes(2 * Page.Size, 0x55);
        StallOnce(net, Duration.FromSeconds(10), NfsReplies);

        NfsRequest<Write3Result> w1 = net.Client.WriteBuffered(f, 0, first, StableHow.FileSync, net.Now);
        Assert.Equal(Nfs3Status.Ok, net.Complete(w1).Status);
        Assert.True(w1.Call.Transmissions >= 2, $"{w1.Call.Transmissions} transmissions");
        // The cache's pages may still sit in the stack behind the retransmissions; the next write gets other pages.
        NfsRequest<Write3Result> w2 = net.Client.WriteBuffered(f, (ulong)first.Length, second, StableHow.FileSync, net.Now);
        Assert.Equal(Nfs3Status.Ok, net.Complete(w2).Status);
        net.RunFor(Duration.FromSeconds(30));

        Assert.Equal([.. first, .. second], net.ReadAll(f));
        Assert.Equal(0, net.PageCache.Outstanding);
        Assert.Equal(w1.Call.Transmissions - 1, net.NfsServer.Counters.Replayed); // every retransmission was the same bytes
        Assert.Equal(0, net.NfsServer.Cache!.ChecksumMismatches);
    }

    // ---- Retransmissions and the duplicate request cache ----

    [Fact]
    public void A_remove_whose_reply_is_stalled_is_retransmitted_and_every_retransmission_is_answered_from_the_cache()
    {
        using NfsNetwork net = Open(NfsNetwork.DefaultConfig with { Timeout = Duration.FromSeconds(2), Retransmissions = 5 });
        NfsFh3 root = net.MountExport();
        net.CreateFile(root, "once");
        StallOnce(net, Duration.FromSeconds(10), NfsReplies);

        NfsRequest<Wcc3Result> remove = net.Client.Remove(root, "once", net.Now);
        Wcc3Result r = net.Complete(remove);
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.True(remove.Call.Transmissions >= 2, $"{remove.Call.Transmissions} transmissions");
        net.RunFor(Duration.FromSeconds(5));

        // Executed again, a retransmitted REMOVE would answer NFS3ERR_NOENT; replayed, it answers the first reply.
        Assert.True(net.NfsServer.Counters.Replayed >= 1);
        Assert.Equal(remove.Call.Transmissions - 1, net.NfsServer.Counters.Replayed);
        Assert.Equal(net.NfsServer.Counters.Replayed, net.NfsRpc.Counters.UnmatchedReplies);
        Assert.Equal(Nfs3Status.NoEnt, net.Complete(net.Client.Lookup(root, "once", net.Now)).Status);
    }

    [Fact]
    public void A_guarded_create_resent_after_a_reconnect_gets_the_cached_ok_rather_than_exist()
    {
        using NfsNetwork net = Open(NfsNetwork.DefaultConfig with { Timeout = Duration.FromSeconds(1), Retransmissions = 1 });
        NfsFh3 root = net.MountExport();
        StallOnce(net, Duration.FromSeconds(20), NfsReplies);

        NfsRequest<NewObject3Result> create = net.Client.Create(root, "new", CreateMode.Guarded, net.Now);
        NewObject3Result r = net.Complete(create);

        // The first reply was lost with the connection the client abandoned, so the reply it got answered a
        // retransmission: from the cache, since executing the CREATE again would have said NFS3ERR_EXIST.
        Assert.True(net.NfsRpc.Counters.Reconnects >= 1);
        Assert.True(net.NfsServer.Counters.Replayed >= 1);
        Assert.Equal(Nfs3Status.Ok, r.Status);
        Assert.Equal(r.Handle, net.Complete(net.Client.Lookup(root, "new", net.Now)).Handle);
        Assert.Equal(Nfs3Status.Exist, net.Complete(net.Client.Create(root, "new", CreateMode.Guarded, net.Now)).Status);
    }
}
