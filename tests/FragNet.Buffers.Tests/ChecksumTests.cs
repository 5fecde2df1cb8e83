namespace FragNet.Buffers.Tests;

public sealed class ChecksumTests
{
    [Fact]
    public void The_rfc1071_example_sums_to_ddf2()
    {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2.
        byte[] data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        Assert.Equal(0xddf2, InternetChecksum.Sum(data));
        Assert.Equal(0x220d, InternetChecksum.Compute(data));
    }

    [Fact]
    public void A_real_ipv4_header_checks_to_zero()
    {
        // An IPv4 header with its checksum field filled in (the classic example, checksum 0xb861).
        byte[] header = Convert.FromHexString("450000730000400040110000c0a80001c0a800c7");
        Assert.Equal(0xb861, InternetChecksum.Compute(header));
        header[10] = 0xb8;
        header[11] = 0x61;
        Assert.Equal(0, InternetChecksum.Compute(header));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1499)]
    [InlineData(65535)]
    public void The_sum_over_head_frags_and_frag_list_equals_the_flat_sum_at_any_split(int length)
    {
        using var w = new BufferWorld(lenderPages: 17);
        var rng = new Random(length);
        byte[] data = new byte[length];
        rng.NextBytes(data);
        int headLen = Math.Min(length, 13);
        SkBuff skb = w.Linear(data.AsSpan(0, headLen));
        int pos = headLen;
        for (int page = 0; pos < length && page < 16; page++)
        {
            int size = Math.Min(length - pos, 1 + rng.Next(4095)); // odd sizes: pieces start on odd offsets
            data.AsSpan(pos, size).CopyTo(w.Lender[page].Span[1..]);
            skb.AppendFrag(w.Lender[page], 1, size);
            pos += size;
        }

        if (pos < length)
        {
            SkBuff member = w.Linear(data.AsSpan(pos));
            skb.AppendToFragList(member);
        }

        Assert.Equal(length, skb.Len);
        Assert.Equal(InternetChecksum.Sum(data), skb.Checksum(0, length));
        int from = Math.Min(5, length);
        Assert.Equal(InternetChecksum.Sum(data.AsSpan(from)), skb.Checksum(from, length - from));
        skb.Consume();
    }

    [Fact]
    public void Store_bits_writes_through_head_and_frags()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear([0, 0, 0, 0]);
        skb.AppendFrag(w.Lender[0], 0, 4);
        skb.StoreBits(2, [1, 2, 3, 4]);
        var back = new byte[8];
        skb.CopyBits(0, back);
        Assert.Equal(new byte[] { 0, 0, 1, 2, 3, 4, 0xA0, 0xA0 }, back);
        Assert.Equal(3, w.Lender[0].Span[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => skb.CopyBits(1, new byte[8]));
        skb.Consume();
    }

    [Fact]
    public void The_zero_copy_view_walks_the_pieces_in_order_without_copying()
    {
        using var w = new BufferWorld();
        SkBuff skb = w.Linear([1, 2, 3]);
        skb.AppendFrag(w.Lender[0], 10, 5);
        var lengths = new List<int>();
        foreach (ReadOnlySpan<byte> piece in skb.Bytes(1, 6))
        {
            lengths.Add(piece.Length);
        }

        Assert.Equal([2, 4], lengths);
        skb.Consume();
    }
}
