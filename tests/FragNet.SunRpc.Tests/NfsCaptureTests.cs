using FragNet.Devices;
using FragNet.Stack;
using FragNet.SunRpc.Portmap;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;
using FragNet.Wire;

namespace FragNet.SunRpc.Tests;

/// <summary>
/// Real bytes from programs not written here: the libnfs → nfs-ganesha NFSv3 capture (shared/fixtures/README.md).
/// Each TCP direction is put back in sequence order, cut into records by <see cref="RecordAssembler"/>, and every
/// record's RPC header must decode, match up call with reply, and re-encode to the same bytes.
/// </summary>
public sealed class NfsCaptureTests
{
    /// <summary>Calls in the capture, as tshark counts them: MOUNT NULL/MNT/UMNT three times, the NFS procedures of
    /// nfs-cp, nfs-ls and nfs-cat, rpcinfo's rpcbind v4 GETADDR and its portmap v2 DUMP.</summary>
    private const int CallsInCapture = 32;

    private const ushort NfsPort = 2049;
    private const ushort MountPort = 20048;
    private const uint NfsProgram = 100003;
    private const uint MountProgram = 100005;

    private static readonly Lazy<IReadOnlyList<CapturedRecord>> Records = new(ReadRecords);

    [Fact]
    public void Every_record_in_both_directions_of_every_connection_is_a_well_formed_rpc_message()
    {
        IReadOnlyList<CapturedRecord> records = Records.Value;
        Assert.Equal(2 * CallsInCapture, records.Count);
        foreach (CapturedRecord record in records)
        {
            var r = new XdrReader(record.Bytes);
            Assert.True(RpcMessage.ReadStart(ref r, out _, out RpcMessageType type), record.ToString());
            Assert.Equal(record.FromClient ? RpcMessageType.Call : RpcMessageType.Reply, type);
        }
    }

    [Fact]
    public void Every_call_is_nfs_v3_mount_v3_or_the_port_mapper_with_auth_sys_or_auth_none()
    {
        int sys = 0;
        foreach (CapturedRecord record in Records.Value.Where(r => r.FromClient))
        {
            RpcCallHeader call = DecodeCall(record, out _);
            bool known = (call.Program, call.Version) switch
            {
                (NfsProgram, 3) => record.Server.Port == NfsPort,
                (MountProgram, 3) => record.Server.Port == MountPort,
                (PortmapConstants.Program, >= 2 and <= 4) => record.Server.Port == PortmapConstants.Port, // rpcbind v3/v4 share the number (RFC 1833 §2)
                _ => false,
            };
            Assert.True(known, $"{record}: unexpected program {call.Program} v{call.Version} proc {call.Procedure}");
            Assert.Equal(AuthFlavor.None, call.Verifier.Flavor);
            switch (call.Credential.Flavor)
            {
                case AuthFlavor.None:
                    Assert.Equal(0, call.Credential.Body.Length);
                    break;
                case AuthFlavor.Sys:
                    AuthSysParameters? p = call.Credential.AsSys();
                    Assert.NotNull(p);
                    Assert.InRange(p.Gids.Count, 0, RpcConstants.MaxAuthSysGroups);
                    sys++;
                    break;
                default:
                    Assert.Fail($"{record}: credential flavor {call.Credential.Flavor}");
                    break;
            }
        }

        Assert.True(sys > 0, "libnfs sends AUTH_SYS");
    }

    [Fact]
    public void Every_reply_answers_a_call_on_its_own_connection_with_accepted_success()
    {
        var calls = new Dictionary<(Ipv4Endpoint Client, uint Xid), RpcCallHeader>();
        foreach (CapturedRecord record in Records.Value.Where(r => r.FromClient))
        {
            RpcCallHeader call = DecodeCall(record, out _);
            Assert.True(calls.TryAdd((record.Client, call.Xid), call), $"{record}: xid {call.Xid:x8} repeated");
        }

        int answered = 0;
        foreach (CapturedRecord record in Records.Value.Where(r => !r.FromClient))
        {
            RpcReplyHeader reply = DecodeReply(record, out _);
            Assert.True(calls.Remove((record.Client, reply.Xid)), $"{record}: reply xid {reply.Xid:x8} answers no call");
            Assert.True(reply.IsSuccess, $"{record}: {reply}");
            Assert.Equal(AuthFlavor.None, reply.Verifier.Flavor);
            answered++;
        }

        Assert.Empty(calls);
        Assert.Equal(CallsInCapture, answered);
    }

    [Fact]
    public void Re_encoding_every_decoded_header_gives_the_captured_bytes()
    {
        foreach (CapturedRecord record in Records.Value)
        {
            using var w = new XdrWriter();
            int headerLength;
            if (record.FromClient)
            {
                RpcCallHeader call = DecodeCall(record, out headerLength);
                call.Encode(w);
                Assert.Equal(headerLength, call.EncodedLength);
            }
            else
            {
                DecodeReply(record, out headerLength).Encode(w);
            }

            Assert.Equal(record.Bytes.AsSpan(0, headerLength).ToArray(), XdrBytes.Of(w));
        }
    }

    [Fact]
    public void The_nfs_write_of_70000_bytes_arrives_as_one_record()
    {
        CapturedRecord write = Records.Value.Single(r => r.FromClient && DecodeCall(r, out _) is { Program: NfsProgram, Procedure: 7 });
        Assert.InRange(write.Bytes.Length, 70_000, 71_000);
    }

    [Fact]
    public void The_port_mapper_dump_reply_decodes_with_the_portmap_codec()
    {
        CapturedRecord dumpCall = Records.Value.Single(r => r.FromClient
            && DecodeCall(r, out _) is { Program: PortmapConstants.Program, Version: PortmapConstants.Version, Procedure: (uint)PortmapProcedure.Dump });
        Assert.Equal(DecodeCall(dumpCall, out int callHeader).EncodedLength, dumpCall.Bytes.Length); // DUMP takes void
        Assert.Equal(callHeader, dumpCall.Bytes.Length);

        CapturedRecord dumpReply = Records.Value.Single(r => !r.FromClient && r.Client == dumpCall.Client);
        _ = DecodeReply(dumpReply, out int replyHeader);
        var results = new XdrReader(dumpReply.Bytes.AsMemory(replyHeader));
        Assert.True(PortmapCodec.TryDecodeDumpResult(ref results, out IReadOnlyList<PortmapMapping> mappings), results.Error.ToString());

        PortmapMapping[] expected =
        [
            new(PortmapConstants.Program, 4, PortmapConstants.ProtocolTcp, 111),
            new(PortmapConstants.Program, 3, PortmapConstants.ProtocolTcp, 111),
            new(PortmapConstants.Program, 2, PortmapConstants.ProtocolTcp, 111),
            new(PortmapConstants.Program, 4, PortmapConstants.ProtocolUdp, 111),
            new(PortmapConstants.Program, 3, PortmapConstants.ProtocolUdp, 111),
            new(PortmapConstants.Program, 2, PortmapConstants.ProtocolUdp, 111),
            new(NfsProgram, 3, PortmapConstants.ProtocolTcp, NfsPort),
            new(MountProgram, 1, PortmapConstants.ProtocolTcp, MountPort),
            new(MountProgram, 3, PortmapConstants.ProtocolTcp, MountPort),
        ];
        Assert.Equal(expected, mappings);

        // Our encoder writes the same list byte for byte.
        using var again = new XdrBuf();
        PortmapCodec.EncodeDumpResult(again, mappings);
        Assert.Equal(dumpReply.Bytes.AsSpan(replyHeader).ToArray(), again.ToArray());
    }

    private static RpcCallHeader DecodeCall(CapturedRecord record, out int headerLength)
    {
        var r = new XdrReader(record.Bytes);
        Assert.True(RpcMessage.ReadStart(ref r, out uint xid, out RpcMessageType type), record.ToString());
        Assert.Equal(RpcMessageType.Call, type);
        RpcCallHeader call = RpcCallHeader.DecodeBody(xid, ref r, out uint rpcVersion);
        Assert.True(r.IsValid, $"{record}: {r.Error}");
        Assert.Equal(RpcConstants.RpcVersion, rpcVersion);
        headerLength = r.Position;
        return call;
    }

    private static RpcReplyHeader DecodeReply(CapturedRecord record, out int headerLength)
    {
        var r = new XdrReader(record.Bytes);
        Assert.True(RpcMessage.ReadStart(ref r, out uint xid, out RpcMessageType type), record.ToString());
        Assert.Equal(RpcMessageType.Reply, type);
        RpcReplyHeader reply = RpcReplyHeader.DecodeBody(xid, ref r);
        Assert.True(r.IsValid, $"{record}: {r.Error}");
        headerLength = r.Position;
        return reply;
    }

    /// <summary>Every record of every TCP direction, in stream order per direction.</summary>
    private static List<CapturedRecord> ReadRecords()
    {
        var directions = new Dictionary<(Ipv4Endpoint From, Ipv4Endpoint To), Direction>();
        using (FileStream file = File.OpenRead(TestPaths.NfsCapture))
        using (var pcap = new PcapReader(file))
        {
            while (pcap.TryReadPacket(out PcapRecord frame))
            {
                Assert.True(EthernetFrame.TryCreate(frame.Data.Span, out EthernetFrame ethernet, out _), frame.ToString());
                if (ethernet.EtherType != EtherType.Ipv4
                    || !Ipv4Packet.TryCreate(ethernet.Payload, out Ipv4Packet ip, out _)
                    || ip.Protocol != IpProtocol.Tcp)
                {
                    continue;
                }

                Assert.True(TcpPacket.TryCreate(ip.Payload, out TcpPacket tcp, out _), frame.ToString());
                var key = (new Ipv4Endpoint(ip.Source, tcp.SourcePort), new Ipv4Endpoint(ip.Destination, tcp.DestinationPort));
                if (!directions.TryGetValue(key, out Direction? direction))
                {
                    direction = new Direction();
                    directions.Add(key, direction);
                }

                if ((tcp.Flags & TcpFlags.Syn) != 0)
                {
                    Assert.True(direction.FirstByte is null || direction.FirstByte == tcp.SequenceNumber + 1, $"{frame}: a second connection on {key}");
                    direction.FirstByte = tcp.SequenceNumber + 1;
                    direction.FromClient = (tcp.Flags & TcpFlags.Ack) == 0;
                }

                if (!tcp.Payload.IsEmpty)
                {
                    direction.Segments.Add((tcp.SequenceNumber, tcp.Payload.ToArray()));
                }
            }
        }

        var records = new List<CapturedRecord>();
        foreach (((Ipv4Endpoint from, Ipv4Endpoint to), Direction direction) in directions)
        {
            Assert.True(direction.FirstByte is not null, $"{from} → {to}: the capture holds no SYN");
            byte[] stream = direction.Reassemble();
            Ipv4Endpoint client = direction.FromClient ? from : to;
            Ipv4Endpoint server = direction.FromClient ? to : from;
            using var assembler = new RecordAssembler(1 << 20);
            ReadOnlySpan<byte> rest = stream;
            while (!rest.IsEmpty)
            {
                RecordStatus status = assembler.Push(rest, out int consumed);
                rest = rest[consumed..];
                Assert.NotEqual(RecordStatus.TooLarge, status);
                if (status == RecordStatus.Complete)
                {
                    records.Add(new CapturedRecord(client, server, direction.FromClient, assembler.Record.ToArray()));
                }
            }

            Assert.False(assembler.InRecord, $"{from} → {to}: the stream ends inside a record");
        }

        return records;
    }

    /// <summary>One RPC message as it crossed the wire.</summary>
    private sealed record CapturedRecord(Ipv4Endpoint Client, Ipv4Endpoint Server, bool FromClient, byte[] Bytes)
    {
        public override string ToString() => $"{(FromClient ? $"{Client} → {Server}" : $"{Server} → {Client}")} ({Bytes.Length} bytes)";
    }

    /// <summary>One direction of a TCP connection: where its data starts and the segments seen.</summary>
    private sealed class Direction
    {
        public TcpSeqNumber? FirstByte { get; set; }

        public bool FromClient { get; set; }

        public List<(TcpSeqNumber Seq, byte[] Data)> Segments { get; } = [];

        /// <summary>The byte stream in sequence order; retransmitted and overlapping bytes are taken once, and a hole
        /// fails the test (the capture is complete).</summary>
        public byte[] Reassemble()
        {
            TcpSeqNumber start = FirstByte!.Value;
            var stream = new List<byte>();
            foreach ((TcpSeqNumber seq, byte[] data) in Segments.OrderBy(s => s.Seq - start))
            {
                int offset = seq - start;
                Assert.True(offset <= stream.Count, $"a hole before sequence offset {offset}");
                int fresh = offset + data.Length - stream.Count;
                if (fresh > 0)
                {
                    stream.AddRange(data.AsSpan(data.Length - fresh).ToArray());
                }
            }

            return stream.ToArray();
        }
    }
}
