using System.Net;
using System.Net.Sockets;
using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Host.Tap;
using FragNet.Stack;
using FragNet.Stack.Tcp;
using FragNet.Wire;
using TcpListener = FragNet.Stack.Tcp.TcpListener;

namespace FragNet.Host.Tests;

/// <summary>
/// FragNet against the Linux kernel over a real TAP, in a namespace the test makes and deletes: TCP both ways (the
/// other side checks every byte and the SHA-256), with and without the virtio header (TSO super-packets and partial
/// checksums crossing unsegmented), ping both ways, and the errors a user meets. Every test ends with the leak check.
/// </summary>
public sealed class TapInteropTests
{
    private const long TransferBytes = 32L << 20;
    private const ulong Seed = 7;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [RootFact]
    public void Kernel_tcp_sends_to_fragnet_over_tap_and_fragnet_receives_every_byte() => KernelToFragNet(vnetHeader: false);

    [RootFact]
    public void Kernel_tcp_sends_to_fragnet_over_tap_with_virtio_headers_and_offloads() => KernelToFragNet(vnetHeader: true);

    [RootFact]
    public void Fragnet_tcp_sends_to_the_kernel_over_tap_and_the_kernel_receives_every_byte() => FragNetToKernel(vnetHeader: false);

    [RootFact]
    public void Fragnet_tcp_sends_to_the_kernel_over_tap_with_virtio_headers_as_tso_super_packets() => FragNetToKernel(vnetHeader: true);

    [RootFact]
    public void The_kernels_ping_is_answered_by_fragnet()
    {
        using var net = new TapNetwork(vnetHeader: false);
        Task<ExternalTool.Result> ping = net.Peer(() => net.Namespace.Exec("ping", "-n", "-c", "3", "-i", "0.2", "-W", "5", TapNetwork.FragNetAddress));

        Assert.True(net.Host.RunUntil(() => ping.IsCompleted, Limit), "ping did not finish");
        ExternalTool.Result r = ping.Result;
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("3 received", r.StandardOutput, StringComparison.Ordinal);
        Assert.True(net.Host.Interface.EchoRepliesSent >= 3);
        net.AssertNoLeaks();
    }

    [RootFact]
    public void Fragnet_pings_the_kernel_and_gets_its_replies()
    {
        using var net = new TapNetwork(vnetHeader: true);
        var kernel = Ipv4Address.Parse(TapNetwork.KernelAddress);
        byte[] data = [.. Enumerable.Range(0, 56).Select(i => (byte)i)];
        var replies = new List<EchoReply>();
        for (ushort seq = 1; seq <= 3; seq++)
        {
            Instant sent = net.Host.Now;
            net.Host.Interface.SendEchoRequest(kernel, 0xf00d, seq, data, sent);
            Assert.True(net.Host.RunUntil(() => net.Host.Interface.TryTakeEchoReply(out EchoReply reply) && Add(replies, reply), TimeSpan.FromSeconds(10)), $"no reply to echo {seq}");
            Assert.True(replies[^1].ReceivedAt >= sent);
        }

        Assert.Equal([1, 2, 3], replies.Select(r => (int)r.SequenceNumber));
        Assert.All(replies, r =>
        {
            Assert.Equal(kernel, r.Source);
            Assert.Equal((ushort)0xf00d, r.Identifier);
            Assert.Equal(data, r.Data.ToArray());
        });
        net.AssertNoLeaks();
    }

    [RootFact]
    public void A_missing_tap_a_missing_namespace_and_a_busy_tap_are_errors_that_say_what_to_do()
    {
        using var net = new TapNetwork(vnetHeader: false);
        using var pool = new PagePool(64, "errors");
        var cache = new SkbCache(pool, "errors");

        var missing = Assert.Throws<IOException>(() => TapDevice.Open(cache, new TapOptions("nosuch0") { Namespace = net.Namespace.Name }));
        Assert.Contains("ip tuntap add dev nosuch0 mode tap", missing.Message, StringComparison.Ordinal);
        Assert.Contains(net.Namespace.Name, missing.Message, StringComparison.Ordinal);

        var noNs = Assert.Throws<IOException>(() => TapDevice.Open(cache, new TapOptions("fn0") { Namespace = "fragnet-no-such-netns" }));
        Assert.Contains("ip netns add fragnet-no-such-netns", noNs.Message, StringComparison.Ordinal);

        var busy = Assert.Throws<IOException>(() => TapDevice.Open(cache, new TapOptions(TapNetwork.TapName) { Namespace = net.Namespace.Name }));
        Assert.Contains("busy", busy.Message, StringComparison.Ordinal);

        var exists = Assert.Throws<IOException>(() => TapDevice.Open(cache, new TapOptions(TapNetwork.TapName) { Namespace = net.Namespace.Name, Mode = TapOpenMode.Create }));
        Assert.Contains("already exists", exists.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => TapDevice.Open(cache, new TapOptions("a-name-far-too-long")));
        Assert.Equal(0, pool.Outstanding);
        net.AssertNoLeaks();
    }

    [RootFact]
    public void A_tap_created_by_fragnet_is_up_while_open_and_gone_when_disposed()
    {
        using var net = new TapNetwork(vnetHeader: false);
        using var pool = new PagePool(64, "create");
        var cache = new SkbCache(pool, "create");
        using (TapDevice.Open(cache, new TapOptions("fnc0") { Namespace = net.Namespace.Name, Mode = TapOpenMode.Create }))
        {
            string link = net.Namespace.Run("ip", "-o", "link", "show", "fnc0").StandardOutput;
            Assert.Contains("UP", link, StringComparison.Ordinal);
        }

        Assert.NotEqual(0, net.Namespace.Exec("ip", "link", "show", "fnc0").ExitCode);
        Assert.Equal(0, pool.Outstanding);
        net.AssertNoLeaks();
    }

    [RootFact]
    public void A_tap_a_previous_run_used_with_offloads_gives_plain_frames_to_a_run_without_them()
    {
        using var net = new TapNetwork(vnetHeader: true);
        KernelToFragNet(net, 4L << 20, port: 5001);
        net.Reopen(vnetHeader: false); // the device keeps TUN_F_CSUM|TUN_F_TSO4 unless the new reader resets them
        KernelToFragNet(net, 4L << 20, port: 5003);
        net.AssertNoLeaks();
    }

    private static void KernelToFragNet(bool vnetHeader)
    {
        using var net = new TapNetwork(vnetHeader);
        KernelToFragNet(net, TransferBytes, port: 5001);
        net.AssertNoLeaks();
    }

    private static void KernelToFragNet(TapNetwork net, long transferBytes, ushort port)
    {
        NetInterface iface = net.Host.Interface;
        TcpListener listener = iface.TcpListen(port);
        using Socket client = net.KernelTcpSocket();
        Task<string> peer = net.Peer(() =>
        {
            client.Connect(IPAddress.Parse(TapNetwork.FragNetAddress), port);
            using var source = new PatternSource(Seed, transferBytes);
            while (!source.IsDone)
            {
                source.Advance(client.Send(source.Pending));
            }

            client.Shutdown(SocketShutdown.Send);
            Assert.Equal(0, client.Receive(new byte[16])); // FragNet closes after reading everything
            return source.Sha256();
        });

        using var checker = new PatternChecker(Seed);
        TcpSocket? server = null;
        net.Host.Loop.Add(now =>
        {
            server ??= listener.Accept();
            if (server is null)
            {
                return;
            }

            checker.Drain(server);
            if (server.IsReceiveFinished && server.State == TcpState.CloseWait)
            {
                server.Close();
            }

            iface.Flush(server, now);
        });

        Assert.True(net.Host.RunUntil(() => peer.IsCompleted && server?.State == TcpState.Closed, Limit),
            $"transfer unfinished: received {checker.Bytes} of {transferBytes}, peer {peer.Status} {peer.Exception?.InnerException?.Message}, server {server?.State}, device drops {DeviceDrops(net.Host.Device)}");
        Assert.Equal(transferBytes, checker.Bytes);
        Assert.Equal(-1, checker.FirstMismatch);
        Assert.Equal(peer.Result, checker.Sha256());
        Assert.Equal(0, iface.Drops(DropReason.TcpChecksum));
        Assert.Equal(0, net.Host.Device.Drops(DropReason.PacketTooBig));
    }

    private static void FragNetToKernel(bool vnetHeader)
    {
        using var net = new TapNetwork(vnetHeader);
        NetInterface iface = net.Host.Interface;
        using Socket listener = net.KernelTcpSocket();
        listener.Bind(new IPEndPoint(IPAddress.Parse(TapNetwork.KernelAddress), 5002));
        listener.Listen(1);
        Task<(long Bytes, long Mismatch, string Sha)> peer = net.Peer(() =>
        {
            using Socket conn = listener.Accept();
            conn.ReceiveTimeout = 60_000;
            using var checker = new PatternChecker(Seed);
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = conn.Receive(buffer)) > 0)
            {
                checker.Append(buffer.AsSpan(0, n));
            }

            conn.Shutdown(SocketShutdown.Send);
            return (checker.Bytes, checker.FirstMismatch, checker.Sha256());
        });

        using var source = new PatternSource(Seed, TransferBytes);
        TcpSocket client = iface.TcpConnect(new Ipv4Endpoint(Ipv4Address.Parse(TapNetwork.KernelAddress), 5002), net.Host.Now);
        bool closed = false;
        net.Host.Loop.Add(now =>
        {
            if (client.State is TcpState.Established or TcpState.CloseWait)
            {
                source.Pump(client);
                if (source.IsDone && !closed)
                {
                    client.Close();
                    closed = true;
                }
            }

            iface.Flush(client, now);
        });

        Assert.True(net.Host.RunUntil(() => peer.IsCompleted && client.State is TcpState.TimeWait or TcpState.Closed, Limit),
            $"transfer unfinished: queued {source.Position} of {TransferBytes}, peer {peer.Status} {peer.Exception?.InnerException?.Message}, client {client.State} {client.Error}, device drops {DeviceDrops(net.Host.Device)}");
        (long bytes, long mismatch, string sha) = peer.Result;
        Assert.Equal(TransferBytes, bytes);
        Assert.Equal(-1, mismatch);
        Assert.Equal(source.Sha256(), sha);
        if (vnetHeader)
        {
            Assert.True(net.Host.Device.TxBytes / net.Host.Device.TxFrames > 1514, $"{net.Host.Device.TxFrames} frames for {net.Host.Device.TxBytes} bytes: no super-packets crossed");
        }

        net.AssertNoLeaks();
    }

    private static bool Add(List<EchoReply> replies, EchoReply reply)
    {
        replies.Add(reply);
        return true;
    }

    private static string DeviceDrops(TapDevice device) =>
        string.Join(", ", Enum.GetValues<DropReason>().Where(r => device.Drops(r) > 0).Select(r => $"{r} {device.Drops(r)}")) + $"; last error {device.LastError}";
}
