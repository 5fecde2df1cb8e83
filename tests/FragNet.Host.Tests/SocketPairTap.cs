using System.Runtime.InteropServices;
using FragNet.Buffers;
using FragNet.Host.Interop;
using FragNet.Host.Tap;

namespace FragNet.Host.Tests;

/// <summary>
/// A <see cref="TapDevice"/> on one end of an <c>AF_UNIX SOCK_SEQPACKET</c> socket pair instead of a TAP: like a TAP it
/// keeps message boundaries (one read, one frame) and says EAGAIN when full, so the device's receive and transmit
/// paths run without root. The test plays the kernel on the other end. Disposing is the leak check.
/// </summary>
internal sealed unsafe class SocketPairTap : IDisposable
{
    private readonly int _peer;

    public SocketPairTap(TapOptions? options = null, int pages = 256, int sendBuffer = 0)
    {
        Pool = new PagePool(pages, "socketpair tap");
        Cache = new SkbCache(Pool, "socketpair tap");
        int* fds = stackalloc int[2];
        Assert.Equal(0, Libc.SocketPair(Libc.AF_UNIX, Libc.SOCK_SEQPACKET | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, 0, fds));
        if (sendBuffer > 0)
        {
            Assert.Equal(0, Libc.SetSockOpt(fds[0], Libc.SOL_SOCKET, Libc.SO_SNDBUF, &sendBuffer, sizeof(int)));
        }

        _peer = fds[1];
        Device = new TapDevice(fds[0], Cache, options ?? new TapOptions("sp0"));
        Device.Receiver = (skb, _) => Received.Add(skb);
    }

    public PagePool Pool { get; }

    public SkbCache Cache { get; }

    public TapDevice Device { get; }

    /// <summary>Frames the device delivered (the test frees them).</summary>
    public List<SkBuff> Received { get; } = [];

    /// <summary>The "kernel" sends one frame to the device.</summary>
    public void PeerWrite(ReadOnlySpan<byte> message)
    {
        fixed (byte* p = message)
        {
            Assert.Equal(message.Length, (int)Libc.Write(_peer, p, (nuint)message.Length));
        }
    }

    /// <summary>The "kernel" reads one frame the device wrote; null when there is none.</summary>
    public byte[]? PeerRead()
    {
        byte[] buffer = new byte[70000];
        nint n;
        fixed (byte* p = buffer)
        {
            n = Libc.Read(_peer, p, (nuint)buffer.Length);
        }

        if (n < 0)
        {
            Assert.Equal(Libc.EAGAIN, Marshal.GetLastPInvokeError());
            return null;
        }

        return buffer[..(int)n];
    }

    public static byte[] Bytes(SkBuff skb)
    {
        byte[] bytes = new byte[skb.Len];
        skb.CopyBits(0, bytes);
        return bytes;
    }

    public void Dispose()
    {
        foreach (SkBuff skb in Received)
        {
            if (!skb.IsFree)
            {
                skb.Consume();
            }
        }

        Device.Dispose();
        _ = Libc.Close(_peer);
        Assert.Equal(0, Cache.Live);
        Assert.Equal(0, Pool.Outstanding);
        Assert.Equal(string.Empty, LeakCheck.Report([Pool], [Cache]));
        Pool.Dispose();
    }
}
