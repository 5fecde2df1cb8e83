using FragNet.Wire;
using FragNet.Xen.Abi;

namespace FragNet.Xen.Tests;

/// <summary>netif.h byte for byte: each structure written from known values is compared with hand-written bytes and
/// read back; flag and enum values are those of the header.</summary>
public sealed class AbiNetifTests
{
    [Fact]
    public void A_tx_request_is_gref_offset_flags_id_size_in_twelve_little_endian_bytes()
    {
        var request = new NetifTxRequest(0x1122_3344, 0x0102, NetTxFlags.CsumBlank | NetTxFlags.MoreData, 0xBEEF, 1500);
        byte[] bytes = new byte[NetifTxRequest.WireSize];
        request.Write(bytes);

        Assert.Equal(new byte[] { 0x44, 0x33, 0x22, 0x11, 0x02, 0x01, 0x05, 0x00, 0xEF, 0xBE, 0xDC, 0x05 }, bytes);
        Assert.Equal(request, NetifTxRequest.Read(bytes));
    }

    [Fact]
    public void A_tx_response_is_id_then_signed_status_and_leaves_the_rest_of_the_slot_alone()
    {
        byte[] slot = [.. Enumerable.Repeat((byte)0xAA, NetifConstants.TxSlotSize)];
        new NetifTxResponse(0x0A0B, NetifResponseStatus.Dropped).Write(slot);

        Assert.Equal(new byte[] { 0x0B, 0x0A, 0xFE, 0xFF, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA }, slot);
        Assert.Equal(new NetifTxResponse(0x0A0B, NetifResponseStatus.Dropped), NetifTxResponse.Read(slot));
    }

    [Fact]
    public void An_rx_request_is_id_two_bytes_of_padding_then_gref()
    {
        byte[] bytes = [.. Enumerable.Repeat((byte)0xAA, NetifRxRequest.Size)];
        new NetifRxRequest(0x0102, 0xA1B2_C3D4).Write(bytes);

        Assert.Equal(new byte[] { 0x02, 0x01, 0x00, 0x00, 0xD4, 0xC3, 0xB2, 0xA1 }, bytes);
        Assert.Equal(new NetifRxRequest(0x0102, 0xA1B2_C3D4), NetifRxRequest.Read(bytes));
    }

    [Fact]
    public void Rx_request_padding_is_ignored_on_read()
    {
        byte[] bytes = [0x02, 0x01, 0x5A, 0x5A, 0xD4, 0xC3, 0xB2, 0xA1];
        Assert.Equal(new NetifRxRequest(0x0102, 0xA1B2_C3D4), NetifRxRequest.Read(bytes));
    }

    [Fact]
    public void An_rx_response_is_id_offset_flags_then_status_as_a_byte_count()
    {
        var response = new NetifRxResponse(7, 0x0010, NetRxFlags.DataValidated | NetRxFlags.MoreData, 1514);
        byte[] bytes = new byte[NetifRxResponse.Size];
        response.Write(bytes);

        Assert.Equal(new byte[] { 0x07, 0x00, 0x10, 0x00, 0x05, 0x00, 0xEA, 0x05 }, bytes);
        Assert.Equal(response, NetifRxResponse.Read(bytes));
        Assert.False(response.IsError);
    }

    [Fact]
    public void A_negative_rx_status_is_an_error_code()
    {
        byte[] bytes = [0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF];
        NetifRxResponse response = NetifRxResponse.Read(bytes);

        Assert.Equal((short)NetifResponseStatus.Error, response.Status);
        Assert.True(response.IsError);
    }

    [Fact]
    public void A_gso_extra_is_type_flags_then_size_gso_type_pad_features()
    {
        NetifExtraInfo extra = NetifExtraInfo.ForGso(1448, NetifGsoType.TcpV4, features: 0x1234, flags: NetifExtraFlags.More);
        byte[] bytes = new byte[NetifExtraInfo.Size];
        extra.Write(bytes);

        Assert.Equal(new byte[] { 0x01, 0x01, 0xA8, 0x05, 0x01, 0x00, 0x34, 0x12 }, bytes);
        NetifExtraInfo read = NetifExtraInfo.Read(bytes);
        Assert.Equal(extra, read);
        Assert.Equal(NetifExtraType.Gso, read.Type);
        Assert.Equal(NetifExtraFlags.More, read.Flags);
        Assert.Equal(1448, read.GsoSize);
        Assert.Equal(NetifGsoType.TcpV4, read.GsoType);
        Assert.Equal(0, read.GsoPad);
        Assert.Equal(0x1234, read.GsoFeatures);
    }

    [Fact]
    public void A_multicast_extra_carries_the_six_address_bytes_in_the_union()
    {
        var address = new EthernetAddress(0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB);
        NetifExtraInfo extra = NetifExtraInfo.ForMulticast(NetifExtraType.McastAdd, address);
        byte[] bytes = new byte[NetifExtraInfo.Size];
        extra.Write(bytes);

        Assert.Equal(new byte[] { 0x02, 0x00, 0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB }, bytes);
        Assert.Equal(address, NetifExtraInfo.Read(bytes).MulticastAddress);
    }

    [Fact]
    public void A_multicast_extra_of_a_non_multicast_type_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NetifExtraInfo.ForMulticast(NetifExtraType.Gso, EthernetAddress.Broadcast));
    }

    [Fact]
    public void An_extra_of_a_type_not_interpreted_here_survives_read_then_write_byte_for_byte()
    {
        byte[] bytes = [0x04, 0x01, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66];
        byte[] again = new byte[NetifExtraInfo.Size];
        NetifExtraInfo.Read(bytes).Write(again);

        Assert.Equal(bytes, again);
        Assert.Equal(0x6655_4433_2211ul, NetifExtraInfo.Read(bytes).Union);
    }

    [Fact]
    public void Union_bits_above_the_six_bytes_are_not_written()
    {
        byte[] bytes = new byte[NetifExtraInfo.Size];
        new NetifExtraInfo(NetifExtraType.Gso, NetifExtraFlags.None, 0xFFFF_0000_0000_0001).Write(bytes);
        Assert.Equal(new byte[] { 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 }, bytes);
    }

    [Fact]
    public void Every_structure_has_the_size_of_netif_h_and_the_ring_slots_are_the_unions()
    {
        Assert.Equal(12, NetifTxRequest.WireSize);
        Assert.Equal(4, NetifTxResponse.Size);
        Assert.Equal(8, NetifRxRequest.Size);
        Assert.Equal(8, NetifRxResponse.Size);
        Assert.Equal(8, NetifExtraInfo.Size);
        Assert.Equal(NetifConstants.TxSlotSize, Math.Max(NetifTxRequest.WireSize, NetifTxResponse.WireSize));
        Assert.Equal(NetifConstants.RxSlotSize, Math.Max(NetifRxRequest.WireSize, NetifRxResponse.WireSize));
        Assert.True(NetifExtraInfo.Size <= NetifConstants.RxSlotSize, "an extra-info slot fits an RX slot");
        Assert.True(NetifConstants.MaxSlotsPerPacket >= 18, "XEN_NETIF_NR_SLOTS_MIN");
    }

    [Fact]
    public void Reading_or_writing_a_buffer_that_is_too_short_throws()
    {
        Assert.Throws<ArgumentException>(() => NetifTxRequest.Read(new byte[11]));
        Assert.Throws<ArgumentException>(() => default(NetifTxRequest).Write(new byte[11]));
        Assert.Throws<ArgumentException>(() => NetifTxResponse.Read(new byte[3]));
        Assert.Throws<ArgumentException>(() => default(NetifTxResponse).Write(new byte[3]));
        Assert.Throws<ArgumentException>(() => NetifRxRequest.Read(new byte[7]));
        Assert.Throws<ArgumentException>(() => default(NetifRxRequest).Write(new byte[7]));
        Assert.Throws<ArgumentException>(() => NetifRxResponse.Read(new byte[7]));
        Assert.Throws<ArgumentException>(() => default(NetifRxResponse).Write(new byte[7]));
        Assert.Throws<ArgumentException>(() => NetifExtraInfo.Read(new byte[7]));
        Assert.Throws<ArgumentException>(() => default(NetifExtraInfo).Write(new byte[7]));
    }

    [Fact]
    public void Tx_and_rx_flags_have_the_values_of_netif_h()
    {
        Assert.Equal(1, (int)NetTxFlags.CsumBlank);
        Assert.Equal(2, (int)NetTxFlags.DataValidated);
        Assert.Equal(4, (int)NetTxFlags.MoreData);
        Assert.Equal(8, (int)NetTxFlags.ExtraInfo);
        Assert.Equal(1, (int)NetRxFlags.DataValidated);
        Assert.Equal(2, (int)NetRxFlags.CsumBlank);
        Assert.Equal(4, (int)NetRxFlags.MoreData);
        Assert.Equal(8, (int)NetRxFlags.ExtraInfo);
        Assert.Equal(0x10, (int)NetRxFlags.GsoPrefix);
    }

    [Fact]
    public void Extra_types_gso_types_and_response_statuses_have_the_values_of_netif_h()
    {
        Assert.Equal(0, (int)NetifExtraType.None);
        Assert.Equal(1, (int)NetifExtraType.Gso);
        Assert.Equal(2, (int)NetifExtraType.McastAdd);
        Assert.Equal(3, (int)NetifExtraType.McastDel);
        Assert.Equal(4, (int)NetifExtraType.Hash);
        Assert.Equal(5, (int)NetifExtraType.Xdp);
        Assert.Equal(1, (int)NetifExtraFlags.More);
        Assert.Equal(0, (int)NetifGsoType.None);
        Assert.Equal(1, (int)NetifGsoType.TcpV4);
        Assert.Equal(2, (int)NetifGsoType.TcpV6);
        Assert.Equal(-2, (int)NetifResponseStatus.Dropped);
        Assert.Equal(-1, (int)NetifResponseStatus.Error);
        Assert.Equal(0, (int)NetifResponseStatus.Okay);
        Assert.Equal(1, (int)NetifResponseStatus.Null);
    }
}
