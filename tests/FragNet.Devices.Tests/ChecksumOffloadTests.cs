using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Wire;

namespace FragNet.Devices.Tests;

/// <summary>NICs that checksum in hardware: the stacks hand over partial TCP checksums (CHECKSUM_PARTIAL) and the NIC
/// model completes them wherever the bytes on the wire can be seen.</summary>
public sealed class ChecksumOffloadTests
{
    [Theory]
    [InlineData(1500)]
    [InlineData(65535)]
    public void A_transfer_between_checksumming_nics_delivers_every_byte_intact(int mtu)
    {
        TcpTransferReport r = TcpTransfer.Run(new TcpTransferOptions { Bytes = 2_000_000, Seed = 11, Mtu = mtu, ChecksumOffload = true });
        Assert.True(r.Passed, $"{r.Error}; delivered {r.BytesDelivered}, intact {r.ChecksumMatch}, leaks p{r.LeakedPages} d{r.LeakedDestructors} b{r.LeakedBuffers}");
    }

    [Fact]
    public void Payload_corrupted_on_the_wire_is_caught_by_the_receivers_checksum_and_resent()
    {
        // Faults on the link make the NIC complete each checksum before the frame goes out; a frame passed as already
        // checked would carry the flipped byte into the stream and the SHA-256 would not match.
        TcpTransferReport r = TcpTransfer.Run(new TcpTransferOptions { Bytes = 1_000_000, Seed = 12, ChecksumOffload = true, Corrupt = 0.05 });
        Assert.True(r.Passed, $"{r.Error}; delivered {r.BytesDelivered}, intact {r.ChecksumMatch}");
        Assert.True(r.Retransmits > 0, "corrupted frames were dropped and sent again");
    }

    [Fact]
    public void With_a_capture_every_tcp_checksum_on_the_wire_is_complete()
    {
        using var capture = new MemoryStream();
        TcpTransferReport r = TcpTransfer.Run(new TcpTransferOptions { Bytes = 300_000, Seed = 13, ChecksumOffload = true, Capture = capture });
        Assert.True(r.Passed, r.Error);
        capture.Position = 0;
        using var reader = new PcapReader(capture);
        int tcp = 0;
        while (reader.TryReadPacket(out PcapRecord rec))
        {
            ReadOnlySpan<byte> frame = rec.Data.Span;
            if (BinaryPrimitives.ReadUInt16BigEndian(frame[12..]) != (ushort)EtherType.Ipv4 || frame[14 + 9] != (byte)IpProtocol.Tcp)
            {
                continue;
            }

            ReadOnlySpan<byte> ip = frame[14..];
            int ipLength = (ip[0] & 0xF) * 4;
            int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
            ReadOnlySpan<byte> segment = ip[ipLength..total];
            ushort pseudo = Ipv4PseudoHeader.Sum(new Ipv4Address(ip.Slice(12, 4)), new Ipv4Address(ip.Slice(16, 4)), IpProtocol.Tcp, segment.Length);
            Assert.Equal(0xFFFF, InternetChecksum.Add(pseudo, InternetChecksum.Sum(segment)));
            tcp++;
        }

        Assert.True(tcp > 200, $"{tcp} TCP frames checked");
    }
}
