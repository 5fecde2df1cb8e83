namespace FragNet.Wire.Tests;

public sealed class TcpOptionsTests
{
    [Fact]
    public void Build_lays_options_out_as_linux_tcp_options_write()
    {
        // SYN with everything: MSS; SACK-Permitted + Timestamps; NOP Window Scale (the capture's SYN).
        Assert.Equal(
            "020405B4" + "0402080A" + "BF97E70D" + "00000000" + "01030307",
            Convert.ToHexString(TcpOptions.Build(1460, 7, true, new TcpTimestamp(3214403341, 0)).Bytes));

        // No timestamps: NOP NOP SACK-Permitted instead of sharing the word.
        Assert.Equal("020405B4" + "01010402" + "01030300", Convert.ToHexString(TcpOptions.Build(1460, 0, true).Bytes));

        // Established with SACK blocks: NOP NOP Timestamps; NOP NOP SACK.
        TcpOptions sack = TcpOptions.Build(
            timestamp: new TcpTimestamp(5, 6),
            sackBlocks: [new(new TcpSeqNumber(100), new TcpSeqNumber(200)), new(new TcpSeqNumber(300), new TcpSeqNumber(400))]);
        Assert.Equal(
            "0101080A" + "00000005" + "00000006" + "01010512" + "00000064" + "000000C8" + "0000012C" + "00000190",
            Convert.ToHexString(sack.Bytes));
        Assert.Equal(2, sack.SackBlockCount);
        Assert.Equal(new TcpSackBlock(new TcpSeqNumber(300), new TcpSeqNumber(400)), sack.GetSackBlock(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => sack.GetSackBlock(2));

        Assert.True(TcpOptions.Build().IsEmpty);
        Assert.Equal(TcpOptions.None, TcpOptions.Build());
    }

    [Fact]
    public void Four_sack_blocks_fit_only_without_timestamps()
    {
        TcpSackBlock[] four = [.. Enumerable.Range(0, 4).Select(i => new TcpSackBlock(new TcpSeqNumber((uint)i * 10), new TcpSeqNumber((uint)i * 10 + 5)))];
        TcpOptions options = TcpOptions.Build(sackBlocks: four);
        Assert.Equal(36, options.Length);
        Assert.Equal(4, options.SackBlockCount);
        Assert.Throws<ArgumentException>(() => TcpOptions.Build(timestamp: new TcpTimestamp(1, 1), sackBlocks: four));
        Assert.Equal(3, TcpOptions.Build(timestamp: new TcpTimestamp(1, 1), sackBlocks: four.AsSpan(0, 3)).SackBlockCount);
        Assert.Throws<ArgumentException>(() => TcpOptions.Build(sackBlocks: new TcpSackBlock[5]));
    }

    [Fact]
    public void A_window_scale_above_14_is_kept_as_sent_but_used_as_14()
    {
        TcpOptions options = TcpOptions.Build(windowScale: 15);
        Assert.Equal((byte)15, options.WindowScale);
        Assert.Equal(14, options.WindowShift); // RFC 7323 §2.3
        Assert.Equal(0, TcpOptions.Build(windowScale: 0).WindowShift);
        Assert.Null(TcpOptions.None.WindowShift);
        Assert.Null(TcpOptions.None.WindowScale);
        Assert.Null(TcpOptions.None.MaxSegmentSize);
        Assert.Null(TcpOptions.None.Timestamp);
        Assert.False(TcpOptions.None.SackPermitted);
    }

    [Theory]
    [InlineData("0203", "MSS missing its value")]
    [InlineData("02050000" + "00000000", "MSS of length 5")]
    [InlineData("030200", "window scale of length 2")]
    [InlineData("0403", "SACK-Permitted of length 3")]
    [InlineData("0503000000", "SACK of length 3")]
    [InlineData("050B" + "0000000000000000000000", "SACK of length 11")]
    [InlineData("0502", "SACK with no blocks")]
    [InlineData("080A0000" + "00000000", "timestamps overrunning the area")]
    [InlineData("0809000000000000000000", "timestamps of length 9")]
    [InlineData("FE01", "an unknown kind with length 1")]
    [InlineData("FE00", "an unknown kind with length 0")]
    [InlineData("FE", "an unknown kind with no length")]
    [InlineData("FE0A0000" + "00000000", "an unknown kind overrunning the area")]
    public void A_malformed_option_list_is_refused(string hex, string why)
    {
        byte[] raw = Convert.FromHexString(hex);
        Assert.Throws<ArgumentException>(() => TcpOptions.Create(raw));
        byte[] padded = new byte[(raw.Length + 3) & ~3];
        raw.CopyTo(padded, 0);
        Assert.False(TcpOptions.TryCreate(padded, out _, out DropReason reason), why);
        Assert.Equal(DropReason.TcpOptionMalformed, reason);
    }

    [Fact]
    public void An_option_area_that_is_not_whole_words_or_too_long_is_refused()
    {
        Assert.False(TcpOptions.TryCreate(new byte[3], out _, out DropReason reason));
        Assert.Equal(DropReason.TcpOptionMalformed, reason);
        Assert.False(TcpOptions.TryCreate(new byte[44], out _, out reason));
        Assert.Equal(DropReason.TcpOptionMalformed, reason);
        Assert.Throws<ArgumentException>(() => TcpOptions.Create(new byte[41]));
    }

    [Fact]
    public void Bytes_after_end_of_option_list_are_padding_whatever_they_hold()
    {
        Assert.True(TcpOptions.TryCreate(Convert.FromHexString("00FF0102"), out TcpOptions options, out _));
        Assert.Equal(4, options.Length);
        int count = 0;
        foreach (TcpOption o in options)
        {
            count++;
        }

        Assert.Equal(0, count);
    }

    [Fact]
    public void The_first_of_repeated_options_is_the_one_read()
    {
        TcpOptions options = TcpOptions.Create(Convert.FromHexString("02040100" + "020405B4"));
        Assert.Equal((ushort)256, options.MaxSegmentSize);
    }

    [Fact]
    public void Options_compare_by_their_bytes()
    {
        TcpOptions a = TcpOptions.Build(1460);
        TcpOptions b = TcpOptions.Create(Convert.FromHexString("020405B4"));
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, TcpOptions.Build(1448));
        Assert.Equal("020405B4", a.ToString());
        Assert.Equal("none", TcpOptions.None.ToString());
    }
}
