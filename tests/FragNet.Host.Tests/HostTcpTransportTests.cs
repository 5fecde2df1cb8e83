using FragNet.Buffers;
using FragNet.Host.Sockets;
using FragNet.Nfs.Client;
using FragNet.Nfs.Server;
using FragNet.Stack;
using FragNet.Stack.Streams;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Host.Tests;

/// <summary>
/// The kernel's TCP behind the stream contract (<c>--via host</c>), on loopback inside a namespace the test owns:
/// NFS runs over it unchanged, a lent page is released when the kernel lets go (at <c>sendmsg</c>, or at the
/// MSG_ZEROCOPY completion), and failures are states with reasons. Every test ends with all pages back.
/// </summary>
public sealed class HostTcpTransportTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [RootFact]
    public void Nfs_put_and_get_over_the_kernels_tcp_move_a_file_intact_with_and_without_zero_copy()
    {
        using var ns = NetworkNamespace.Create("fnh");
        ns.RunInside(() =>
        {
            foreach (bool zeroCopy in new[] { false, true })
            {
                using var pool = new PagePool(4096, "host-nfs");
                var cache = new SkbCache(pool, "host-nfs");
                using var loop = new HostLoop();
                var files = new MemoryBackend();
                using (var serverSide = new HostTcpTransport(cache))
                using (var clientSide = new HostTcpTransport(cache, new HostTcpOptions { ZeroCopy = zeroCopy }))
                {
                    using var server = new NfsServerHost(serverSide, new Nfs3Server(files, seed: 3, "/srv/exp"));
                    loop.Add(serverSide).Add(clientSide).Add(server.Poll);
                    byte[] data = new byte[(5 << 20) + 321];
                    new Random(7).NextBytes(data);

                    using (NfsSession s = NfsSession.Open(loop, clientSide, NfsUrl.Parse("nfs://127.0.0.1/srv/exp/f.bin")))
                    {
                        NfsTransferReport put = s.Put(new MemoryStream(data));
                        Assert.Equal(data.Length, put.Bytes);
                        using var copy = new MemoryStream();
                        s.Get(copy);
                        Assert.Equal(data, copy.ToArray());
                    }

                    Assert.Equal(data, files.ReadAllBytes("/f.bin"));
                    loop.RunUntil(() => clientSide.ZeroCopyCompletions == clientSide.ZeroCopySends, Limit);
                    if (zeroCopy)
                    {
                        Assert.True(clientSide.ZeroCopySends > 0, "no send used MSG_ZEROCOPY");
                        Assert.Equal(clientSide.ZeroCopySends, clientSide.ZeroCopyCompletions);
                        Assert.True(clientSide.ZeroCopyCopied > 0, "the kernel reports loopback zero-copy sends as copied");
                    }
                    else
                    {
                        Assert.Equal(0, clientSide.ZeroCopySends);
                    }
                }

                Assert.True(cache.Live == 0, cache.LeakReport());
                Assert.True(pool.Outstanding == 0, pool.LeakReport());
            }
        });
    }

    [RootFact]
    public void Under_MSG_ZEROCOPY_a_lent_page_is_released_at_the_kernels_completion_not_when_sendmsg_returns()
    {
        using var ns = NetworkNamespace.Create("fnh");
        ns.RunInside(() =>
        {
            using var pool = new PagePool(256, "zc");
            var cache = new SkbCache(pool, "zc");
            using var lender = new UserBuffer(1, "caller");
            lender[0].Span.Fill(0x5A);
            using var loop = new HostLoop();
            using (var transport = new HostTcpTransport(cache, new HostTcpOptions { ZeroCopy = true }))
            {
                loop.Add(transport);
                (IStreamSocket client, IStreamSocket server) = Pair(loop, transport);
                int runs = 0;
                var d = new FragDestructor(_ => runs++, null, "caller pages");

                Assert.True(client.SendPages(lender[0], 0, Page.Size, d));
                d.Release();
                transport.Flush(client, loop.Now); // sendmsg(MSG_ZEROCOPY): the kernel now references the page
                Assert.Equal(0, runs);
                Assert.True(((HostTcpSocket)client).AwaitingCompletion > 0);

                Assert.True(loop.RunUntil(() => runs == 1, Limit), "the completion never came");
                Assert.True(transport.ZeroCopyCompletions >= 1);
                Assert.True(loop.RunUntil(() => server.ReceiveQueued == Page.Size, Limit));
                foreach (ReadOnlySpan<byte> piece in server.PeekReceived())
                {
                    Assert.True(piece.IndexOfAnyExcept((byte)0x5A) < 0);
                }

                server.ConsumeReceived(Page.Size);
                client.Dispose();
                server.Dispose();
            }

            Assert.True(pool.Outstanding == 0, pool.LeakReport());
        });
    }

    [RootFact]
    public void Under_MSG_ZEROCOPY_lent_pages_the_kernel_still_queues_are_not_released_until_the_receiver_takes_them()
    {
        using var ns = NetworkNamespace.Create("fnh");
        ns.RunInside(() =>
        {
            using var pool = new PagePool(1024, "zc-held");
            var cache = new SkbCache(pool, "zc-held");
            using var lender = new UserBuffer(1, "caller");
            using var loop = new HostLoop();
            using (var transport = new HostTcpTransport(cache, new HostTcpOptions { ZeroCopy = true }))
            {
                loop.Add(transport).Add(_ => { }, () => loop.Now + Duration.FromMilliseconds(1));
                IStreamListener listener = transport.Listen(0);
                const int Total = 32 << 20; // far more than the receiver's and the sender's socket buffers together
                IStreamSocket client = transport.Connect(new Ipv4Endpoint(Ipv4Address.Loopback, listener.Port), loop.Now, new TcpConfig { SendBuffer = Total + Page.Size });
                IStreamSocket? server = null;
                Assert.True(loop.RunUntil(() => (server ??= listener.Accept()) is not null && client.State == TcpState.Established, Limit));
                int runs = 0;
                var d = new FragDestructor(_ => runs++, null, "caller pages");
                for (int sent = 0; sent < Total; sent += Page.Size)
                {
                    Assert.True(client.SendPages(lender[0], 0, Page.Size, d));
                }

                d.Release();

                // The receiver reads nothing: the kernel holds what it accepted, so the pages must stay lent.
                loop.RunUntil(() => false, TimeSpan.FromMilliseconds(300));
                Assert.Equal(0, runs);
                Assert.True(transport.ZeroCopySends > 0);

                long taken = 0;
                Assert.True(loop.RunUntil(
                    () =>
                    {
                        int q = server!.ReceiveQueued;
                        server.ConsumeReceived(q);
                        taken += q;
                        return runs == 1;
                    },
                    Limit), $"released {runs} times after {taken} of {Total} bytes were read");
                Assert.Equal(Total, taken + server!.ReceiveQueued);
                client.Dispose();
                server.Dispose();
                transport.CloseListener(listener, loop.Now);
            }

            Assert.True(pool.Outstanding == 0, pool.LeakReport());
        });
    }

    [RootFact]
    public void Without_zero_copy_a_lent_page_is_released_as_soon_as_the_kernel_has_copied_it()
    {
        using var ns = NetworkNamespace.Create("fnh");
        ns.RunInside(() =>
        {
            using var pool = new PagePool(256, "copy");
            var cache = new SkbCache(pool, "copy");
            using var lender = new UserBuffer(1, "caller");
            using var loop = new HostLoop();
            using (var transport = new HostTcpTransport(cache))
            {
                loop.Add(transport);
                (IStreamSocket client, IStreamSocket server) = Pair(loop, transport);
                int runs = 0;
                var d = new FragDestructor(_ => runs++, null, "caller pages");
                Assert.True(client.SendPages(lender[0], 0, 1000, d));
                d.Release();
                Assert.Equal(0, runs); // queued, not yet handed over
                transport.Flush(client, loop.Now);
                Assert.Equal(1, runs);
                client.Dispose();
                server.Dispose();
            }

            Assert.True(pool.Outstanding == 0, pool.LeakReport());
        });
    }

    [RootFact]
    public void Acknowledged_bytes_come_from_TCP_INFO_and_a_close_ends_in_CLOSED_on_both_sides()
    {
        using var ns = NetworkNamespace.Create("fnh");
        ns.RunInside(() =>
        {
            using var pool = new PagePool(1024, "info");
            var cache = new SkbCache(pool, "info");
            using var loop = new HostLoop();
            using (var transport = new HostTcpTransport(cache))
            {
                // ACKs wake nobody (TCP_INFO changes are not poll events): tick every millisecond to watch them.
                loop.Add(transport).Add(_ => { }, () => loop.Now + Duration.FromMilliseconds(1));
                (IStreamSocket client, IStreamSocket server) = Pair(loop, transport);
                byte[] data = new byte[3_000_000];
                int sent = 0;
                Assert.True(loop.RunUntil(
                    () =>
                    {
                        sent += client.Send(data.AsSpan(sent));
                        transport.Flush(client, loop.Now);
                        if (server.ReceiveQueued > 0)
                        {
                            server.ConsumeReceived(server.ReceiveQueued);
                        }

                        return sent == data.Length && client.Counters.BytesAcked == data.Length;
                    },
                    Limit), $"sent {sent}, acked {client.Counters.BytesAcked}, received {server.Counters.BytesReceived}, state {client.State}/{server.State}");
                Assert.Equal(data.Length, server.Counters.BytesReceived);
                Assert.Equal(0, server.Counters.BytesAcked); // the accepting side sent nothing (its SYN-ACK is not data)

                client.Close();
                Assert.True(loop.RunUntil(() => server.IsReceiveFinished, Limit));
                Assert.Equal(TcpState.CloseWait, server.State);
                server.Close();
                Assert.True(loop.RunUntil(() => client.State == TcpState.Closed && server.State == TcpState.Closed, Limit));
                Assert.Null(client.CloseReason);
                client.Dispose();
                server.Dispose();
            }

            Assert.True(pool.Outstanding == 0, pool.LeakReport());
        });
    }

    [RootFact]
    public void A_refused_connection_closes_with_the_reason()
    {
        using var ns = NetworkNamespace.Create("fnh");
        ns.RunInside(() =>
        {
            using var pool = new PagePool(64, "refused");
            using var loop = new HostLoop();
            using var transport = new HostTcpTransport(new SkbCache(pool, "refused"));
            loop.Add(transport);
            IStreamSocket s = transport.Connect(new Ipv4Endpoint(Ipv4Address.Loopback, 9), loop.Now);
            Assert.True(loop.RunUntil(() => s.State == TcpState.Closed, Limit), $"state {s.State}, reason {s.CloseReason}, local {s.Local}");
            Assert.Contains("refused", s.CloseReason, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(0, s.SendSpace);
            s.Dispose();
        });
    }

    private static (IStreamSocket Client, IStreamSocket Server) Pair(HostLoop loop, HostTcpTransport transport)
    {
        IStreamListener listener = transport.Listen(0);
        IStreamSocket client = transport.Connect(new Ipv4Endpoint(Ipv4Address.Loopback, listener.Port), loop.Now);
        IStreamSocket? server = null;
        Assert.True(loop.RunUntil(() => (server ??= listener.Accept()) is not null && client.State == TcpState.Established, Limit));
        transport.CloseListener(listener, loop.Now);
        return (client, server!);
    }
}
