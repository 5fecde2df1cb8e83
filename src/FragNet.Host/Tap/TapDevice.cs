using FragNet.Buffers;
using FragNet.Host.Interop;
using FragNet.Stack;
using FragNet.Wire;

namespace FragNet.Host.Tap;

/// <summary>
/// A Linux TAP device as a FragNet <see cref="INetDevice"/>: FragNet is the machine at the other end of the TAP's
/// virtual wire, the kernel is the host it is plugged into. Frames the kernel sends out of the TAP are read into pool
/// pages and handed to <see cref="Receiver"/> (normally <see cref="NetInterface.Receive"/>); frames the stack transmits
/// are written to the kernel straight from their head and fragments with one <c>writev</c>.
/// </summary>
/// <remarks>
/// <para>Threading: like everything a <see cref="HostLoop"/> drives, a device belongs to the loop's thread;
/// <see cref="Transmit"/>, <see cref="Poll"/> and <see cref="Dispose"/> must not run concurrently.</para>
/// <para>Receive (Linux's page-based RX, <c>napi_gro_frags</c>): each <c>readv</c> fills spare pages taken from the
/// pool ahead of time; the frame becomes an <see cref="SkBuff"/> whose frags are those pages and whose linear head is
/// empty, so the stack pulls only the headers it parses into the head and the payload is never copied. Frames of at
/// most <see cref="CopyBreak"/> bytes (ACKs, ARP) are copied into a linear buffer instead, keeping the page. Frames
/// shorter than an Ethernet header or longer than the MTU allows are dropped and counted (<see cref="Drops"/>), never
/// thrown; so is a frame that finds the pool dry (it is read into a scratch buffer and discarded, so the descriptor
/// does not stay readable and make the loop spin).</para>
/// <para>Transmit: the device owns the frame from <see cref="Transmit"/> on. It is written at once and freed; if the
/// kernel says EAGAIN it waits in a queue of at most <see cref="TapOptions.TransmitQueueLimit"/> frames, drained when
/// the descriptor is writable again (the device asks the loop for POLLOUT only then); frames beyond the bound are
/// dropped with <see cref="DropReason.QueueFull"/>. <c>writev</c> copies the bytes into the kernel's own buffer, so
/// when it returns the pages are free — the TAP's transmit completion is immediate.</para>
/// <para>With a virtio header (<see cref="TapOptions.VnetHeader"/>) each frame carries a <see cref="VirtioNetHeader"/>:
/// TCP super-packets go out unsegmented (the kernel segments them, or its GRO-aware receiver never needs to), and frames
/// from the kernel may be up to 64 KiB with only a partial checksum, which the device marks
/// <see cref="ChecksumState.Unnecessary"/>: the bytes never crossed a wire.</para>
/// </remarks>
public sealed unsafe partial class TapDevice : INetDevice, IHostPollSource, IDisposable
{
    /// <summary>Frames up to this long are copied into a linear buffer on receive, and their page reused.</summary>
    public const int CopyBreak = 256;

    /// <summary>Linear room given to a paged received frame for the headers the stack pulls (Ethernet + IPv4 + TCP
    /// with options at most 134 bytes).</summary>
    private const int ReceiveHeadRoom = 192;

    private readonly SkbCache _cache;
    private readonly int _headerLength;   // 0, or VirtioNetHeader.Size
    private readonly int _maxFrame;       // longest frame accepted, Ethernet header included
    private readonly Page?[] _spare;      // pages the next read fills; null slots are refilled before it
    private readonly byte[] _scratch;     // where a frame goes when the pool is dry (to be dropped)
    private readonly Queue<SkBuff> _txQueue = new();
    private readonly long[] _drops = new long[Enum.GetValues<DropReason>().Length];
    private readonly int _txQueueLimit;
    private readonly int _receiveBudget;
    private int _fd;

    internal TapDevice(int fd, SkbCache cache, TapOptions options)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mtu is < 68 or > 65535 - EthernetField.HeaderLength)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Mtu, "the MTU must be between 68 and 65521");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.TransmitQueueLimit, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ReceiveBudget, nameof(options));
        _fd = fd;
        _cache = cache;
        Name = options.Name;
        Namespace = options.Namespace;
        Mtu = options.Mtu;
        VnetHeader = options.VnetHeader;
        Address = options.Address ?? RandomLocalAddress();
        Features = VnetHeader
            ? NetDeviceFeatures.ScatterGather | NetDeviceFeatures.Tso | NetDeviceFeatures.TxChecksum | NetDeviceFeatures.RxChecksum
            : NetDeviceFeatures.ScatterGather;
        _headerLength = VnetHeader ? VirtioNetHeader.Size : 0;
        // With offloads the kernel may hand over a whole IPv4 datagram of up to 65535 bytes in one frame.
        _maxFrame = EthernetField.HeaderLength + (VnetHeader ? 65535 : Mtu);
        // One byte more than the longest frame, so a longer one shows as oversize rather than arriving cut.
        _spare = new Page?[((_maxFrame + 1) + Page.Size - 1) / Page.Size];
        _scratch = new byte[_headerLength + (_spare.Length * Page.Size)];
        _txQueueLimit = options.TransmitQueueLimit;
        _receiveBudget = options.ReceiveBudget;
    }

    public string Name { get; }

    /// <summary>FragNet's Ethernet address on this wire.</summary>
    public EthernetAddress Address { get; }

    public int Mtu { get; }

    public NetDeviceFeatures Features { get; }

    /// <summary>The namespace the TAP was opened in (null: the process's own).</summary>
    public string? Namespace { get; }

    /// <summary>True when frames carry a <see cref="VirtioNetHeader"/>.</summary>
    public bool VnetHeader { get; }

    /// <summary>Where received frames go (ownership passes with each call); frames that arrive while it is null are
    /// dropped with <see cref="DropReason.DeviceDown"/>.</summary>
    public Action<SkBuff, Instant>? Receiver { get; set; }

    /// <summary>Sees every frame the stack hands the device and every frame the kernel hands it, in place, before
    /// either goes on (a pcap writer, typically); it must not keep or change the buffer. Transmitted TSO frames are
    /// seen whole, as tcpdump sees them on a host with offloads.</summary>
    public Action<SkBuff, Instant>? Capture { get; set; }

    /// <summary>Frames read and delivered.</summary>
    public long RxFrames { get; private set; }

    /// <summary>Bytes of the frames delivered (Ethernet header included, virtio header not).</summary>
    public long RxBytes { get; private set; }

    /// <summary>Frames written to the kernel.</summary>
    public long TxFrames { get; private set; }

    /// <summary>Bytes written (as <see cref="RxBytes"/>).</summary>
    public long TxBytes { get; private set; }

    /// <summary>Frames waiting for the descriptor to become writable.</summary>
    public int TxQueued => _txQueue.Count;

    /// <summary>The last error the kernel returned on a read or write, with a hint; null if none.</summary>
    public string? LastError { get; private set; }

    /// <summary>Frames dropped by the device for <paramref name="reason"/>: <see cref="DropReason.PacketTooSmall"/>
    /// (a runt: shorter than an Ethernet header), <see cref="DropReason.PacketTooBig"/> (longer than the MTU allows),
    /// <see cref="DropReason.NoMemory"/> (the pool was dry), <see cref="DropReason.QueueFull"/> (transmit queue full),
    /// <see cref="DropReason.DeviceDown"/> (no receiver, write failed, or disposed) and
    /// <see cref="DropReason.Malformed"/> (the kernel refused a frame as invalid).</summary>
    public long Drops(DropReason reason) => _drops[(int)reason];

    /// <summary>The descriptor is always read; it is written-to-wait only while frames are queued.</summary>
    public void AddWaits(HostWaitSet waits)
    {
        ArgumentNullException.ThrowIfNull(waits);
        if (_fd >= 0)
        {
            waits.Add(_fd, _txQueue.Count > 0 ? PollEvents.In | PollEvents.Out : PollEvents.In);
        }
    }

    /// <summary>Drains the transmit queue as far as the kernel takes it, then reads up to the receive budget.</summary>
    public void Poll(Instant now)
    {
        if (_fd < 0)
        {
            return;
        }

        DrainTransmitQueue();
        ReceiveFrames(now);
    }

    /// <summary>Nothing is timed: readiness is all the device waits for.</summary>
    public Instant PollAt() => Instant.MaxValue;

    /// <summary>Closes the descriptor (a TAP created by <see cref="Open"/> disappears), drops queued frames and gives
    /// the spare pages back.</summary>
    public void Dispose()
    {
        if (_fd >= 0)
        {
            _ = Libc.Close(_fd);
            _fd = -1;
        }

        while (_txQueue.TryDequeue(out SkBuff? frame))
        {
            Drop(frame, DropReason.DeviceDown);
        }

        for (int i = 0; i < _spare.Length; i++)
        {
            _spare[i]?.Release();
            _spare[i] = null;
        }
    }

    /// <summary>A random locally administered unicast address (IEEE 802: bit 1 of the first octet set, bit 0 clear).</summary>
    public static EthernetAddress RandomLocalAddress()
    {
        Span<byte> b = stackalloc byte[EthernetAddress.Size];
        Random.Shared.NextBytes(b);
        b[0] = (byte)((b[0] & 0xFC) | 0x02);
        return new EthernetAddress(b);
    }

    private void Count(DropReason reason) => _drops[(int)reason]++;

    private void Drop(SkBuff frame, DropReason reason)
    {
        Count(reason);
        frame.Drop(reason);
    }
}
