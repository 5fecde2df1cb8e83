using System.Buffers.Binary;
using FragNet.Devices;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Tests;

/// <summary>One RPC call from a capture with its reply: program, version and procedure from the call header, the
/// argument bytes after it (and how long the call header before them was), and (if the reply was an accepted SUCCESS)
/// the result bytes.</summary>
internal sealed record CapturedRpc(uint Xid, uint Program, uint Version, uint Procedure, int CallHeaderLength, byte[] Arguments, RpcReplyHeader? Reply, byte[]? Results)
{
    /// <summary>Reads an Ethernet/IPv4/TCP capture, reassembles each direction of each connection by sequence
    /// number, splits RPC records (RFC 5531 §11 record marking: 4-byte mark, high bit = last fragment) and pairs calls
    /// with replies by xid.</summary>
    public static List<CapturedRpc> Read(string pcapPath)
    {
        var segments = new Dictionary<(uint Src, ushort SrcPort, uint Dst, ushort DstPort), List<(uint Seq, byte[] Data, bool Syn)>>();
        using (FileStream stream = File.OpenRead(pcapPath))
        {
            foreach (PcapRecord record in PcapReader.ReadAll(stream))
            {
                ReadOnlySpan<byte> f = record.Data.Span;
                if (f.Length < 14 + 20 || BinaryPrimitives.ReadUInt16BigEndian(f[12..]) != 0x0800)
                {
                    continue;
                }

                ReadOnlySpan<byte> ip = f[14..];
                int ihl = (ip[0] & 0xF) * 4;
                int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
                if (ip[9] != 6)
                {
                    continue; // not TCP
                }

                ReadOnlySpan<byte> tcp = ip[ihl..total];
                int dataOffset = (tcp[12] >> 4) * 4;
                var key = (BinaryPrimitives.ReadUInt32BigEndian(ip[12..]), BinaryPrimitives.ReadUInt16BigEndian(tcp),
                    BinaryPrimitives.ReadUInt32BigEndian(ip[16..]), BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]));
                if (!segments.TryGetValue(key, out var list))
                {
                    segments[key] = list = [];
                }

                list.Add((BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]), tcp[dataOffset..].ToArray(), (tcp[13] & 0x02) != 0));
            }
        }

        var calls = new Dictionary<(uint, ushort, uint), CapturedRpc>(); // by (client address, client port, xid)
        var replies = new List<((uint, ushort, uint) Key, RpcReplyHeader Header, byte[] Results)>();
        foreach (((uint src, ushort srcPort, uint dst, ushort dstPort), var list) in segments)
        {
            byte[] stream = Reassemble(list);
            foreach (byte[] message in Records(stream))
            {
                var r = new XdrReader(message);
                Assert.True(RpcMessage.ReadStart(ref r, out uint xid, out RpcMessageType type), "every captured RPC message starts well");
                if (type == RpcMessageType.Call)
                {
                    RpcCallHeader call = RpcCallHeader.DecodeBody(xid, ref r, out _);
                    Assert.True(r.IsValid);
                    calls[(src, srcPort, xid)] = new CapturedRpc(xid, call.Program, call.Version, call.Procedure, r.Position, r.Rest.ToArray(), null, null);
                }
                else
                {
                    RpcReplyHeader reply = RpcReplyHeader.DecodeBody(xid, ref r);
                    Assert.True(r.IsValid);
                    replies.Add(((dst, dstPort, xid), reply, r.Rest.ToArray()));
                }
            }
        }

        foreach (var (key, header, results) in replies)
        {
            if (calls.TryGetValue(key, out CapturedRpc? call))
            {
                calls[key] = call with { Reply = header, Results = header.IsSuccess ? results : null };
            }
        }

        return [.. calls.Values.OrderBy(c => c.Xid)];
    }

    /// <summary>One direction's bytes in sequence order; retransmitted bytes are taken once.</summary>
    private static byte[] Reassemble(List<(uint Seq, byte[] Data, bool Syn)> list)
    {
        uint start = list.FirstOrDefault(s => s.Syn) is { Syn: true } syn ? syn.Seq + 1 : list.Min(s => s.Seq);
        using var output = new MemoryStream();
        foreach ((uint seq, byte[] data, _) in list.Where(s => s.Data.Length > 0).OrderBy(s => s.Seq - start))
        {
            long at = seq - start;
            long have = output.Length;
            Assert.True(at <= have, $"a gap in a captured TCP stream at relative sequence {have}");
            if (at + data.Length > have)
            {
                output.Write(data.AsSpan((int)(have - at)));
            }
        }

        return output.ToArray();
    }

    private static IEnumerable<byte[]> Records(byte[] stream)
    {
        int at = 0;
        var message = new List<byte>();
        while (at + 4 <= stream.Length)
        {
            uint mark = BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(at));
            int length = (int)(mark & 0x7FFF_FFFF);
            Assert.True(at + 4 + length <= stream.Length, "a captured RPC record runs past its stream");
            message.AddRange(stream.AsSpan(at + 4, length));
            at += 4 + length;
            if ((mark & 0x8000_0000) != 0)
            {
                yield return [.. message];
                message.Clear();
            }
        }

        Assert.Equal(stream.Length, at);
    }
}
