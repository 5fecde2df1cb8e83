using FragNet.Buffers;
using FragNet.Host;
using FragNet.Host.Sockets;
using FragNet.Nfs.Client;
using FragNet.Nfs.Server;

namespace FragNet.Interop.Tests;

/// <summary>
/// FragNet's NFS client and server against the real thing over the kernel's TCP (<c>--via host</c>): the client
/// writes, reads and lists on nfs-ganesha and libnfs reads back exactly what it wrote; libnfs copies files into
/// FragNet's server and reads them back intact. Each test owns its namespace; all pages come back.
/// </summary>
public sealed class KernelTcpNfsTests
{
    private static readonly Duration Limit = Duration.FromSeconds(60);

    [RootFact]
    public void FragNet_client_puts_gets_and_lists_on_ganesha_and_libnfs_reads_back_the_same_bytes()
    {
        using var ns = NetworkNamespace.Create("fni");
        using var ganesha = GaneshaServer.Start(ns);
        byte[] data = new byte[(3 << 20) + 777];
        new Random(11).NextBytes(data);
        string url = LibNfs.Url("127.0.0.1", ganesha.Export + "/put.bin");

        ns.RunInside(() =>
        {
            using var pool = new PagePool(4096, "client");
            var cache = new SkbCache(pool, "client");
            using (var loop = new HostLoop())
            using (var transport = new HostTcpTransport(cache, new HostTcpOptions { ZeroCopy = true }))
            {
                loop.Add(transport);
                using (NfsSession s = NfsSession.Open(loop, transport, NfsUrl.Parse(url)))
                {
                    Assert.Equal(ganesha.Export, s.Export);
                    Assert.Equal(data.Length, s.Put(new MemoryStream(data)).Bytes);
                    using var back = new MemoryStream();
                    s.Get(back);
                    Assert.Equal(data, back.ToArray());
                }

                using NfsSession dir = NfsSession.Open(loop, transport, NfsUrl.Parse(LibNfs.Url("127.0.0.1", ganesha.Export)));
                NfsDirectoryEntry entry = Assert.Single(dir.List(), e => e.Name == "put.bin");
                Assert.Equal((ulong)data.Length, entry.Attributes!.Size);
            }

            Assert.True(pool.Outstanding == 0, pool.LeakReport());
        });

        Assert.Equal(data, File.ReadAllBytes(Path.Combine(ganesha.Export, "put.bin")));
        Assert.Equal(data, LibNfs.Cat(ns, url));
    }

    [RootFact]
    public void FragNet_client_finds_ganeshas_ports_through_its_rpcbind()
    {
        using var ns = NetworkNamespace.Create("fni");
        using var ganesha = GaneshaServer.Start(ns);
        File.WriteAllText(Path.Combine(ganesha.Export, "hello.txt"), "hello from ganesha\n");
        ns.RunInside(() =>
        {
            using var pool = new PagePool(1024, "client");
            using var loop = new HostLoop();
            using var transport = new HostTcpTransport(new SkbCache(pool, "client"));
            loop.Add(transport);
            using NfsSession s = NfsSession.Open(loop, transport, NfsUrl.Parse($"nfs://127.0.0.1{ganesha.Export}/hello.txt"));
            Assert.Equal(2049, s.NfsPort);
            Assert.Equal(20048, s.MountPort);
            using var back = new MemoryStream();
            s.Get(back);
            Assert.Equal("hello from ganesha\n"u8.ToArray(), back.ToArray());
        });
    }

    [RootFact]
    public void Libnfs_copies_into_FragNets_server_and_reads_back_intact()
    {
        using var ns = NetworkNamespace.Create("fni");
        string root = TestPaths.NewTempDirectory("fragnet-export");
        string local = Path.Combine(root, "..", $"{Path.GetFileName(root)}-source.bin");
        byte[] data = new byte[(2 << 20) + 4321];
        new Random(12).NextBytes(data);
        File.WriteAllBytes(local, data);
        try
        {
            using var cancel = new CancellationTokenSource();

            Task server = Task.Run(() => ns.RunInside(
                () =>
                {
                    using var pool = new PagePool(4096, "server");
                    var cache = new SkbCache(pool, "server");
                    using (var loop = new HostLoop())
                    using (var transport = new HostTcpTransport(cache))
                    using (var nfs = new NfsServerHost(transport, new Nfs3Server(new DiskBackend(root), seed: 5)))
                    {
                        loop.Add(transport).Add(nfs.Poll);
                        loop.RunUntil(() => false, Timeout.InfiniteTimeSpan, cancel.Token);
                        nfs.Close(loop.Now);
                    }

                    Assert.True(pool.Outstanding == 0, pool.LeakReport());
                },
                TimeSpan.FromMinutes(5)));
            try
            {
                WaitForPort(ns, 2049);
                LibNfs.CopyTo(ns, local, "nfs://127.0.0.1/export/copied.bin"); // no ports: libnfs asks our portmapper

                Assert.Equal(data, File.ReadAllBytes(Path.Combine(root, "copied.bin")));
                Assert.Equal(data, LibNfs.Cat(ns, LibNfs.Url("127.0.0.1", "/export/copied.bin")));
                Assert.Contains("copied.bin", LibNfs.List(ns, LibNfs.Url("127.0.0.1", "/export")), StringComparison.Ordinal);
            }
            finally
            {
                cancel.Cancel();
                server.GetAwaiter().GetResult();
            }
        }
        finally
        {
            File.Delete(local);
            Directory.Delete(root, recursive: true);
        }
    }

    private static void WaitForPort(NetworkNamespace ns, int port)
    {
        for (int i = 0; i < 600; i++)
        {
            if (ns.Exec("ss", "-Hltn").StandardOutput.Contains($":{port} ", StringComparison.Ordinal))
            {
                return;
            }

            Thread.Sleep(50);
        }

        Assert.Fail($"nothing listened on port {port} within 30 s");
    }
}
