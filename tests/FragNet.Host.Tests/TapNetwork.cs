using System.Net.Sockets;
using FragNet.Host.Tap;
using FragNet.Wire;

namespace FragNet.Host.Tests;

/// <summary>
/// A TAP in a network namespace of its own, the kernel side addressed 10.77.0.1/24 and up, and a FragNet
/// <see cref="TapHost"/> at 10.77.0.2 on its other end. The test process never leaves the root namespace: the TAP is
/// opened and the kernel's sockets are created from threads that joined the test's namespace
/// (<see cref="HostNetns"/>). Disposing deletes the namespace and everything in it, even after a failure.
/// </summary>
internal sealed class TapNetwork : IDisposable
{
    public const string TapName = "fn0";
    public const string KernelAddress = "10.77.0.1";
    public const string FragNetAddress = "10.77.0.2";

    public TapNetwork(bool vnetHeader)
    {
        Namespace = NetworkNamespace.Create("fnt");
        try
        {
            Namespace.Run("ip", "tuntap", "add", "dev", TapName, "mode", "tap");
            _ = Namespace.Exec("sysctl", "-q", "-w", $"net.ipv6.conf.{TapName}.disable_ipv6=1"); // no stray IPv6 frames
            Namespace.Run("ip", "addr", "add", KernelAddress + "/24", "dev", TapName);
            Namespace.Run("ip", "link", "set", TapName, "up");
            Host = Open(vnetHeader);
        }
        catch
        {
            Namespace.Dispose();
            throw;
        }
    }

    public NetworkNamespace Namespace { get; }

    public TapHost Host { get; private set; }

    /// <summary>Disposes the host (asserting no leaks) and attaches a new one to the same TAP, as a second run of a
    /// command would.</summary>
    public void Reopen(bool vnetHeader)
    {
        AssertNoLeaks();
        Host = Open(vnetHeader);
    }

    private TapHost Open(bool vnetHeader) =>
        TapHost.Open(new TapOptions(TapName) { Namespace = Namespace.Name, VnetHeader = vnetHeader }, Ipv4Cidr.Parse(FragNetAddress + "/24"));

    /// <summary>A kernel TCP socket in the namespace (usable from any thread), with timeouts so no peer can hang.</summary>
    public Socket KernelTcpSocket()
    {
        Socket s = HostNetns.Run(Namespace.Name, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        s.ReceiveTimeout = 60_000;
        s.SendTimeout = 60_000;
        return s;
    }

    /// <summary>Runs the kernel side of a test on a pool thread; its end wakes the host's loop, so a
    /// <see cref="TapHost.RunUntil"/> waiting for it does not sleep until its limit.</summary>
    public Task<T> Peer<T>(Func<T> work)
    {
        Task<T> task = Task.Run(work);
        task.ContinueWith(_ => Host.Loop.Wake(), TaskScheduler.Default);
        return task;
    }

    /// <summary>Tears the host down and asserts every page and buffer came back.</summary>
    public void AssertNoLeaks()
    {
        Host.Dispose();
        Assert.Equal(string.Empty, Host.LeakReport);
        Assert.Equal(0, Host.Pool.Outstanding);
        Assert.Equal(0, Host.Cache.Live);
    }

    public void Dispose()
    {
        try
        {
            Host.Dispose();
        }
        finally
        {
            Namespace.Dispose();
        }
    }
}
