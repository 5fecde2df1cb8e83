using System.Buffers.Binary;

namespace FragNet.Wire.Tests;

/// <summary>The test-local pcap reader handles both byte orders and both timestamp units.</summary>
public sealed class PcapReaderTests
{
    [Theory]
    [InlineData(0xa1b2c3d4u, false)]
    [InlineData(0xa1b2c3d4u, true)]
    [InlineData(0xa1b23c4du, false)]
    [InlineData(0xa1b23c4du, true)]
    public void A_file_in_either_byte_order_and_either_time_unit_reads_the_same_records(uint magic, bool bigEndian)
    {
        byte[] file = Build(magic, bigEndian, [[1, 2, 3], [], [9]]);
        IReadOnlyList<PcapRecord> records = Pcap.Read(file);
        Assert.Equal(3, records.Count);
        Assert.Equal(new byte[] { 1, 2, 3 }, records[0].Data);
        Assert.Empty(records[1].Data);
        Assert.Equal(new byte[] { 9 }, records[2].Data);
        Assert.Equal(3, records[2].Index);
    }

    [Fact]
    public void A_truncated_or_foreign_file_is_rejected()
    {
        byte[] good = Build(0xa1b2c3d4u, false, [[1, 2, 3]]);
        Assert.Throws<InvalidDataException>(() => Pcap.Read(good.AsSpan(0, good.Length - 1)));
        Assert.Throws<InvalidDataException>(() => Pcap.Read(good.AsSpan(0, 30)));
        Assert.Throws<InvalidDataException>(() => Pcap.Read(good.AsSpan(0, 10)));
        byte[] pcapng = (byte[])good.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(pcapng, 0x0A0D0D0A);
        Assert.Throws<InvalidDataException>(() => Pcap.Read(pcapng));
    }

    private static byte[] Build(uint magic, bool bigEndian, byte[][] records)
    {
        var bytes = new List<byte>();
        void U32(uint v)
        {
            var b = new byte[4];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(b, v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            }

            bytes.AddRange(b);
        }

        U32(magic);
        U32(0x00040002); // version 2.4 (two u16 fields; their order does not matter here)
        U32(0);
        U32(0);
        U32(262144);
        U32(Pcap.LinkTypeEthernet);
        foreach (byte[] r in records)
        {
            U32(1);
            U32(2);
            U32((uint)r.Length);
            U32((uint)r.Length);
            bytes.AddRange(r);
        }

        return [.. bytes];
    }
}
