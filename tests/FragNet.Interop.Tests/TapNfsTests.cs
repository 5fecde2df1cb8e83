using FragNet.Devices;
using FragNet.Host.Tests;
using FragNet.Nfs.Client;
using FragNet.Nfs.Protocol;
using FragNet.Nfs.Repro;
using FragNet.Nfs.Server;
using FragNet.SunRpc.Client;
using FragNet.Wire;

namespace FragNet.Interop.Tests;

/// <summary>
/// FragNet's own stack on a TAP against real peers in the test's namespace: its NFS client against nfs-ganesha, libnfs
/// against its NFS server, tcpdump and tshark on its captures, and the talk's write experiment in real time against
/// ganesha with FragNet's fault injector on the receive path. Each test ends with every page back.
/// </summary>
public sealed class TapNfsTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly string Server = TapNetwork.KernelAddress;

    [RootFact]
    public void FragNet_over_a_TAP_puts_gets_and_lists_on_ganesha_and_tshark_decodes_every_call()
    {
        using var net = new TapNetwork(vnetHeader: true);
        using var ganesha = GaneshaServer.Start(net.Namespace);
        byte[] data = new byte[(4 << 20) + 99];
        new Random(21).NextBytes(data);
        string url = LibNfs.Url(Server, ganesha.Export + "/tap.bin");
        string pcap;
        using (var capture = new Captures(net.Host.Device))
        {
            using (NfsSession s = NfsSession.Open(net.Host.Loop, net.Host.Interface, NfsUrl.Parse(url)))
            {
                Assert.Equal(data.Length, s.Put(new MemoryStream(data)).Bytes);
                using var back = new MemoryStream();
                s.Get(back);
                Assert.Equal(data, back.ToArray());
            }

            using (NfsSession dir = NfsSession.Open(net.Host.Loop, net.Host.Interface, NfsUrl.Parse(LibNfs.Url(Server, ganesha.Export))))
            {
                Assert.Contains(dir.List(), e => e.Name == "tap.bin" && e.Attributes!.Size == (ulong)data.Length);
            }

            pcap = capture.ToFile();
        }

        net.AssertNoLeaks();
        try
        {
            Assert.Equal(data, LibNfs.Cat(net.Namespace, url));
            List<int> procedures = Captures.AssertDecodes(pcap);
            Assert.Equal(5, procedures.Count(p => p == (int)Nfs3Procedure.Write)); // 4 MiB + 99 bytes in 1 MiB WRITEs
            Assert.Contains((int)Nfs3Procedure.Read, procedures);
            Assert.Contains((int)Nfs3Procedure.Commit, procedures);
            Assert.Contains((int)Nfs3Procedure.ReadDirPlus, procedures);
        }
        finally
        {
            File.Delete(pcap);
        }
    }

    [RootFact]
    public void Libnfs_copies_into_FragNet_serving_on_a_TAP_and_reads_back_intact()
    {
        using var net = new TapNetwork(vnetHeader: true);
        string root = TestPaths.NewTempDirectory("tap-export");
        string local = root + "-source.bin";
        byte[] data = new byte[(3 << 20) + 5];
        new Random(22).NextBytes(data);
        File.WriteAllBytes(local, data);
        string? pcap = null;
        try
        {
            using var cancel = new CancellationTokenSource();
            using var capture = new Captures(net.Host.Device);
            using var server = new NfsServerHost(net.Host.Interface, new Nfs3Server(new DiskBackend(root), seed: 9));
            net.Host.Loop.Add(server.Poll);
            Task loop = Task.Run(() => net.Host.RunUntil(() => false, Timeout.InfiniteTimeSpan, cancel.Token));
            try
            {
                string fragnet = TapNetwork.FragNetAddress;
                LibNfs.CopyTo(net.Namespace, local, $"nfs://{fragnet}/export/copied.bin"); // the portmapper on FragNet's stack
                Assert.Equal(data, File.ReadAllBytes(Path.Combine(root, "copied.bin")));
                Assert.Equal(data, LibNfs.Cat(net.Namespace, LibNfs.Url(fragnet, "/export/copied.bin")));
                Assert.Contains("copied.bin", LibNfs.List(net.Namespace, LibNfs.Url(fragnet, "/export")), StringComparison.Ordinal);
            }
            finally
            {
                cancel.Cancel();
                loop.GetAwaiter().GetResult();
            }

            server.Close(net.Host.Now);
            net.Host.RunUntil(() => false, TimeSpan.FromMilliseconds(50));
            pcap = capture.ToFile();
            List<int> procedures = Captures.AssertDecodes(pcap);
            Assert.Contains((int)Nfs3Procedure.Write, procedures);
            Assert.Contains((int)Nfs3Procedure.Read, procedures);
        }
        finally
        {
            if (pcap is not null)
            {
                File.Delete(pcap);
            }

            File.Delete(local);
            Directory.Delete(root, recursive: true);
        }

        net.AssertNoLeaks();
    }

    [RootFact]
    public void The_write_experiment_against_ganesha_in_real_time_corrupts_under_unsafe_and_not_under_destructor()
    {
        var reports = new Dictionary<PageSendPolicy, NfsWriteReport>();
        foreach (PageSendPolicy policy in new[] { PageSendPolicy.Unsafe, PageSendPolicy.Destructor })
        {
            using var net = new TapNetwork(vnetHeader: false);
            using var ganesha = GaneshaServer.Start(net.Namespace);
            var options = new NfsWriteOptions
            {
                Policy = policy,
                Seed = 3,
                Size = 65536,
                Rounds = 6,
                DelayOneIn = 2,
                Delay = Duration.FromSeconds(2),
                Timeout = Duration.FromMilliseconds(500),
                Retransmissions = 3,
                ProgressTimeout = Duration.FromSeconds(60),
                Settle = Duration.FromSeconds(4),
            };

            // netoutage on the receive path, aimed at replies: 1 in 2 of ganesha's data-carrying NFS segments stalls that
            // direction (everything behind it too) for 2 s, longer than the RPC timeout, so a WRITE is retransmitted
            // into TCP's queue while its reply waits.
            var replies = PacketFilter.Compile($"tcp src port {Nfs3Constants.Port} and tcp[13] & 8 != 0");
            var faults = new FaultInjector(options.Seed * 7919 + 1, "ganesha->fragnet").Add(FaultRule.StallOneIn(options.DelayOneIn, options.Delay, replies));
            Action<FragNet.Buffers.SkBuff, Instant> stack = net.Host.Device.Receiver!;
            using var gate = new FaultGate(faults, stack);
            net.Host.Device.Receiver = gate.Offer;
            net.Host.Loop.Add(gate.Poll, gate.PollAt);
            using var capture = new Captures(net.Host.Device);
            var setup = new NfsWriteLiveSetup(
                net.Host.Loop,
                net.Host.Interface,
                Ipv4Address.Parse(Server),
                ganesha.Export,
                name => File.Exists(Path.Combine(ganesha.Export, name)) ? File.ReadAllBytes(Path.Combine(ganesha.Export, name)) : null,
                capture.Snapshot) { Faults = faults };
            reports[policy] = NfsWriteExperiment.RunLive(setup, options);
            net.Host.Device.Receiver = stack;
            gate.Dispose();
            capture.Dispose();
            net.AssertNoLeaks();
        }

        NfsWriteReport unsafeRun = reports[PageSendPolicy.Unsafe], safe = reports[PageSendPolicy.Destructor];
        string both = $"unsafe: {unsafeRun}\ndestructor: {safe}";
        output.WriteLine(both);
        Assert.True(unsafeRun.Error is null && safe.Error is null, both);
        Assert.True(unsafeRun.Stalls > 0 && safe.Stalls > 0 && unsafeRun.RpcRetransmits > 0 && safe.RpcRetransmits > 0, $"the faults did not bite:\n{both}");
        Assert.True(unsafeRun.WireCorruptions > 0, $"unsafe sent no corrupted WRITE to ganesha:\n{both}");
        Assert.Equal(0, safe.WireCorruptions);
        Assert.Equal(0, safe.DiskCorruptions);
        Assert.Equal(0, safe.BytesCopied);
        Assert.Equal(0, unsafeRun.Leaks + safe.Leaks);
    }
}
