using System.Buffers.Binary;
using System.Runtime.InteropServices;
using FragNet.Buffers;
using FragNet.Host.Interop;
using FragNet.Wire;

namespace FragNet.Host.Tap;

/// <summary>The transmit path: one writev from the frame's head and frags (plus the virtio header), EAGAIN queueing.</summary>
public sealed unsafe partial class TapDevice
{
    private enum WriteResult
    {
        Written,
        WouldBlock,
        Dropped,
    }

    /// <summary>Writes <paramref name="frame"/> to the kernel now, or queues it behind frames already waiting (order is
    /// kept), or drops it (queue full, device closed, kernel refusal). The frame is freed in every case.</summary>
    public void Transmit(SkBuff frame, Instant now)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_fd < 0)
        {
            Drop(frame, DropReason.DeviceDown);
            return;
        }

        Capture?.Invoke(frame, now);
        if (_txQueue.Count > 0)
        {
            Enqueue(frame);
            return;
        }

        if (Write(frame) == WriteResult.WouldBlock)
        {
            Enqueue(frame);
        }
    }

    private void Enqueue(SkBuff frame)
    {
        if (_txQueue.Count >= _txQueueLimit)
        {
            Drop(frame, DropReason.QueueFull);
            return;
        }

        _txQueue.Enqueue(frame);
    }

    private void DrainTransmitQueue()
    {
        while (_txQueue.TryPeek(out SkBuff? frame))
        {
            if (Write(frame) == WriteResult.WouldBlock)
            {
                return;
            }

            _txQueue.Dequeue();
        }
    }

    /// <summary>One <c>writev</c>: [virtio header,] the linear head, every frag in place. The kernel copies the bytes
    /// before returning, so a written frame is freed at once (its lenders' destructors may run now). A frame is left
    /// alone on WouldBlock and freed otherwise.</summary>
    private WriteResult Write(SkBuff frame)
    {
        if (!Prepare(frame, out VirtioNetHeader header))
        {
            return WriteResult.Dropped;
        }

        IoVec* iov = stackalloc IoVec[2 + SharedInfo.MaxSkbFrags];
        byte* vnet = stackalloc byte[VirtioNetHeader.Size];
        int count = 0;
        if (_headerLength > 0)
        {
            header.Write(new Span<byte>(vnet, VirtioNetHeader.Size));
            iov[count++] = new IoVec { Base = vnet, Length = VirtioNetHeader.Size };
        }

        nint n;
        fixed (byte* head = frame.LinearData)
        {
            if (frame.HeadLen > 0)
            {
                iov[count++] = new IoVec { Base = head, Length = (nuint)frame.HeadLen };
            }

            for (int i = 0; i < frame.NrFrags; i++)
            {
                // Pages are pinned native memory (Page.Address is stable), so the kernel reads the lender's bytes
                // directly: the zero-copy hand-off ends in this one copy into the kernel's skb.
                iov[count++] = new IoVec { Base = (byte*)frame.FragPage(i).Address + frame.FragOffset(i), Length = (nuint)frame.FragSize(i) };
            }

            do
            {
                n = Libc.Writev(_fd, iov, count);
            }
            while (n < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR);
        }

        if (n >= 0)
        {
            TxFrames++;
            TxBytes += frame.Len;
            frame.Consume();
            return WriteResult.Written;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno == Libc.EAGAIN)
        {
            return WriteResult.WouldBlock;
        }

        LastError = errno == Libc.EIO
            ? $"write to TAP {Name}: {Libc.Describe(errno)} (the kernel refuses frames while the TAP is down: ip link set dev {Name} up)"
            : $"write to TAP {Name}: {Libc.Describe(errno)}";
        Drop(frame, errno == Libc.EINVAL ? DropReason.Malformed : DropReason.DeviceDown);
        return WriteResult.Dropped;
    }

    /// <summary>Makes the frame writable as one iovec list and decides its virtio header: a frag list is flattened
    /// (no NETIF_F_FRAGLIST); a TCP super-packet becomes a GSO header with the checksum field set to the pseudo-header
    /// sum; a partial checksum becomes NEEDS_CSUM, or is completed here when there is no virtio header to carry it.
    /// False when the frame was dropped.</summary>
    private bool Prepare(SkBuff frame, out VirtioNetHeader header)
    {
        header = VirtioNetHeader.None;
        if (frame.FragList is not null)
        {
            frame.Linearize();
        }

        if (frame.NrFrags > SharedInfo.MaxSkbFrags)
        {
            frame.Linearize();
        }

        if (frame.GsoSize > 0 && frame.Len > EthernetField.HeaderLength + Mtu)
        {
            if (!VnetHeader || !TryGsoHeader(frame, out header))
            {
                Drop(frame, DropReason.PacketTooBig); // the stack segments for a device without Tso; this is a bug
                return false;
            }

            return true;
        }

        if (frame.IpSummed == ChecksumState.Partial)
        {
            if (VnetHeader)
            {
                header = VirtioNetHeader.PartialChecksum(frame.CsumStart, frame.CsumOffset);
            }
            else
            {
                CompleteChecksum(frame);
            }
        }

        return true;
    }

    /// <summary>The virtio header of a TCP/IPv4 super-packet (Linux <c>virtio_net_hdr_from_skb</c>): the kernel completes
    /// each segment's checksum from the pseudo-header sum it finds in the field (<c>CHECKSUM_PARTIAL</c>), so a full
    /// checksum the stack computed is replaced by that sum.</summary>
    private static bool TryGsoHeader(SkBuff frame, out VirtioNetHeader header)
    {
        header = VirtioNetHeader.None;
        const int eth = EthernetField.HeaderLength;
        if (!frame.PullTail(eth + Ipv4Field.MinHeaderLength + TcpField.MinHeaderLength))
        {
            return false;
        }

        Span<byte> data = frame.LinearData;
        if (BinaryPrimitives.ReadUInt16BigEndian(data[12..]) != (ushort)EtherType.Ipv4 || data[eth + 9] != (byte)IpProtocol.Tcp)
        {
            return false;
        }

        int ipLength = (data[eth] & 0xF) * 4;
        int tcpOffset = eth + ipLength;
        if (!frame.PullTail(tcpOffset + TcpField.MinHeaderLength))
        {
            return false;
        }

        int tcpLength = (frame.LinearData[tcpOffset + TcpField.DataOffset] >> 4) * 4;
        if (!frame.PullTail(tcpOffset + tcpLength) || frame.Len - tcpOffset - tcpLength <= frame.GsoSize)
        {
            return false;
        }

        if (frame.IsHeaderCloned)
        {
            frame.CowHead(0);
        }

        data = frame.LinearData;
        var source = new Ipv4Address(data.Slice(eth + 12, 4));
        var destination = new Ipv4Address(data.Slice(eth + 16, 4));
        ushort pseudo = Ipv4PseudoHeader.Sum(source, destination, IpProtocol.Tcp, frame.Len - tcpOffset);
        BinaryPrimitives.WriteUInt16BigEndian(data[(tcpOffset + TcpField.Checksum)..], pseudo);
        header = VirtioNetHeader.TcpV4Gso(tcpOffset, tcpLength, frame.GsoSize);
        if ((data[tcpOffset + TcpField.Flags] & (byte)TcpFlags.Cwr) != 0)
        {
            header = header with { GsoType = VirtioNetHeader.GsoTcpV4 | VirtioNetHeader.GsoEcn };
        }

        return true;
    }

    /// <summary><c>skb_checksum_help</c>: completes a partial checksum in software, for a TAP without a virtio header.</summary>
    private static void CompleteChecksum(SkBuff frame)
    {
        int start = frame.CsumStart;
        ushort sum = frame.Checksum(start, frame.Len - start);
        Span<byte> field = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(field, (ushort)~sum);
        if (frame.IsHeaderCloned)
        {
            frame.CowHead(0);
        }

        frame.StoreBits(start + frame.CsumOffset, field);
        frame.IpSummed = ChecksumState.None;
    }
}
