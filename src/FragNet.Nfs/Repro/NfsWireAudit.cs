using System.Buffers.Binary;
using FragNet.Nfs.Protocol;
using FragNet.Wire;

namespace FragNet.Nfs.Repro;

/// <summary>
/// Finds corrupted NFS WRITE calls in captured frames the way someone with tcpdump would, without asking the sender:
/// from the bytes that crossed the link only.
/// </summary>
/// <remarks>
/// <para>For each TCP connection to the NFS port, the client's byte stream is rebuilt from the first transmission of
/// every sequence number (record marks and RPC headers live in the sender's own memory, so the first copy gives the
/// stream's structure even when later copies of application data differ). Records are split by their marks; each CALL
/// to NFSv3 WRITE gives a data range in sequence space and its file offset. Then every frame — first transmissions, TCP
/// retransmissions, RPC retransmissions alike — is checked against the ranges it overlaps: a WRITE whose region should
/// hold <c>expected(offset)</c> = 0xAA and whose data on the wire contains 0x55 is a wire corruption (brief §3).</para>
/// <para>Malformed or truncated frames and records are skipped and counted, never thrown on.</para>
/// </remarks>
public sealed class NfsWireAudit
{
    private readonly ushort _port;
    private readonly Func<ulong, byte> _expected;
    private readonly Dictionary<(Ipv4Address, ushort), ClientStream> _current = []; // the live stream per client port
    private readonly List<ClientStream> _streams = [];                                // every stream, in order of appearance

    /// <param name="nfsPort">The server's NFS port.</param>
    /// <param name="expected">The pattern byte the application wrote for a WRITE at a file offset.</param>
    public NfsWireAudit(ushort nfsPort, Func<ulong, byte> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        _port = nfsPort;
        _expected = expected;
    }

    /// <summary>Frames that were not Ethernet/IPv4/TCP or did not parse.</summary>
    public int SkippedFrames { get; private set; }

    /// <summary>Client stream bytes that could not be split into records (a gap, a bad mark).</summary>
    public long UnparsedBytes { get; private set; }

    /// <summary>Adds frame number <paramref name="index"/> (in capture order).</summary>
    public void Add(int index, ReadOnlySpan<byte> frame)
    {
        if (!EthernetFrame.TryCreate(frame, out EthernetFrame eth, out _) || eth.EtherType != EtherType.Ipv4
            || !Ipv4Packet.TryCreate(eth.Payload, out Ipv4Packet ip, out _) || ip.Protocol != IpProtocol.Tcp || ip.IsFragment
            || !TcpPacket.TryCreate(ip.Payload, out TcpPacket tcp, out _))
        {
            SkippedFrames++;
            return;
        }

        if (tcp.DestinationPort != _port)
        {
            return;
        }

        var key = (ip.Source, tcp.SourcePort);
        if (!_current.TryGetValue(key, out ClientStream? stream) || ((tcp.Flags & TcpFlags.Syn) != 0 && stream.Isn != tcp.SequenceNumber.Value + 1))
        {
            stream = new ClientStream((tcp.Flags & TcpFlags.Syn) != 0 ? tcp.SequenceNumber.Value + 1 : tcp.SequenceNumber.Value);
            _current[key] = stream; // a new connection from the same port: later segments belong to it
            _streams.Add(stream);
        }

        if (tcp.Payload.IsEmpty)
        {
            return;
        }

        long rel = (uint)(tcp.SequenceNumber.Value - stream.Isn);
        if (rel > int.MaxValue / 2)
        {
            // Before this stream's start: a late segment of an earlier connection from the same port.
            SkippedFrames++;
            return;
        }

        stream.Segments.Add(new Segment(index, rel, tcp.Payload.ToArray()));
    }

    /// <summary>Rebuilds every stream, finds the WRITE calls and checks every transmission of their data.</summary>
    public IReadOnlyList<WireWriteCall> Analyze()
    {
        var calls = new List<WireWriteCall>();
        foreach (ClientStream s in _streams)
        {
            Analyze(s, calls);
        }

        return calls;
    }

    private void Analyze(ClientStream s, List<WireWriteCall> calls)
    {
        long length = 0;
        foreach (Segment seg in s.Segments)
        {
            length = Math.Max(length, seg.Rel + seg.Bytes.Length);
        }

        if (length > int.MaxValue)
        {
            UnparsedBytes += length;
            return;
        }

        byte[] first = new byte[length];
        bool[] seen = new bool[length];
        foreach (Segment seg in s.Segments)
        {
            for (int i = 0; i < seg.Bytes.Length; i++)
            {
                long at = seg.Rel + i;
                if (!seen[at])
                {
                    seen[at] = true;
                    first[at] = seg.Bytes[i];
                }
            }
        }

        // Split records and find WRITE calls: (data start, count, offset, xid, header frame).
        var writes = new List<(long Start, int Count, ulong Offset, uint Xid)>();
        long pos = 0;
        while (pos + 4 <= length)
        {
            long recordStart = pos;
            var record = new List<(long At, int Length)>();
            bool last = false;
            bool broken = false;
            bool endsInside = false; // the capture ends inside this record: not an error
            while (!last)
            {
                if (pos + 4 > length)
                {
                    endsInside = true;
                    break;
                }

                if (!seen[pos] || !seen[pos + 3])
                {
                    broken = true; // a gap: bytes that never crossed the wire in between
                    break;
                }

                uint mark = BinaryPrimitives.ReadUInt32BigEndian(first.AsSpan((int)pos));
                last = (mark & 0x8000_0000) != 0;
                int fragment = (int)(mark & 0x7FFF_FFFF);
                if (pos + 4 + fragment > length)
                {
                    // The capture ends inside this record (the rest was never sent, or not yet). Its header may
                    // still be here, and the data that did cross the wire counts like any other.
                    if (record.Count == 0)
                    {
                        int available = (int)Math.Min(length - (pos + 4), fragment);
                        if (TryParseWrite(first.AsSpan((int)(pos + 4), available), out uint x, out ulong o, out int c, out int d) && d <= available)
                        {
                            writes.Add((pos + 4 + d, c, o, x));
                        }
                    }

                    endsInside = true;
                    break;
                }

                record.Add((pos + 4, fragment));
                pos += 4 + fragment;
            }

            if (broken)
            {
                UnparsedBytes += length - recordStart;
                break;
            }

            if (endsInside)
            {
                break;
            }

            // The WRITE header sits in the first fragment (our client sends one fragment per record).
            (long at, int len) = record[0];
            ReadOnlySpan<byte> body = first.AsSpan((int)at, len);
            if (TryParseWrite(body, out uint xid, out ulong offset, out int count, out int dataAt) && record.Count == 1 && dataAt + count <= len)
            {
                writes.Add((at + dataAt, count, offset, xid));
            }
        }

        foreach ((long start, int count, ulong offset, uint xid) in writes)
        {
            byte expected = _expected(offset);
            byte wrong = expected == 0xAA ? (byte)0x55 : (byte)0xAA;
            var bad = new List<int>();
            int headerFrame = -1;
            foreach (Segment seg in s.Segments)
            {
                long from = Math.Max(start, seg.Rel);
                long to = Math.Min(start + count, seg.Rel + seg.Bytes.Length);
                if (from >= to)
                {
                    continue;
                }

                if (headerFrame < 0)
                {
                    headerFrame = seg.Frame;
                }

                if (expected == 0xAA && seg.Bytes.AsSpan((int)(from - seg.Rel), (int)(to - from)).Contains(wrong))
                {
                    bad.Add(seg.Frame);
                }
            }

            calls.Add(new WireWriteCall(xid, offset, count, headerFrame, bad.Count > 0, bad));
        }
    }

    /// <summary>Reads an RPC CALL to NFSv3 WRITE: xid, the WRITE offset, the data count and where the data starts in
    /// the record body.</summary>
    private static bool TryParseWrite(ReadOnlySpan<byte> body, out uint xid, out ulong offset, out int count, out int dataAt)
    {
        xid = 0;
        offset = 0;
        count = 0;
        dataAt = 0;
        if (body.Length < 40)
        {
            return false;
        }

        xid = BinaryPrimitives.ReadUInt32BigEndian(body);
        if (BinaryPrimitives.ReadUInt32BigEndian(body[4..]) != 0 // CALL
            || BinaryPrimitives.ReadUInt32BigEndian(body[8..]) != 2
            || BinaryPrimitives.ReadUInt32BigEndian(body[12..]) != Nfs3Constants.Program
            || BinaryPrimitives.ReadUInt32BigEndian(body[16..]) != Nfs3Constants.Version
            || BinaryPrimitives.ReadUInt32BigEndian(body[20..]) != (uint)Nfs3Procedure.Write)
        {
            return false;
        }

        int at = 24;
        for (int i = 0; i < 2; i++) // credential and verifier: flavor, length, body
        {
            if (at + 8 > body.Length)
            {
                return false;
            }

            uint authLength = BinaryPrimitives.ReadUInt32BigEndian(body[(at + 4)..]);
            if (authLength > 400)
            {
                return false;
            }

            at += 8 + (int)((authLength + 3) & ~3u);
        }

        if (!Write3Args.TryGetDataOffset(body[Math.Min(at, body.Length)..], out int argsDataAt))
        {
            return false;
        }

        int args = at;
        offset = BinaryPrimitives.ReadUInt64BigEndian(body[(args + argsDataAt - 20)..]);
        uint dataLength = BinaryPrimitives.ReadUInt32BigEndian(body[(args + argsDataAt - 4)..]);
        if (dataLength > int.MaxValue)
        {
            return false;
        }

        count = (int)dataLength;
        dataAt = args + argsDataAt;
        return true;
    }

    private sealed class ClientStream(uint isn)
    {
        public uint Isn { get; } = isn;

        public List<Segment> Segments { get; } = [];
    }

    private readonly record struct Segment(int Frame, long Rel, byte[] Bytes);
}
