using CsCheck;

namespace FragNet.Wire.Tests;

public sealed class TcpSeqNumberTests
{
    [Fact]
    public void Adding_wraps_around_2_to_the_32()
    {
        var near = new TcpSeqNumber(uint.MaxValue - 1);
        Assert.Equal(new TcpSeqNumber(3), near + 5);
        Assert.Equal(near, new TcpSeqNumber(3) - 5);
        Assert.Equal(5, (near + 5) - near);
        Assert.Equal(-5, near - (near + 5));
        Assert.Equal(new TcpSeqNumber(1), near + -(-3));
        Assert.Equal(near + 5, near.Add(5));
        Assert.Equal(5, (near + 5).Subtract(near));
    }

    [Fact]
    public void Order_is_by_signed_distance_so_it_holds_across_the_wrap()
    {
        var before = new TcpSeqNumber(0xFFFF_FF00);
        var after = new TcpSeqNumber(0x0000_0100);
        Assert.True(before < after);
        Assert.True(after > before);
        Assert.True(before <= after);
        Assert.False(before >= after);
        Assert.Equal(after, TcpSeqNumber.Max(before, after));
        Assert.Equal(before, TcpSeqNumber.Min(before, after));
        TcpSeqNumber same = before;
        Assert.True(before <= same && before >= same && !(before < same));
    }

    [Fact]
    public void Numbers_exactly_half_the_space_apart_are_each_less_than_the_other()
    {
        // RFC 1982 §3.2 leaves this case undefined; with signed distance both compare as less.
        var a = new TcpSeqNumber(0);
        var b = new TcpSeqNumber(0x8000_0000);
        Assert.True(a < b);
        Assert.True(b < a);
    }

    [Fact]
    public void A_window_test_is_modular_and_empty_for_size_zero()
    {
        var start = new TcpSeqNumber(0xFFFF_FFF0);
        Assert.True(start.IsInWindow(start, 1));
        Assert.True((start + 0x1F).IsInWindow(start, 0x20));
        Assert.False((start + 0x20).IsInWindow(start, 0x20));
        Assert.False((start - 1).IsInWindow(start, 0x20));
        Assert.False(start.IsInWindow(start, 0));
    }

    [Fact]
    public void For_any_number_and_distance_below_2_to_the_31_order_and_difference_agree()
    {
        Gen.Select(Gen.UInt, Gen.Int[1, int.MaxValue]).Sample(
            (value, distance) =>
            {
                var a = new TcpSeqNumber(value);
                TcpSeqNumber b = a + distance;
                return a < b && b > a && !(b < a) && b - a == distance && a - b == -distance && b - distance == a
                    && a.IsInWindow(a, (uint)distance) && !b.IsInWindow(a, (uint)distance);
            },
            iter: 2000,
            seed: "0N0XIzNsQ0O2",
            threads: 1);
    }

    [Fact]
    public void A_sequence_number_formats_as_its_value() =>
        Assert.Equal("4294967295", new TcpSeqNumber(uint.MaxValue).ToString());
}
