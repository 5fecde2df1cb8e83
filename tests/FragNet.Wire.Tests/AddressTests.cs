namespace FragNet.Wire.Tests;

public sealed class AddressTests
{
    // ---- EthernetAddress ----

    [Fact]
    public void An_ethernet_address_formats_as_six_lower_case_hex_pairs_and_parses_back()
    {
        var a = new EthernetAddress(0xA2, 0x04, 0x15, 0xE0, 0x36, 0xA2);
        Assert.Equal("a2:04:15:e0:36:a2", a.ToString());
        Assert.Equal(a, EthernetAddress.Parse("a2:04:15:e0:36:a2"));
        Assert.Equal(a, EthernetAddress.Parse("A2:04:15:E0:36:A2"));
        Assert.Equal(0xA20415E036A2UL, a.Value);
        Assert.Equal(a, EthernetAddress.FromValue(a.Value));
        Span<char> chars = stackalloc char[17];
        Assert.True(a.TryFormat(chars, out int written, default, null));
        Assert.Equal(17, written);
        Assert.False(a.TryFormat(stackalloc char[16], out _, default, null));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a2:04:15:e0:36")]
    [InlineData("a2:04:15:e0:36:a2:00")]
    [InlineData("a2-04-15-e0-36-a2")]
    [InlineData("a2:04:15:e0:36:g2")]
    [InlineData("a2:04:15:e0:36:a")]
    [InlineData(" a2:04:15:e0:36:a2")]
    [InlineData("a2:04:15:e0:36:a2 ")]
    [InlineData("a2:04:15:e0:3:6a2")]
    public void A_malformed_ethernet_address_does_not_parse(string text)
    {
        Assert.False(EthernetAddress.TryParse(text, out _));
        Assert.Throws<FormatException>(() => EthernetAddress.Parse(text));
    }

    [Fact]
    public void Ethernet_address_predicates_follow_the_group_and_local_bits()
    {
        Assert.True(EthernetAddress.Broadcast.IsBroadcast);
        Assert.True(EthernetAddress.Broadcast.IsMulticast);
        Assert.Equal("ff:ff:ff:ff:ff:ff", EthernetAddress.Broadcast.ToString());
        EthernetAddress ipv4Multicast = EthernetAddress.Parse("01:00:5e:00:00:01");
        Assert.True(ipv4Multicast.IsMulticast);
        Assert.False(ipv4Multicast.IsBroadcast);
        Assert.False(ipv4Multicast.IsUnicast);
        EthernetAddress local = EthernetAddress.Parse("a2:04:15:e0:36:a2"); // veth: random, locally administered
        Assert.True(local.IsUnicast);
        Assert.True(local.IsLocallyAdministered);
        Assert.False(EthernetAddress.Parse("00:1b:21:00:00:01").IsLocallyAdministered);
        Assert.True(EthernetAddress.Zero.IsZero);
        Assert.True(EthernetAddress.Zero.IsUnicast);
    }

    [Fact]
    public void An_ethernet_address_copies_its_six_bytes_in_transmission_order()
    {
        EthernetAddress a = EthernetAddress.Parse("01:02:03:04:05:06");
        var bytes = new byte[7];
        a.CopyTo(bytes);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 0 }, bytes);
        Assert.Equal(a, new EthernetAddress(bytes));
        Assert.Throws<ArgumentException>(() => a.CopyTo(new byte[5]));
        Assert.Throws<ArgumentException>(() => new EthernetAddress(new byte[5]));
    }

    // ---- Ipv4Address ----

    [Theory]
    [InlineData("0.0.0.0", 0x00000000u)]
    [InlineData("10.77.0.1", 0x0A4D0001u)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    [InlineData("192.168.100.200", 0xC0A864C8u)]
    public void An_ipv4_address_parses_and_formats_as_a_dotted_quad(string text, uint value)
    {
        Ipv4Address a = Ipv4Address.Parse(text);
        Assert.Equal(value, a.Value);
        Assert.Equal(text, a.ToString());
        Assert.Equal(a, new Ipv4Address(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10.77.0")]
    [InlineData("10.77.0.1.5")]
    [InlineData("10.77.0.256")]
    [InlineData("10.77.0.01")]
    [InlineData("10.77..1")]
    [InlineData("10.77.0.1 ")]
    [InlineData("+10.77.0.1")]
    [InlineData("10.77.0.-1")]
    [InlineData("1234.1.1.1")]
    [InlineData("0x0a.1.1.1")]
    public void A_malformed_dotted_quad_does_not_parse(string text)
    {
        Assert.False(Ipv4Address.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Ipv4Address.Parse(text));
    }

    [Fact]
    public void Ipv4_address_predicates_follow_the_special_ranges()
    {
        Assert.True(Ipv4Address.Unspecified.IsUnspecified);
        Assert.False(Ipv4Address.Unspecified.IsUnicast);
        Assert.True(Ipv4Address.Broadcast.IsBroadcast);
        Assert.False(Ipv4Address.Broadcast.IsUnicast);
        Assert.True(Ipv4Address.Parse("224.0.0.1").IsMulticast);
        Assert.True(Ipv4Address.Parse("239.255.255.255").IsMulticast);
        Assert.False(Ipv4Address.Parse("240.0.0.1").IsMulticast);
        Assert.False(Ipv4Address.Parse("240.0.0.1").IsUnicast);
        Assert.False(Ipv4Address.Parse("223.255.255.255").IsMulticast);
        Assert.True(Ipv4Address.Loopback.IsLoopback);
        Assert.True(Ipv4Address.Parse("127.255.0.9").IsLoopback);
        Assert.False(Ipv4Address.Parse("128.0.0.1").IsLoopback);
        Assert.True(Ipv4Address.Parse("169.254.3.4").IsLinkLocal);
        Assert.True(Ipv4Address.Parse("10.77.0.1").IsUnicast);
    }

    [Fact]
    public void Ipv4_addresses_order_numerically_and_copy_in_network_order()
    {
        Assert.True(Ipv4Address.Parse("10.0.0.9") < Ipv4Address.Parse("10.0.1.0"));
        Assert.True(Ipv4Address.Parse("9.255.255.255") < Ipv4Address.Parse("10.0.0.0"));
        var bytes = new byte[4];
        Ipv4Address.Parse("10.77.0.1").CopyTo(bytes);
        Assert.Equal(new byte[] { 10, 77, 0, 1 }, bytes);
        Assert.Equal(new Ipv4Address(10, 77, 0, 1), new Ipv4Address(bytes));
        Assert.Throws<ArgumentException>(() => new Ipv4Address(new byte[3]));
    }

    // ---- Ipv4Cidr ----

    [Fact]
    public void A_cidr_keeps_its_host_bits_and_derives_network_netmask_and_broadcast()
    {
        Ipv4Cidr cidr = Ipv4Cidr.Parse("10.77.0.2/24");
        Assert.Equal(Ipv4Address.Parse("10.77.0.2"), cidr.Address);
        Assert.Equal(24, cidr.PrefixLength);
        Assert.Equal(Ipv4Address.Parse("255.255.255.0"), cidr.Netmask);
        Assert.Equal(Ipv4Address.Parse("10.77.0.0"), cidr.NetworkAddress);
        Assert.Equal(Ipv4Cidr.Parse("10.77.0.0/24"), cidr.Network);
        Assert.Equal(Ipv4Address.Parse("10.77.0.255"), cidr.Broadcast);
        Assert.Equal("10.77.0.2/24", cidr.ToString());
    }

    [Fact]
    public void A_cidr_contains_exactly_the_addresses_sharing_its_prefix()
    {
        Ipv4Cidr net = Ipv4Cidr.Parse("10.77.0.0/23");
        Assert.True(net.Contains(Ipv4Address.Parse("10.77.0.0")));
        Assert.True(net.Contains(Ipv4Address.Parse("10.77.1.255")));
        Assert.False(net.Contains(Ipv4Address.Parse("10.77.2.0")));
        Assert.False(net.Contains(Ipv4Address.Parse("10.76.255.255")));
        Assert.True(net.Contains(Ipv4Cidr.Parse("10.77.1.0/24")));
        Assert.False(net.Contains(Ipv4Cidr.Parse("10.77.0.0/22")));
        Assert.True(Ipv4Cidr.Parse("0.0.0.0/0").Contains(Ipv4Address.Broadcast));
        Assert.True(Ipv4Cidr.Parse("10.0.0.1/32").Contains(Ipv4Address.Parse("10.0.0.1")));
        Assert.False(Ipv4Cidr.Parse("10.0.0.1/32").Contains(Ipv4Address.Parse("10.0.0.0")));
    }

    [Fact]
    public void Slash_31_and_slash_32_have_no_broadcast_address()
    {
        Assert.Null(Ipv4Cidr.Parse("10.0.0.0/31").Broadcast); // RFC 3021
        Assert.Null(Ipv4Cidr.Parse("10.0.0.1/32").Broadcast);
        Assert.Equal(Ipv4Address.Parse("10.0.0.3"), Ipv4Cidr.Parse("10.0.0.1/30").Broadcast);
        Assert.Equal(Ipv4Address.Broadcast, Ipv4Cidr.Parse("0.0.0.0/0").Broadcast);
        Assert.Equal(Ipv4Address.Unspecified, Ipv4Cidr.Parse("10.1.2.3/0").Netmask);
    }

    [Theory]
    [InlineData("10.77.0.2")]
    [InlineData("10.77.0.2/")]
    [InlineData("10.77.0.2/33")]
    [InlineData("10.77.0.2/024")]
    [InlineData("10.77.0.2/08")]
    [InlineData("10.77.0.2/-1")]
    [InlineData("10.77.0/24")]
    [InlineData("10.77.0.2/2 4")]
    public void A_malformed_cidr_does_not_parse(string text) => Assert.False(Ipv4Cidr.TryParse(text, out _));

    [Fact]
    public void A_cidr_with_a_prefix_past_32_is_refused_at_construction()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ipv4Cidr(Ipv4Address.Loopback, 33));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Ipv4Cidr(Ipv4Address.Loopback, -1));
    }
}
