using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Host.Interop;
using FragNet.Host.Tap;
using FragNet.Stack;
using FragNet.Wire;

namespace FragNet.Host.Tests;

/// <summary>The TAP device's frame paths, with the test as the kernel at the other end of a socket pair (no root).</summary>
public sealed class TapDeviceTests
{
    private static readonly Instant Now = Instant.Zero;

    [Fact]
    public void A_received_full_size_frame_arrives_in_pool_pages_with_every_byte_and_a_short_one_is_copied_linear()
    {
        using var tap = new SocketPairTap();
        byte[] big = Frame(1514, seed: 1);
        byte[] small = Frame(60, seed: 2);
        tap.PeerWrite(big);
        tap.PeerWrite(small);

        tap.Device.Poll(Now);

        Assert.Equal(2, tap.Received.Count);
        Assert.Equal(big, SocketPairTap.Bytes(tap.Received[0]));
        Assert.Equal(0, tap.Received[0].HeadLen); // zero-copy: the stack pulls what it parses
        Assert.Equal(1, tap.Received[0].NrFrags);
        Assert.Equal(small, SocketPairTap.Bytes(tap.Received[1]));
        Assert.False(tap.Received[1].IsNonlinear);
        Assert.Equal(2, tap.Device.RxFrames);
        Assert.Equal(1514 + 60, tap.Device.RxBytes);
    }

    [Fact]
    public void Runts_and_frames_longer_than_the_mtu_are_counted_drops_not_exceptions()
    {
        using var tap = new SocketPairTap();
        tap.PeerWrite(new byte[13]);
        tap.PeerWrite(Frame(1515, seed: 3));
        tap.PeerWrite(Frame(1514, seed: 4));

        tap.Device.Poll(Now);

        Assert.Single(tap.Received);
        Assert.Equal(1, tap.Device.Drops(DropReason.PacketTooSmall));
        Assert.Equal(1, tap.Device.Drops(DropReason.PacketTooBig));
    }

    [Fact]
    public void A_frame_that_finds_the_pool_dry_is_read_and_dropped_so_the_descriptor_does_not_stay_ready()
    {
        using var tap = new SocketPairTap(pages: 64);
        var hog = new List<Page>();
        while (tap.Pool.TryAlloc(out Page p))
        {
            hog.Add(p);
        }

        tap.PeerWrite(Frame(1000, seed: 5));
        tap.Device.Poll(Now);
        Assert.Empty(tap.Received);
        Assert.Equal(1, tap.Device.Drops(DropReason.NoMemory));

        foreach (Page p in hog)
        {
            p.Release();
        }

        tap.PeerWrite(Frame(1000, seed: 6));
        tap.Device.Poll(Now);
        Assert.Single(tap.Received);
    }

    [Fact]
    public void A_transmitted_frame_leaves_as_one_message_from_its_head_and_frags_and_is_freed()
    {
        using var tap = new SocketPairTap();
        byte[] expected = Frame(3000, seed: 7);
        SkBuff skb = Paged(tap.Cache, expected, headLength: 54);
        Assert.Equal(1, skb.NrFrags);

        tap.Device.Transmit(skb, Now);

        Assert.Equal(expected, tap.PeerRead());
        Assert.Null(tap.PeerRead());
        Assert.Equal(0, tap.Cache.Live);
        Assert.Equal(1, tap.Device.TxFrames);
        Assert.Equal(3000, tap.Device.TxBytes);
    }

    [Fact]
    public void When_the_kernel_says_eagain_frames_wait_in_order_up_to_the_bound_then_drain_once_writable()
    {
        using var tap = new SocketPairTap(new TapOptions("sp0") { TransmitQueueLimit = 8 }, sendBuffer: 4096);
        var sent = new List<byte[]>();
        for (int i = 0; i < 200 && tap.Device.TxQueued < 8; i++)
        {
            byte[] frame = Frame(1500, seed: 100 + i);
            sent.Add(frame);
            tap.Device.Transmit(Linear(tap.Cache, frame), Now);
        }

        Assert.Equal(8, tap.Device.TxQueued);
        var waits = new HostWaitSet();
        tap.Device.AddWaits(waits);
        Assert.Equal(1, waits.Count);

        tap.Device.Transmit(Linear(tap.Cache, Frame(1500, seed: 99)), Now); // beyond the bound
        Assert.Equal(1, tap.Device.Drops(DropReason.QueueFull));

        var got = new List<byte[]>();
        for (int round = 0; round < 1000 && got.Count < sent.Count; round++)
        {
            while (tap.PeerRead() is byte[] frame)
            {
                got.Add(frame);
            }

            tap.Device.Poll(Now);
        }

        Assert.Equal(sent, got);
        Assert.Equal(0, tap.Device.TxQueued);
    }

    [Fact]
    public void With_a_virtio_header_a_tcp_super_packet_leaves_unsegmented_with_a_gso_header_and_the_pseudo_header_sum()
    {
        using var tap = new SocketPairTap(new TapOptions("sp0") { VnetHeader = true });
        Assert.Equal(NetDeviceFeatures.ScatterGather | NetDeviceFeatures.Tso | NetDeviceFeatures.TxChecksum | NetDeviceFeatures.RxChecksum, tap.Device.Features);
        const int payload = 10_000;
        byte[] frame = TcpFrame(payload);
        SkBuff skb = Paged(tap.Cache, frame, headLength: 54);
        skb.GsoSize = 1460;

        tap.Device.Transmit(skb, Now);

        byte[] message = tap.PeerRead()!;
        Assert.Equal(VirtioNetHeader.Size + frame.Length, message.Length);
        Assert.Equal(new byte[] { 0x01, 0x01, 54, 0, 0xb4, 0x05, 34, 0, 16, 0 }, message[..10]);
        ushort pseudo = Ipv4PseudoHeader.Sum(Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("10.0.0.2"), IpProtocol.Tcp, 20 + payload);
        Assert.Equal(pseudo, BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(10 + 34 + 16)));
        Assert.Equal(frame.AsSpan(54).ToArray(), message.AsSpan(10 + 54).ToArray());
    }

    [Fact]
    public void With_a_virtio_header_an_ordinary_frame_gets_the_empty_header_and_a_kernel_partial_checksum_is_trusted()
    {
        using var tap = new SocketPairTap(new TapOptions("sp0") { VnetHeader = true });
        byte[] frame = Frame(200, seed: 8);
        tap.Device.Transmit(Linear(tap.Cache, frame), Now);
        Assert.Equal([.. new byte[10], .. frame], tap.PeerRead()!);

        byte[] incoming = [0x01, 0, 0, 0, 0, 0, 34, 0, 16, 0, .. Frame(5000, seed: 9)];
        tap.PeerWrite(incoming);
        tap.PeerWrite([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, .. Frame(70, seed: 10)]);
        tap.Device.Poll(Now);
        Assert.Equal(2, tap.Received.Count);
        Assert.Equal(ChecksumState.Unnecessary, tap.Received[0].IpSummed);
        Assert.Equal(incoming[10..], SocketPairTap.Bytes(tap.Received[0]));
        Assert.Equal(ChecksumState.None, tap.Received[1].IpSummed);
    }

    [Fact]
    public void Without_a_virtio_header_a_partial_checksum_is_completed_in_software()
    {
        using var tap = new SocketPairTap();
        byte[] frame = TcpFrame(100);
        var src = Ipv4Address.Parse("10.0.0.1");
        var dst = Ipv4Address.Parse("10.0.0.2");
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34 + 16), Ipv4PseudoHeader.Sum(src, dst, IpProtocol.Tcp, 120));
        SkBuff skb = Linear(tap.Cache, frame);
        skb.IpSummed = ChecksumState.Partial;
        skb.CsumStart = 34;
        skb.CsumOffset = 16;

        tap.Device.Transmit(skb, Now);

        byte[] sent = tap.PeerRead()!;
        Assert.True(Ipv4PseudoHeader.Verify(src, dst, IpProtocol.Tcp, sent.AsSpan(34)));
    }

    [Fact]
    public void Frames_arriving_with_no_receiver_and_frames_sent_after_dispose_are_dropped_as_device_down()
    {
        using var tap = new SocketPairTap();
        tap.Device.Receiver = null;
        tap.PeerWrite(Frame(100, seed: 11));
        tap.Device.Poll(Now);
        Assert.Equal(1, tap.Device.Drops(DropReason.DeviceDown));

        tap.Device.Dispose();
        tap.Device.Transmit(Linear(tap.Cache, Frame(100, seed: 12)), Now);
        Assert.Equal(2, tap.Device.Drops(DropReason.DeviceDown));
        Assert.Equal(0, tap.Cache.Live);
    }

    [Fact]
    public void A_random_address_is_locally_administered_unicast()
    {
        for (int i = 0; i < 100; i++)
        {
            EthernetAddress a = TapDevice.RandomLocalAddress();
            byte first = (byte)(a.Value >> 40);
            Assert.Equal(0x02, first & 0x03);
        }
    }

    private static byte[] Frame(int length, int seed)
    {
        byte[] frame = new byte[length];
        new Random(seed).NextBytes(frame);
        return frame;
    }

    /// <summary>Ethernet + IPv4 (10.0.0.1 → 10.0.0.2) + a 20-byte TCP header + <paramref name="payload"/> bytes.</summary>
    private static byte[] TcpFrame(int payload)
    {
        byte[] frame = Frame(54 + payload, seed: payload);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), (ushort)EtherType.Ipv4);
        new Ipv4Repr(Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("10.0.0.2"), IpProtocol.Tcp, 20 + payload).Emit(frame.AsSpan(14));
        frame[34 + TcpField.DataOffset] = 5 << 4;
        frame[34 + TcpField.Flags] = (byte)TcpFlags.Ack;
        return frame;
    }

    private static SkBuff Linear(SkbCache cache, byte[] bytes)
    {
        SkBuff skb = cache.Alloc(bytes.Length);
        bytes.CopyTo(skb.Put(bytes.Length));
        return skb;
    }

    /// <summary>The first <paramref name="headLength"/> bytes linear, the rest in pool pages.</summary>
    private static SkBuff Paged(SkbCache cache, byte[] bytes, int headLength)
    {
        SkBuff skb = cache.Alloc(headLength);
        bytes.AsSpan(0, headLength).CopyTo(skb.Put(headLength));
        for (int at = headLength, i = 0; at < bytes.Length; i++)
        {
            int n = Math.Min(Page.Size, bytes.Length - at);
            Page page = cache.Pages.Alloc();
            bytes.AsSpan(at, n).CopyTo(page.Span);
            skb.FillPageDesc(i, page, 0, n);
            at += n;
        }

        return skb;
    }
}
