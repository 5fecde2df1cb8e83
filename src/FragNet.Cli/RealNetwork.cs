using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Host;
using FragNet.Host.Sockets;
using FragNet.Host.Tap;
using FragNet.Stack;
using FragNet.Stack.Streams;

namespace FragNet.Cli;

/// <summary>
/// What a command that talks to real peers runs on, chosen by <c>--via</c>: the kernel's TCP through host sockets
/// (optionally with MSG_ZEROCOPY), or FragNet's own stack on a TAP device (optionally captured to a pcap file). Either
/// way one <see cref="HostLoop"/> drives it, and <see cref="Dispose"/> checks that every page came back.
/// </summary>
internal sealed class RealNetwork : IDisposable
{
    private readonly TapHost? _tap;
    private readonly HostTcpTransport? _host;
    private readonly PagePool? _pool;
    private readonly SkbCache? _cache;
    private readonly PcapWriter? _pcap;
    private readonly FileStream? _pcapFile;

    private RealNetwork(HostLoop loop, IStreamTransport transport, TapHost? tap, HostTcpTransport? host, PagePool? pool, SkbCache? cache, PcapWriter? pcap, FileStream? pcapFile)
    {
        Loop = loop;
        Transport = transport;
        _tap = tap;
        _host = host;
        _pool = pool;
        _cache = cache;
        _pcap = pcap;
        _pcapFile = pcapFile;
    }

    /// <summary>The loop that drives everything.</summary>
    public HostLoop Loop { get; }

    /// <summary>Where stream sockets come from.</summary>
    public IStreamTransport Transport { get; }

    /// <summary>The kernel transport (null on a TAP).</summary>
    public HostTcpTransport? Host => _host;

    /// <summary>Frames captured (0 without <c>--pcap</c>).</summary>
    public long CapturedFrames => _pcap?.PacketCount ?? 0;

    /// <summary>Pages still out after <see cref="Dispose"/> (empty when all came back).</summary>
    public string LeakReport { get; private set; } = string.Empty;

    /// <summary>Opens the network <paramref name="via"/> names; on failure prints <c>fragnet: …</c> and returns null.</summary>
    public static RealNetwork? Open(Via via, bool zeroCopy, FileInfo? pcap)
    {
        ArgumentNullException.ThrowIfNull(via);
        if (!via.IsTap)
        {
            var pool = new PagePool(16384, "host");
            var cache = new SkbCache(pool, "host");
            var loop = new HostLoop();
            var transport = new HostTcpTransport(cache, new HostTcpOptions { ZeroCopy = zeroCopy });
            loop.Add(transport);
            return new RealNetwork(loop, transport, null, transport, pool, cache, null, null);
        }

        TapHost? tap = via.OpenTap();
        if (tap is null)
        {
            return null;
        }

        PcapWriter? writer = null;
        FileStream? file = null;
        if (pcap is not null)
        {
            try
            {
                file = pcap.Create();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                tap.Dispose();
                Console.Error.WriteLine($"fragnet: cannot write {pcap.FullName}: {e.Message}");
                return null;
            }

            writer = new PcapWriter(file, leaveOpen: true);
            // pcap wants wall-clock time: the loop's monotonic instants, placed at the moment the capture began.
            Instant epoch = Instant.FromMicroseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000) - (tap.Now - Instant.Zero);
            tap.Device.Capture = (frame, now) => writer.WritePacket(epoch + (now - Instant.Zero), frame);
        }

        return new RealNetwork(tap.Loop, tap.Interface, tap, null, null, null, writer, file);
    }

    public void Dispose()
    {
        if (_tap is not null)
        {
            _tap.Device.Capture = null;
            _tap.Dispose();
            LeakReport = _tap.LeakReport;
        }

        _pcap?.Dispose();
        _pcapFile?.Dispose();
        if (_host is not null)
        {
            _host.Dispose();
            Loop.Dispose();
            LeakReport = _cache!.Live != 0 ? _cache.LeakReport() : _pool!.Outstanding != 0 ? _pool.LeakReport() : string.Empty;
            if (LeakReport.Length == 0)
            {
                _pool!.Dispose(); // a pool with pages out stays: freeing memory something may still use would be worse
            }
        }
    }
}
