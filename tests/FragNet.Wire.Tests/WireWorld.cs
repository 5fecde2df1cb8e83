namespace FragNet.Wire.Tests;

/// <summary>
/// A test's own buffer world for the reassembly tests: a page pool and an skb cache. Disposing it is the leak check
/// every such test ends with: no buffer live, every page back (the assembly runs in <see cref="LeakMode.Throw"/>).
/// </summary>
public sealed class WireWorld : IDisposable
{
    static WireWorld() => RefTracking.Mode = LeakMode.Throw;

    public WireWorld(int poolPages = 64)
    {
        Pool = new PagePool(poolPages, "wire-test-pool") { PoisonOnFree = true };
        Cache = new SkbCache(Pool, "wire-test-skb");
    }

    public PagePool Pool { get; }

    public SkbCache Cache { get; }

    /// <summary>A linear buffer holding <paramref name="bytes"/>, with headroom as a receive path leaves it.</summary>
    public SkBuff Linear(ReadOnlySpan<byte> bytes, int headroom = 64)
    {
        SkBuff skb = Cache.Alloc(headroom + bytes.Length);
        skb.Reserve(headroom);
        bytes.CopyTo(skb.Put(bytes.Length));
        return skb;
    }

    /// <summary>A buffer holding <paramref name="bytes"/> with the first <paramref name="headLength"/> in the head and
    /// the rest in pool-page frags (at most 4 KiB each), as a zero-copy receive path leaves it.</summary>
    public SkBuff Paged(ReadOnlySpan<byte> bytes, int headLength)
    {
        SkBuff skb = Linear(bytes[..headLength]);
        for (int pos = headLength; pos < bytes.Length;)
        {
            int size = Math.Min(bytes.Length - pos, Page.Size - 3);
            Page page = Pool.Alloc();
            bytes.Slice(pos, size).CopyTo(page.Span[3..]);
            skb.AppendFrag(page, 3, size);
            page.Release(); // the frag holds its own reference now
            pos += size;
        }

        return skb;
    }

    /// <summary>Every byte of <paramref name="skb"/>, head, frags and frag list.</summary>
    public static byte[] BytesOf(SkBuff skb)
    {
        var bytes = new byte[skb.Len];
        skb.CopyBits(0, bytes);
        return bytes;
    }

    public void Dispose()
    {
        LeakCheck.AtTeardown([Pool], [Cache]);
        Assert.Equal(0, Cache.Live);
        Assert.Equal(0, Pool.Outstanding);
        Pool.Dispose();
    }
}
