namespace FragNet.Buffers.Tests;

/// <summary>Test payloads and how a buffer's bytes are read back, for tests that compare exact bytes.</summary>
internal static class TestBytes
{
    /// <summary><paramref name="n"/> bytes that change at every position; <paramref name="seed"/> tells writes apart.</summary>
    public static byte[] Pattern(int n, int seed) => [.. Enumerable.Range(0, n).Select(i => (byte)((i * 7) + seed))];

    /// <summary>Every byte of <paramref name="skb"/>: head, frags and frag list.</summary>
    public static byte[] Of(SkBuff skb)
    {
        var b = new byte[skb.Len];
        skb.CopyBits(0, b);
        return b;
    }

    /// <summary>Fills a lender's memory with bytes that differ at every offset of a page and from page to page, so a
    /// piece read from the wrong place does not pass.</summary>
    public static void FillByPosition(UserBuffer lender)
    {
        Span<byte> all = lender.Span;
        for (int i = 0; i < all.Length; i++)
        {
            all[i] = (byte)((i * 7) + (i / Page.Size));
        }
    }
}
