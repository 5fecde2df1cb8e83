using FragNet.Host.Tap;

namespace FragNet.Host.Tests;

/// <summary><c>struct virtio_net_hdr</c> byte for byte (linux/virtio_net.h): flags, gso_type, then four little-endian
/// u16s hdr_len, gso_size, csum_start, csum_offset.</summary>
public sealed class VirtioNetHeaderTests
{
    [Fact]
    public void A_tcp_v4_super_packet_header_is_needs_csum_tcpv4_with_headers_mss_and_the_tcp_checksum_position()
    {
        // Ethernet 14 + IPv4 20 = 34 to the TCP header; TCP with timestamps is 32 bytes; MSS 1448.
        var header = VirtioNetHeader.TcpV4Gso(34, 32, 1448);
        byte[] bytes = new byte[VirtioNetHeader.Size];
        header.Write(bytes);
        Assert.Equal(new byte[] { 0x01, 0x01, 66, 0x00, 0xa8, 0x05, 34, 0x00, 16, 0x00 }, bytes);
        Assert.Equal(header, VirtioNetHeader.Read(bytes));
        Assert.True(header.IsGso);
        Assert.True(header.ChecksumTrusted);
    }

    [Fact]
    public void A_partial_checksum_header_covers_the_checksum_field_and_asks_for_no_segmentation()
    {
        var header = VirtioNetHeader.PartialChecksum(34, 6); // UDP's checksum at 6
        byte[] bytes = new byte[VirtioNetHeader.Size];
        header.Write(bytes);
        Assert.Equal(new byte[] { 0x01, 0x00, 42, 0x00, 0x00, 0x00, 34, 0x00, 6, 0x00 }, bytes);
        Assert.False(header.IsGso);
    }

    [Fact]
    public void The_empty_header_is_ten_zero_bytes_and_a_data_valid_one_is_trusted()
    {
        byte[] bytes = [9, 9, 9, 9, 9, 9, 9, 9, 9, 9];
        VirtioNetHeader.None.Write(bytes);
        Assert.Equal(new byte[10], bytes);
        Assert.False(VirtioNetHeader.None.ChecksumTrusted);
        Assert.True(VirtioNetHeader.Read([0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0]).ChecksumTrusted);
        Assert.True(VirtioNetHeader.Read([0x01, 0x81, 0, 0, 0, 0, 0, 0, 0, 0]).IsGso); // TCPV4 | ECN
    }

    [Fact]
    public void Too_short_a_buffer_is_misuse()
    {
        Assert.Throws<ArgumentException>(() => VirtioNetHeader.None.Write(new byte[9]));
        Assert.Throws<ArgumentException>(() => VirtioNetHeader.Read(new byte[9]));
    }
}
