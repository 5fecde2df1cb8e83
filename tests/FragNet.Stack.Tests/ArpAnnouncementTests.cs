using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>RFC 5227 §2.3 ARP announcements: how a host that restarted with a new Ethernet address tells its neighbours.</summary>
public sealed class ArpAnnouncementTests
{
    [Fact]
    public void An_announcement_is_a_broadcast_request_from_and_for_this_hosts_own_address_with_a_zero_target_mac()
    {
        using var hosts = new TwoHosts();
        hosts.A.Announce(hosts.Now);

        byte[] frame = Assert.Single(hosts.DevA.Frames);
        Assert.True(EthernetFrame.TryCreate(frame, out EthernetFrame eth, out _));
        Assert.True(eth.Destination.IsBroadcast);
        Assert.Equal(EtherType.Arp, eth.EtherType);
        Assert.True(ArpPacket.TryCreate(frame.AsSpan(14), out ArpPacket packet, out _));
        Assert.True(ArpRepr.TryParse(packet, out ArpRepr arp, out _));
        Assert.Equal(ArpOperation.Request, arp.Operation);
        Assert.Equal(hosts.DevA.Address, arp.SenderHardwareAddress);
        Assert.Equal(hosts.A.Address.Address, arp.SenderProtocolAddress);
        Assert.Equal(hosts.A.Address.Address, arp.TargetProtocolAddress);
        Assert.Equal(EthernetAddress.Zero, arp.TargetHardwareAddress);
    }

    [Fact]
    public void A_neighbour_that_knows_the_address_updates_its_entry_from_the_announcement()
    {
        using var hosts = new TwoHosts();
        hosts.A.SendEchoRequest(hosts.B.Address.Address, 1, 1, [], hosts.Now); // B learns A from A's ARP request
        Assert.True(hosts.RunUntil(() => hosts.A.TryTakeEchoReply(out _), Duration.FromSeconds(2)));
        Assert.True(hosts.B.Arp.TryLookup(hosts.A.Address.Address, hosts.Now, out _));

        hosts.A.Announce(hosts.Now);
        hosts.RunUntil(() => false, Duration.FromMilliseconds(10));
        Assert.True(hosts.B.Arp.TryLookup(hosts.A.Address.Address, hosts.Now, out EthernetAddress mac));
        Assert.Equal(hosts.DevA.Address, mac);
    }
}
