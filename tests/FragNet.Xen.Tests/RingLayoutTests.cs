using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Rings;

namespace FragNet.Xen.Tests;

/// <summary>io/ring.h layout: the 64-byte header, the ring-size rule and where each free-running index lands.</summary>
public sealed class RingLayoutTests
{
    [Fact]
    public void The_header_is_four_indices_four_private_bytes_and_44_of_padding()
    {
        Assert.Equal(0, SharedRingLayout.RequestProducerOffset);
        Assert.Equal(4, SharedRingLayout.RequestEventOffset);
        Assert.Equal(8, SharedRingLayout.ResponseProducerOffset);
        Assert.Equal(12, SharedRingLayout.ResponseEventOffset);
        Assert.Equal(16, SharedRingLayout.PrivateOffset);
        Assert.Equal(4, SharedRingLayout.PrivateLength);
        Assert.Equal(20, SharedRingLayout.PaddingOffset);
        Assert.Equal(44, SharedRingLayout.PaddingLength);
        Assert.Equal(64, SharedRingLayout.HeaderSize);
        Assert.Equal(SharedRingLayout.HeaderSize, SharedRingLayout.PaddingOffset + SharedRingLayout.PaddingLength);
    }

    [Fact]
    public void Both_netif_rings_have_256_slots()
    {
        Assert.Equal(256, SharedRingLayout.RingSize(NetifConstants.TxSlotSize));
        Assert.Equal(256, SharedRingLayout.RingSize(NetifConstants.RxSlotSize));
        Assert.Equal(NetifConstants.TxRingSize, SharedRingLayout.RingSize(NetifConstants.TxSlotSize));
        Assert.Equal(NetifConstants.RxRingSize, SharedRingLayout.RingSize(NetifConstants.RxSlotSize));
    }

    [Theory]
    [InlineData(1, 2048)] // 4032 → 2048
    [InlineData(4, 512)] // 1008
    [InlineData(16, 128)] // 252
    [InlineData(63, 64)] // exactly 64
    [InlineData(64, 32)] // 63
    [InlineData(112, 32)] // blkif: 36
    [InlineData(2016, 2)]
    [InlineData(2017, 1)]
    [InlineData(4032, 1)]
    public void The_ring_size_is_the_largest_power_of_two_that_fits_after_the_header(int entrySize, int expected)
    {
        Assert.Equal(expected, SharedRingLayout.RingSize(entrySize));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(4033)]
    public void An_entry_size_that_cannot_fit_one_entry_throws(int entrySize)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SharedRingLayout.RingSize(entrySize));
    }

    [Fact]
    public void Initialising_writes_the_start_to_both_producers_start_plus_one_to_both_events_and_zeroes_the_rest_of_the_header()
    {
        using var buffer = new UserBuffer(1, "ring");
        Span<byte> page = buffer[0].Span;
        page.Fill(0xAA);
        new SharedRing(page, NetifConstants.TxSlotSize).Initialize(0x0102_0304);

        byte[] expected = new byte[SharedRingLayout.HeaderSize];
        expected[0] = 0x04; expected[1] = 0x03; expected[2] = 0x02; expected[3] = 0x01; // req_prod
        expected[4] = 0x05; expected[5] = 0x03; expected[6] = 0x02; expected[7] = 0x01; // req_event
        expected[8] = 0x04; expected[9] = 0x03; expected[10] = 0x02; expected[11] = 0x01; // rsp_prod
        expected[12] = 0x05; expected[13] = 0x03; expected[14] = 0x02; expected[15] = 0x01; // rsp_event
        Assert.Equal(expected, page[..SharedRingLayout.HeaderSize].ToArray());
        Assert.True(page[SharedRingLayout.HeaderSize..].IndexOfAnyExcept((byte)0xAA) < 0, "entries are left alone");
    }

    [Fact]
    public void Initialising_at_the_top_of_the_index_space_wraps_the_event_indices_to_zero()
    {
        using var buffer = new UserBuffer(1, "ring");
        var ring = new SharedRing(buffer[0].Span, NetifConstants.RxSlotSize);
        ring.Initialize(uint.MaxValue);

        Assert.Equal(uint.MaxValue, ring.RequestProducer);
        Assert.Equal(0u, ring.RequestEvent);
        Assert.Equal(uint.MaxValue, ring.ResponseProducer);
        Assert.Equal(0u, ring.ResponseEvent);
    }

    [Fact]
    public void Index_stores_are_little_endian_at_their_offsets()
    {
        using var buffer = new UserBuffer(1, "ring");
        Span<byte> page = buffer[0].Span;
        var ring = new SharedRing(page, NetifConstants.TxSlotSize)
        {
            RequestProducer = 0x1111_1111,
            RequestEvent = 0x2222_2222,
            ResponseProducer = 0x3333_3333,
            ResponseEvent = 0xA0B0_C0D0,
        };

        Assert.Equal(0x1111_1111u, BinaryPrimitives.ReadUInt32LittleEndian(page[0..]));
        Assert.Equal(0x2222_2222u, BinaryPrimitives.ReadUInt32LittleEndian(page[4..]));
        Assert.Equal(0x3333_3333u, BinaryPrimitives.ReadUInt32LittleEndian(page[8..]));
        Assert.Equal(new byte[] { 0xD0, 0xC0, 0xB0, 0xA0 }, page[12..16].ToArray());
        Assert.Equal(0xA0B0_C0D0u, ring.ResponseEvent);
    }

    [Theory]
    [InlineData(0u, 0)]
    [InlineData(1u, 1)]
    [InlineData(255u, 255)]
    [InlineData(256u, 0)]
    [InlineData(0x1234_5678u, 0x78)]
    [InlineData(uint.MaxValue, 255)]
    public void An_index_lands_in_slot_index_mod_size_after_the_header(uint index, int slot)
    {
        using var buffer = new UserBuffer(1, "ring");
        Span<byte> page = buffer[0].Span;
        var ring = new SharedRing(page, NetifConstants.TxSlotSize);
        ring.Entry(index).Fill(0x5C);

        int start = SharedRingLayout.HeaderSize + (slot * NetifConstants.TxSlotSize);
        Assert.Equal(NetifConstants.TxSlotSize, ring.Entry(index).Length);
        Assert.Equal(start, page.IndexOf((byte)0x5C));
        Assert.Equal(start + NetifConstants.TxSlotSize - 1, page.LastIndexOf((byte)0x5C));
    }

    [Fact]
    public void The_last_slot_of_a_twelve_byte_ring_ends_inside_the_page()
    {
        Assert.True(SharedRingLayout.HeaderSize + (256 * NetifConstants.TxSlotSize) <= SharedRingLayout.PageSize);
        Assert.True(SharedRingLayout.HeaderSize + (256 * NetifConstants.RxSlotSize) <= SharedRingLayout.PageSize);
    }

    [Fact]
    public void A_view_over_less_than_a_page_throws()
    {
        Assert.Throws<ArgumentException>(() => { _ = new SharedRing(new byte[4095], 8); });
    }
}
