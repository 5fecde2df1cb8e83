namespace FragNet.Wire.Tests;

public sealed class PseudoHeaderTests
{
    [Fact]
    public void The_pseudo_header_sum_is_the_folded_sum_of_source_destination_protocol_and_length()
    {
        // 10.77.0.2 → 10.77.0.1, TCP, 40 bytes: 0a4d + 0002 + 0a4d + 0001 + 0006 + 0028 = 14cb (the capture's SYN field).
        Assert.Equal(0x14CB, Ipv4PseudoHeader.Sum(Ipv4Address.Parse("10.77.0.2"), Ipv4Address.Parse("10.77.0.1"), IpProtocol.Tcp, 40));
        byte[] laidOut = Convert.FromHexString("0A4D0002" + "0A4D0001" + "00" + "06" + "0028");
        Assert.Equal(InternetChecksum.Sum(laidOut), Ipv4PseudoHeader.Sum(Ipv4Address.Parse("10.77.0.2"), Ipv4Address.Parse("10.77.0.1"), IpProtocol.Tcp, 40));
    }

    [Fact]
    public void Computing_then_verifying_over_a_segment_agrees_and_any_changed_byte_fails()
    {
        var src = Ipv4Address.Parse("192.0.2.1");
        var dst = Ipv4Address.Parse("198.51.100.7");
        var segment = new byte[31]; // odd length: the last byte is padded with zero (RFC 1071)
        new Random(5).NextBytes(segment);
        segment[6] = 0;
        segment[7] = 0;
        ushort checksum = Ipv4PseudoHeader.Compute(src, dst, IpProtocol.Udp, segment);
        segment[6] = (byte)(checksum >> 8);
        segment[7] = (byte)checksum;
        Assert.True(Ipv4PseudoHeader.Verify(src, dst, IpProtocol.Udp, segment));
        Assert.False(Ipv4PseudoHeader.Verify(src, dst, IpProtocol.Tcp, segment));
        segment[30] ^= 1;
        Assert.False(Ipv4PseudoHeader.Verify(src, dst, IpProtocol.Udp, segment));
    }

    [Fact]
    public void A_transport_length_outside_16_bits_is_a_caller_bug()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4PseudoHeader.Sum(default, default, IpProtocol.Tcp, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4PseudoHeader.Sum(default, default, IpProtocol.Tcp, 65536));
    }
}
