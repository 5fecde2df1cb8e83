using System.Buffers.Binary;
using FragNet.Buffers;

namespace FragNet.Devices.Tests;

/// <summary>Builds Ethernet frames byte by byte for filter and capture tests (the tests do not use FragNet.Wire:
/// the filter reads header fields straight from bytes, and so do these builders write them).</summary>
internal static class Frames
{
    public const ushort EtherTypeIp = 0x0800;
    public const ushort EtherTypeArp = 0x0806;
    public const ushort EtherTypeRarp = 0x8035;

    public static readonly byte[] MacClient = [0x02, 0x00, 0x0a, 0x4d, 0x00, 0x02];
    public static readonly byte[] MacServer = [0x02, 0x00, 0x0a, 0x4d, 0x00, 0x01];
    public static readonly byte[] MacBroadcast = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];

    public static uint Ip(string dotted)
    {
        uint[] p = dotted.Split('.').Select(x => uint.Parse(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
    }

    public static byte[] Ethernet(ushort type, ReadOnlySpan<byte> payload, byte[]? dst = null, byte[]? src = null)
    {
        byte[] f = new byte[14 + payload.Length];
        (dst ?? MacServer).CopyTo(f, 0);
        (src ?? MacClient).CopyTo(f, 6);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), type);
        payload.CopyTo(f.AsSpan(14));
        return f;
    }

    /// <summary>An IPv4 datagram (RFC 791): <paramref name="fragment"/> is the flags + fragment offset field
    /// (0x4000 = DF, 0x2000 = MF, low 13 bits = offset in 8-byte units); options are padded to 4 bytes.</summary>
    public static byte[] Ipv4(
        byte protocol,
        string src,
        string dst,
        ReadOnlySpan<byte> payload,
        ushort fragment = 0x4000,
        byte[]? options = null,
        byte ttl = 64,
        int? ihlOverride = null)
    {
        int optionsLength = ((options?.Length ?? 0) + 3) / 4 * 4;
        int headerLength = 20 + optionsLength;
        byte[] p = new byte[headerLength + payload.Length];
        p[0] = (byte)(0x40 | (ihlOverride ?? (headerLength / 4)));
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(2), (ushort)p.Length);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(4), 0x1234);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(6), fragment);
        p[8] = ttl;
        p[9] = protocol;
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(12), Ip(src));
        BinaryPrimitives.WriteUInt32BigEndian(p.AsSpan(16), Ip(dst));
        options?.CopyTo(p, 20);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(10), InternetChecksum.Compute(p.AsSpan(0, headerLength)));
        payload.CopyTo(p.AsSpan(headerLength));
        return p;
    }

    /// <summary>A TCP segment (RFC 9293 §3.1); options padded to 4 bytes set the data offset.</summary>
    public static byte[] Tcp(ushort sport, ushort dport, byte flags, ReadOnlySpan<byte> payload, byte[]? options = null)
    {
        int optionsLength = ((options?.Length ?? 0) + 3) / 4 * 4;
        int headerLength = 20 + optionsLength;
        byte[] s = new byte[headerLength + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(s, sport);
        BinaryPrimitives.WriteUInt16BigEndian(s.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(s.AsSpan(4), 1000);
        BinaryPrimitives.WriteUInt32BigEndian(s.AsSpan(8), 2000);
        s[12] = (byte)(headerLength / 4 << 4);
        s[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(s.AsSpan(14), 64240);
        options?.CopyTo(s, 20);
        payload.CopyTo(s.AsSpan(headerLength));
        return s;
    }

    public static byte[] Udp(ushort sport, ushort dport, ReadOnlySpan<byte> payload)
    {
        byte[] d = new byte[8 + payload.Length];
        BinaryPrimitives.WriteUInt16BigEndian(d, sport);
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt16BigEndian(d.AsSpan(4), (ushort)d.Length);
        payload.CopyTo(d.AsSpan(8));
        return d;
    }

    public static byte[] Icmp(byte type, byte code, ReadOnlySpan<byte> rest)
    {
        byte[] m = new byte[8 + rest.Length];
        m[0] = type;
        m[1] = code;
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(4), 0x77);
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(6), 1);
        rest.CopyTo(m.AsSpan(8));
        BinaryPrimitives.WriteUInt16BigEndian(m.AsSpan(2), InternetChecksum.Compute(m));
        return m;
    }

    /// <summary>An SCTP common header (RFC 9260 §3.1) and a DATA-ish chunk of filler.</summary>
    public static byte[] Sctp(ushort sport, ushort dport)
    {
        byte[] s = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(s, sport);
        BinaryPrimitives.WriteUInt16BigEndian(s.AsSpan(2), dport);
        BinaryPrimitives.WriteUInt32BigEndian(s.AsSpan(4), 0xdeadbeef);
        s[12] = 0; // DATA chunk type
        BinaryPrimitives.WriteUInt16BigEndian(s.AsSpan(14), 16);
        return s;
    }

    /// <summary>An ARP or RARP packet for Ethernet/IPv4 (RFC 826): 8 fixed bytes, SHA, SPA, THA, TPA.</summary>
    public static byte[] Arp(ushort op, byte[] sha, string spa, byte[] tha, string tpa)
    {
        byte[] a = new byte[28];
        BinaryPrimitives.WriteUInt16BigEndian(a, 1);
        BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(2), EtherTypeIp);
        a[4] = 6;
        a[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(a.AsSpan(6), op);
        sha.CopyTo(a, 8);
        BinaryPrimitives.WriteUInt32BigEndian(a.AsSpan(14), Ip(spa));
        tha.CopyTo(a, 18);
        BinaryPrimitives.WriteUInt32BigEndian(a.AsSpan(24), Ip(tpa));
        return a;
    }

    public static byte[] Fill(int length, byte value)
    {
        byte[] b = new byte[length];
        b.AsSpan().Fill(value);
        return b;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>TCP SYN options as Linux sends them: MSS, SACK permitted, timestamps, NOP, window scale (20 bytes).</summary>
    public static byte[] SynOptions() =>
        [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 10];
}
