using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Stack;
using FragNet.Stack.Tcp;
using FragNet.Xen.Netif;

namespace FragNet.Xen.Tests;

/// <summary>A guest talks TCP to the backend's stack through netfront and netback, in every netback mode: the bytes
/// arrive intact, and in the mapping modes the guest is answered only after the stack freed every buffer that could
/// reach its pages.</summary>
public sealed class NetbackTransferTests
{
    public static TheoryData<NetbackMode> Modes => new(Enum.GetValues<NetbackMode>());

    private static byte[] Pattern(int length, int seed)
    {
        var data = new byte[length];
        new DeterministicPattern((ulong)seed).Fill(data, 0);
        return data;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void A_guest_sends_a_megabyte_over_TCP_through_netback_intact(NetbackMode mode)
    {
        using var net = new XenNetwork(new NetbackConfig { Mode = mode });
        TcpListener listener = net.BackendStack.TcpListen(7000);
        TcpSocket client = net.GuestStack.TcpConnect(new Ipv4Endpoint(XenNetwork.BackendAddress, 7000), net.Sim.Now);
        byte[] data = Pattern(1 << 20, 3);
        var received = new MemoryStream();
        TcpSocket? server = null;
        int sent = 0;
        byte[] buffer = new byte[65536];
        bool done = net.RunUntil(() =>
        {
            server ??= listener.Accept();
            if (client.State == TcpState.Established && sent < data.Length)
            {
                sent += client.Send(data.AsSpan(sent));
                net.GuestStack.Flush(client, net.Sim.Now);
            }

            int n;
            while (server is not null && (n = server.Receive(buffer)) > 0)
            {
                received.Write(buffer, 0, n);
                net.BackendStack.Flush(server, net.Sim.Now);
            }

            return received.Length == data.Length;
        }, Duration.FromSeconds(120));

        Assert.True(done, $"{received.Length} of {data.Length} bytes arrived; vif: {net.Back.DisconnectReason}");
        Assert.Equal(data, received.ToArray());
        Assert.True(net.Back.TxPackets > 700);
        if (mode is NetbackMode.Copy or NetbackMode.Adaptive) // adaptive copies frames below 2048 bytes: all of these
        {
            Assert.Equal(0, net.Back.TxGrantMaps);
            Assert.True(net.Back.TxBytesCopied >= data.Length);
        }
        else
        {
            Assert.True(net.Back.TxGrantMaps > 0);
            Assert.True(net.Back.TxBytesCopied < data.Length / 4, $"{net.Back.TxBytesCopied} bytes copied");
        }

        client.Close();
        server!.Close();
        net.RunFor(Duration.FromSeconds(130)); // FIN handshakes, TIME-WAIT
        Assert.Equal(0, net.Front.TxOutstanding); // every request answered
    }

    [Theory]
    [InlineData(NetbackMode.MapDestructor)]
    [InlineData(NetbackMode.MapForeign)]
    [InlineData(NetbackMode.CopyHeaderMapRest)]
    public void A_mapped_packet_is_answered_only_when_the_stack_frees_it(NetbackMode mode)
    {
        using var net = new XenNetwork(new NetbackConfig { Mode = mode });
        (TcpSocket client, TcpSocket server) = Connect(net);

        // Data the backend's application has not read waits in its socket's receive queue, holding the guest's pages.
        byte[] payload = Pattern(1000, 9);
        Assert.Equal(1000, client.Send(payload));
        net.GuestStack.Flush(client, net.Sim.Now);
        net.RunFor(Duration.FromMilliseconds(50));
        Assert.Equal(1000, server.ReceiveQueued);
        Assert.Equal(1, net.Back.TxInFlight);
        Assert.Equal(1, net.Front.TxOutstanding);
        Assert.True(net.Xen.ActiveMappings > 2);

        byte[] got = new byte[2000];
        Assert.Equal(1000, server.Receive(got));
        Assert.Equal(payload, got[..1000]);
        net.RunFor(Duration.FromMilliseconds(50));
        Assert.Equal(0, net.Back.TxInFlight);
        Assert.Equal(0, net.Front.TxOutstanding);
        Assert.Equal(2, net.Xen.ActiveMappings); // the two rings
        client.Abort();
        server.Abort();
        net.RunFor(Duration.FromMilliseconds(10));
    }

    [Theory]
    [InlineData(NetbackMode.MapDestructor)]
    [InlineData(NetbackMode.MapForeign)]
    public void Pages_held_past_the_hold_limit_are_copied_out_and_the_guest_is_answered(NetbackMode mode)
    {
        using var net = new XenNetwork(new NetbackConfig { Mode = mode, HoldLimit = Duration.FromSeconds(1) });
        (TcpSocket client, TcpSocket server) = Connect(net);
        byte[] payload = Pattern(1000, 4);
        Assert.Equal(1000, client.Send(payload));
        net.GuestStack.Flush(client, net.Sim.Now);
        net.RunFor(Duration.FromMilliseconds(900));
        Assert.Equal(1, net.Back.TxInFlight); // not yet

        net.RunFor(Duration.FromMilliseconds(200));
        Assert.Equal(0, net.Back.TxInFlight); // copied out of the receive queue at 1 s
        Assert.Equal(0, net.Front.TxOutstanding);
        net.Guest.Frame(XenNetwork.AnyTxFrame).Span.Fill(0x55); // the guest reuses its memory

        byte[] got = new byte[2000];
        Assert.Equal(1000, server.Receive(got));
        Assert.Equal(payload, got[..1000]); // the copy, not the reused page
        client.Abort();
        server.Abort();
        net.RunFor(Duration.FromMilliseconds(10));
    }

    /// <summary>A guest client connected to a backend listener.</summary>
    internal static (TcpSocket Client, TcpSocket Server) Connect(XenNetwork net)
    {
        TcpListener listener = net.BackendStack.TcpListen(7001);
        TcpSocket client = net.GuestStack.TcpConnect(new Ipv4Endpoint(XenNetwork.BackendAddress, 7001), net.Sim.Now);
        TcpSocket? server = null;
        Assert.True(net.RunUntil(() => (server ??= listener.Accept()) is not null && client.State == TcpState.Established, Duration.FromSeconds(5)));
        net.RunFor(Duration.FromMilliseconds(50)); // the handshake's packets are answered
        return (client, server!);
    }
}
