using CsCheck;

namespace FragNet.Wire.Tests;

/// <summary>CsCheck generators of valid reprs, for the round-trip properties.</summary>
public static class Generators
{
    /// <summary>Seeds pinned so every run checks the same samples (the tests are deterministic).</summary>
    public const string Seed = "0N0XIzNsQ0O2";

    public static readonly Gen<EthernetAddress> EthernetAddress =
        Gen.ULong.Select(v => FragNet.Wire.EthernetAddress.FromValue(v));

    public static readonly Gen<Ipv4Address> Ipv4Address = Gen.UInt.Select(v => new FragNet.Wire.Ipv4Address(v));

    public static readonly Gen<EthernetRepr> EthernetRepr =
        Gen.Select(EthernetAddress, EthernetAddress, Gen.UShort[EthernetField.MinEtherType, ushort.MaxValue])
            .Select((s, d, t) => new FragNet.Wire.EthernetRepr(s, d, (EtherType)t));

    public static readonly Gen<ArpRepr> ArpRepr =
        Gen.Select(Gen.Bool, EthernetAddress, Ipv4Address, EthernetAddress, Ipv4Address)
            .Select((reply, sha, spa, tha, tpa) =>
                new FragNet.Wire.ArpRepr(reply ? ArpOperation.Reply : ArpOperation.Request, sha, spa, tha, tpa));

    /// <summary>A well-formed IPv4 option list built from a seed: NOPs and kind-length-data options of any kind but
    /// 0 and 1, sometimes ended early by End of Option List, within 40 bytes.</summary>
    public static readonly Gen<Ipv4Options> Ipv4Options =
        Gen.Int.Select(seed => FragNet.Wire.Ipv4Options.Create(OptionList(new Random(seed), tcp: false)));

    /// <summary>TCP options: the Linux layout from random values, or a random list with unknown kinds.</summary>
    public static readonly Gen<TcpOptions> TcpOptions = Gen.Int.Select(seed =>
    {
        var rng = new Random(seed);
        if (rng.Next(2) == 0)
        {
            return FragNet.Wire.TcpOptions.Create(OptionList(rng, tcp: true));
        }

        bool ts = rng.Next(2) == 0;
        int maxBlocks = ts ? 3 : 4;
        var blocks = new TcpSackBlock[rng.Next(maxBlocks + 1)];
        for (int i = 0; i < blocks.Length; i++)
        {
            blocks[i] = new TcpSackBlock(new TcpSeqNumber((uint)rng.NextInt64(uint.MaxValue + 1L)), new TcpSeqNumber((uint)rng.NextInt64(uint.MaxValue + 1L)));
        }

        bool syn = blocks.Length == 0;
        return FragNet.Wire.TcpOptions.Build(
            maxSegmentSize: syn && rng.Next(2) == 0 ? (ushort)rng.Next(65536) : null,
            windowScale: syn && rng.Next(2) == 0 ? (byte)rng.Next(256) : null,
            sackPermitted: syn && rng.Next(2) == 0,
            timestamp: ts ? new TcpTimestamp((uint)rng.NextInt64(uint.MaxValue + 1L), (uint)rng.NextInt64(uint.MaxValue + 1L)) : null,
            sackBlocks: blocks);
    });

    public static readonly Gen<Ipv4Repr> Ipv4Repr =
        Gen.Select(Ipv4Address, Ipv4Address, Gen.Byte, Gen.Int[0, 2000], Gen.Byte, Gen.Byte[0, 63], Gen.Byte[0, 3], Gen.UShort)
            .Select(Gen.Select(Gen.Bool, Gen.Bool, Gen.Int[0, 8000], Ipv4Options), (a, b) => (a, b))
            .Select(t =>
            {
                ((Ipv4Address src, Ipv4Address dst, byte proto, int length, byte ttl, byte dscp, byte ecn, ushort id) a,
                    (bool df, bool mf, int units, Ipv4Options options) b) = t;
                return new FragNet.Wire.Ipv4Repr(a.src, a.dst, (IpProtocol)a.proto, a.length, a.ttl)
                {
                    Dscp = a.dscp,
                    Ecn = a.ecn,
                    Identification = a.id,
                    DontFragment = b.df,
                    MoreFragments = b.mf,
                    FragmentOffset = b.units * 8,
                    Options = b.options,
                };
            });

    public static readonly Gen<UdpRepr> UdpRepr =
        Gen.Select(Gen.UShort, Gen.UShort[1, ushort.MaxValue], Gen.Int[0, 1500])
            .Select((s, d, n) => new FragNet.Wire.UdpRepr(s, d, n));

    public static readonly Gen<TcpRepr> TcpRepr =
        Gen.Select(Gen.UShort[1, ushort.MaxValue], Gen.UShort[1, ushort.MaxValue], Gen.UInt, Gen.UInt, Gen.Byte, Gen.UShort, Gen.UShort, TcpOptions)
            .Select(Gen.Int[0, 1500], (a, n) => (a, n))
            .Select(t =>
            {
                ((ushort sp, ushort dp, uint seq, uint ack, byte flags, ushort window, ushort urgent, TcpOptions options) a, int n) = t;
                return new FragNet.Wire.TcpRepr
                {
                    SourcePort = a.sp,
                    DestinationPort = a.dp,
                    SequenceNumber = new TcpSeqNumber(a.seq),
                    AcknowledgmentNumber = new TcpSeqNumber(a.ack),
                    Flags = (TcpFlags)a.flags,
                    WindowSize = a.window,
                    UrgentPointer = a.urgent,
                    Options = a.options,
                    PayloadLength = n,
                };
            });

    /// <summary>An IPv4 header a router would quote: any valid header with a payload of at least 8 bytes.</summary>
    private static readonly Gen<Ipv4Repr> QuotedHeader = Ipv4Repr.Select(r => r.PayloadLength < 8 ? r with { PayloadLength = 8 } : r);

    public static readonly Gen<Icmpv4Repr> Icmpv4Repr = Gen.OneOf(
        Gen.Select(Gen.Bool, Gen.UShort, Gen.UShort, Gen.Int[0, 1400])
            .Select((request, id, seq, n) => request
                ? FragNet.Wire.Icmpv4Repr.EchoRequest(id, seq, n)
                : FragNet.Wire.Icmpv4Repr.EchoReply(id, seq, n)),
        Gen.Select(Gen.Byte[0, 15], QuotedHeader, Gen.Int[8, 548], Gen.UShort)
            .Select((code, header, n, mtu) => FragNet.Wire.Icmpv4Repr.DestinationUnreachable(
                (Icmpv4UnreachableCode)code, header, n, code == 4 ? mtu : (ushort)0)),
        Gen.Select(Gen.Byte[0, 1], QuotedHeader, Gen.Int[8, 548])
            .Select((code, header, n) => FragNet.Wire.Icmpv4Repr.TimeExceeded((Icmpv4TimeExceededCode)code, header, n)),
        Gen.Select(Gen.Byte, Gen.Byte, Gen.UInt, Gen.Int[0, 600])
            .Where((type, _, _, _) => type is not 3 and not 11)
            .Select((type, code, rest, n) => FragNet.Wire.Icmpv4Repr.Raw((Icmpv4Type)type, code, rest, n)));

    /// <summary>A random, well-formed option list (unpadded) of at most 40 bytes.</summary>
    public static byte[] OptionList(Random rng, bool tcp)
    {
        var bytes = new List<byte>();
        int budget = rng.Next(41);
        while (bytes.Count < budget)
        {
            int room = budget - bytes.Count;
            int pick = rng.Next(10);
            if (pick == 0 || room < 2)
            {
                bytes.Add(1); // NOP
                continue;
            }

            if (pick == 1)
            {
                bytes.Add(0); // End of Option List: the rest is padding
                break;
            }

            byte kind;
            do
            {
                kind = (byte)rng.Next(2, 256);
            }
            while (tcp && kind is >= 2 and <= 8); // keep TCP's interpreted kinds out; their lengths are fixed

            int length = rng.Next(2, Math.Min(room, 12) + 1);
            bytes.Add(kind);
            bytes.Add((byte)length);
            for (int i = 2; i < length; i++)
            {
                bytes.Add((byte)rng.Next(256));
            }
        }

        return [.. bytes];
    }
}
