using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Tests;

/// <summary>Hostile or malformed XDR gives a sticky <see cref="XdrError"/>, never an exception, an overflow or an
/// allocation sized by a declared length.</summary>
public sealed class XdrReaderFailureTests
{
    [Fact]
    public void An_opaque_longer_than_its_bound_is_length_exceeds_bound()
    {
        var r = new XdrReader(XdrBytes.Concat(XdrBytes.Words(5), [1, 2, 3, 4, 5, 0, 0, 0]));
        Assert.True(r.ReadOpaque(4).IsEmpty);
        Assert.Equal(XdrError.LengthExceedsBound, r.Error);
    }

    [Fact]
    public void An_opaque_exactly_at_its_bound_is_accepted()
    {
        var r = new XdrReader(XdrBytes.Concat(XdrBytes.Words(5), [1, 2, 3, 4, 5, 0, 0, 0]));
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, r.ReadOpaque(5).ToArray());
        r.ExpectEnd();
        Assert.True(r.IsValid);
    }

    [Fact]
    public void A_string_longer_than_its_bound_is_length_exceeds_bound()
    {
        var r = new XdrReader(XdrBytes.Concat(XdrBytes.Words(3), "abc\0"u8.ToArray()));
        Assert.Equal(string.Empty, r.ReadString(2));
        Assert.Equal(XdrError.LengthExceedsBound, r.Error);
    }

    [Fact]
    public void A_count_above_its_bound_is_length_exceeds_bound()
    {
        var r = new XdrReader(XdrBytes.Words(17, 0, 0, 0));
        Assert.Equal(0, r.ReadCount(16));
        Assert.Equal(XdrError.LengthExceedsBound, r.Error);
    }

    [Fact]
    public void A_length_of_all_ones_is_refused_by_the_bound_before_any_arithmetic()
    {
        var r = new XdrReader(XdrBytes.Words(0xFFFF_FFFF, 0));
        Assert.True(r.ReadOpaque(int.MaxValue).IsEmpty);
        Assert.Equal(XdrError.LengthExceedsBound, r.Error);
    }

    [Fact]
    public void A_length_near_int_max_whose_padding_would_overflow_is_truncated()
    {
        var r = new XdrReader(XdrBytes.Words(0x7FFF_FFFF, 0));
        Assert.True(r.ReadOpaque(int.MaxValue).IsEmpty);
        Assert.Equal(XdrError.Truncated, r.Error);
    }

    [Fact]
    public void A_negative_fixed_length_is_truncated_not_an_exception()
    {
        var r = new XdrReader(XdrBytes.Words(0));
        Assert.True(r.ReadOpaqueFixed(-1).IsEmpty);
        Assert.Equal(XdrError.Truncated, r.Error);
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(0x100u)]
    [InlineData(0xFFFF_FFFFu)]
    public void A_boolean_other_than_zero_or_one_is_bad_boolean(uint value)
    {
        var r = new XdrReader(XdrBytes.Words(value));
        Assert.False(r.ReadBool());
        Assert.Equal(XdrError.BadBoolean, r.Error);
    }

    [Fact]
    public void An_enum_above_its_last_value_is_bad_discriminant()
    {
        var r = new XdrReader(XdrBytes.Words(3, 4));
        Assert.Equal(3u, r.ReadEnum(3));
        Assert.Equal(0u, r.ReadEnum(3));
        Assert.Equal(XdrError.BadDiscriminant, r.Error);
    }

    [Theory]
    [InlineData(1, new byte[] { 0xAA, 1, 0, 0 })]
    [InlineData(1, new byte[] { 0xAA, 0, 0, 1 })]
    [InlineData(2, new byte[] { 0xAA, 0xBB, 0, 0x80 })]
    [InlineData(3, new byte[] { 0xAA, 0xBB, 0xCC, 0xFF })]
    public void Non_zero_padding_of_a_fixed_opaque_is_refused(int length, byte[] bytes)
    {
        var r = new XdrReader(bytes);
        Assert.True(r.ReadOpaqueFixed(length).IsEmpty);
        Assert.Equal(XdrError.NonZeroPadding, r.Error);
    }

    [Fact]
    public void Non_zero_padding_of_a_variable_opaque_or_string_is_refused()
    {
        byte[] bytes = XdrBytes.Concat(XdrBytes.Words(1), [(byte)'a', 0, 7, 0]);
        var opaque = new XdrReader(bytes);
        _ = opaque.ReadOpaque(8);
        Assert.Equal(XdrError.NonZeroPadding, opaque.Error);
        var text = new XdrReader(bytes);
        Assert.Equal(string.Empty, text.ReadString(8));
        Assert.Equal(XdrError.NonZeroPadding, text.Error);
    }

    [Fact]
    public void Bytes_left_after_the_structure_are_trailing_bytes()
    {
        var r = new XdrReader(XdrBytes.Words(1, 2));
        Assert.Equal(1u, r.ReadUInt32());
        r.ExpectEnd();
        Assert.Equal(XdrError.TrailingBytes, r.Error);
    }

    [Fact]
    public void Trailing_bytes_do_not_hide_an_earlier_error()
    {
        var r = new XdrReader(XdrBytes.Words(7, 2));
        _ = r.ReadBool();
        r.ExpectEnd();
        Assert.Equal(XdrError.BadBoolean, r.Error);
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })]             // a lead byte followed by a non-continuation
    [InlineData(new byte[] { 0xC0, 0x80 })]             // overlong NUL
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // a UTF-16 surrogate encoded as UTF-8
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    [InlineData(new byte[] { 0x80 })]                   // a lone continuation byte
    [InlineData(new byte[] { 0xFF })]
    public void Invalid_utf8_in_a_string_is_bad_string(byte[] utf8)
    {
        using var w = new XdrWriter();
        w.WriteOpaque(utf8);
        var r = new XdrReader(XdrBytes.Of(w));
        Assert.Equal(string.Empty, r.ReadString(255));
        Assert.Equal(XdrError.BadString, r.Error);
    }

    [Fact]
    public void A_count_larger_than_what_is_left_fails_before_anyone_allocates_for_it()
    {
        var r = new XdrReader(XdrBytes.Words(0x7FFF_FFFF, 1, 2));
        Assert.Equal(0, r.ReadCount(int.MaxValue));
        Assert.Equal(XdrError.Truncated, r.Error);
    }

    [Fact]
    public void A_hostile_count_sizes_no_array_beyond_the_bytes_present()
    {
        byte[] input = XdrBytes.Words(1_000_000_000, 1, 2);
        var r = new XdrReader(input);
        long before = GC.GetAllocatedBytesForCurrentThread();
        uint[] items = new uint[r.ReadCount(int.MaxValue)];
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(items);
        Assert.Equal(XdrError.Truncated, r.Error);
        Assert.True(allocated < 1024, $"{allocated} bytes allocated for a count of a billion");
    }

    [Fact]
    public void A_count_is_checked_against_the_smallest_element_size_given()
    {
        // Three 8-byte elements need 24 bytes; 16 are left.
        var r = new XdrReader(XdrBytes.Words(3, 0, 0, 0, 0));
        Assert.Equal(0, r.ReadCount(100, minElementBytes: 8));
        Assert.Equal(XdrError.Truncated, r.Error);

        var ok = new XdrReader(XdrBytes.Words(2, 0, 0, 0, 0));
        Assert.Equal(2, ok.ReadCount(100, minElementBytes: 8));
        Assert.True(ok.IsValid);
    }

    [Fact]
    public void A_minimum_element_size_of_zero_still_counts_one_byte_per_element()
    {
        var r = new XdrReader(XdrBytes.Words(5));
        Assert.Equal(0, r.ReadCount(100, minElementBytes: 0));
        Assert.Equal(XdrError.Truncated, r.Error);
    }

    [Fact]
    public void After_the_first_error_every_read_returns_zero_or_empty_and_does_not_move()
    {
        var r = new XdrReader(XdrBytes.Concat(XdrBytes.Words(9), XdrBytes.Words(1, 1, 1, 1, 1, 1)));
        _ = r.ReadBool();
        Assert.Equal(XdrError.BadBoolean, r.Error);
        int at = r.Position;
        Assert.Equal(0u, r.ReadUInt32());
        Assert.Equal(0ul, r.ReadUInt64());
        Assert.False(r.ReadBool());
        Assert.True(r.ReadOpaque(8).IsEmpty);
        Assert.Equal(string.Empty, r.ReadString(8));
        Assert.Equal(0, r.ReadCount(8));
        r.Skip(4);
        r.Fail(XdrError.BadString);
        Assert.Equal(at, r.Position);
        Assert.Equal(XdrError.BadBoolean, r.Error);
    }

    [Fact]
    public void Short_input_for_each_fixed_size_item_is_truncated()
    {
        byte[] three = [1, 2, 3];
        var u32 = new XdrReader(three);
        Assert.Equal(0u, u32.ReadUInt32());
        Assert.Equal(XdrError.Truncated, u32.Error);

        var u64 = new XdrReader(XdrBytes.Words(1));
        Assert.Equal(0ul, u64.ReadUInt64());
        Assert.Equal(XdrError.Truncated, u64.Error);

        var skip = new XdrReader(XdrBytes.Words(1));
        skip.Skip(8);
        Assert.Equal(XdrError.Truncated, skip.Error);
        Assert.Equal(0, skip.Position);
    }

    [Fact]
    public void Opaque_data_is_a_slice_of_the_input_not_a_copy()
    {
        byte[] input = XdrBytes.Concat(XdrBytes.Words(4), [9, 8, 7, 6]);
        var r = new XdrReader(input);
        ReadOnlyMemory<byte> data = r.ReadOpaque(4);
        input[4] = 42;
        Assert.Equal(42, data.Span[0]);
    }

    [Fact]
    public void Rest_is_the_unread_input_and_remaining_its_length()
    {
        var r = new XdrReader(XdrBytes.Words(1, 2, 3));
        _ = r.ReadUInt32();
        Assert.Equal(8, r.Remaining);
        Assert.Equal(XdrBytes.Words(2, 3), r.Rest.ToArray());
    }
}
