using FragNet.Buffers;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack;

/// <summary>The ICMP echo sender (ping's side, RFC 792): requests out, replies queued for the caller.</summary>
public sealed partial class NetInterface
{
    /// <summary>Replies held for <see cref="TryTakeEchoReply"/>; more are dropped (<see cref="DropReason.QueueFull"/>).</summary>
    public const int EchoReplyQueueLimit = 256;

    /// <summary>Largest echo data: an IPv4 datagram of 65535 bytes less the IP and ICMP headers.</summary>
    public const int MaxEchoDataLength = 65535 - Ipv4Field.MinHeaderLength - Icmpv4Field.HeaderLength;

    private readonly Queue<EchoReply> _echoReplies = new();

    /// <summary>ICMP echo requests sent.</summary>
    public long EchoRequestsSent { get; private set; }

    /// <summary>ICMP echo replies received (queued or not).</summary>
    public long EchoRepliesReceived { get; private set; }

    /// <summary>Sends an echo request with <paramref name="identifier"/>, <paramref name="sequenceNumber"/> and a copy
    /// of <paramref name="data"/> to <paramref name="destination"/>. Like any datagram it waits for ARP if the next hop
    /// is not known yet, and is fragmented if it does not fit the MTU. Replies — from anyone, for any identifier: the
    /// caller matches them, as ping does — come out of <see cref="TryTakeEchoReply"/>.</summary>
    public void SendEchoRequest(Ipv4Address destination, ushort identifier, ushort sequenceNumber, ReadOnlySpan<byte> data, Instant now)
    {
        if (data.Length > MaxEchoDataLength)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, $"echo data is at most {MaxEchoDataLength} bytes");
        }

        var request = Icmpv4Repr.EchoRequest(identifier, sequenceNumber, data.Length);
        SkBuff skb = _cache.Alloc(TcpSocket.MaxHeaderRoom + request.BufferLength);
        skb.Reserve(TcpSocket.MaxHeaderRoom);
        Span<byte> body = skb.Put(request.BufferLength);
        data.CopyTo(body[request.HeaderLength..]);
        request.Emit(body);
        EchoRequestsSent++;
        TransmitIpv4(skb, destination, IpProtocol.Icmp, now);
    }

    /// <summary>The oldest echo reply received and not yet taken.</summary>
    public bool TryTakeEchoReply(out EchoReply reply) => _echoReplies.TryDequeue(out reply);

    private void ReceiveEchoReply(in Ipv4Repr ip, in Icmpv4Repr icmp, ReadOnlySpan<byte> data, Instant now)
    {
        EchoRepliesReceived++;
        if (_echoReplies.Count >= EchoReplyQueueLimit)
        {
            Count(DropReason.QueueFull);
            return;
        }

        _echoReplies.Enqueue(new EchoReply(ip.Source, icmp.Identifier, icmp.SequenceNumber, ip.TimeToLive, data.ToArray(), now));
    }
}
