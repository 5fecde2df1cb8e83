using CsCheck;
using FragNet.Buffers;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Tests;

/// <summary>An <see cref="XdrBuf"/> carrying page data by reference encodes exactly what a flat writer would: head,
/// the page bytes, zero padding to four (RFC 4506 §4.10), then the tail.</summary>
public sealed class XdrBufTests
{
    [Fact]
    public void Copy_to_gives_head_then_page_bytes_then_zero_padding_then_tail()
    {
        var user = new UserBuffer(2, "xdrbuf");
        Fill(user);
        using var buf = new XdrBuf();
        buf.WriteUInt32(7);
        buf.WriteOpaquePages([new XdrPage(user[0], 10, 5), new XdrPage(user[1], 0, 6)]);
        buf.WriteUInt32(9);

        byte[] expected = XdrBytes.Concat(
            XdrBytes.Words(7, 11),
            user[0].Span.Slice(10, 5).ToArray(),
            user[1].Span[..6].ToArray(),
            [0],
            XdrBytes.Words(9));
        Assert.Equal(8, buf.Head.Length);
        Assert.Equal(11, buf.PageLength);
        Assert.Equal(5, buf.Tail.Length);
        Assert.Equal(24, buf.Length);
        Assert.Equal(expected, buf.ToArray());
        user.Dispose();
    }

    [Fact]
    public void Page_data_already_a_multiple_of_four_has_no_padding()
    {
        var user = new UserBuffer(1, "xdrbuf");
        Fill(user);
        using var buf = new XdrBuf();
        buf.WriteOpaquePages([new XdrPage(user[0], 0, 8)]);
        Assert.Equal(0, buf.Tail.Length);
        Assert.Equal(12, buf.Length);
        Assert.Equal(XdrBytes.Concat(XdrBytes.Words(8), user[0].Span[..8].ToArray()), buf.ToArray());
        user.Dispose();
    }

    [Fact]
    public void Writes_go_to_the_head_before_pages_and_to_the_tail_after()
    {
        var user = new UserBuffer(1, "xdrbuf");
        using var buf = new XdrBuf();
        Assert.Same(buf.Head, buf.Current);
        buf.WriteOpaquePages([new XdrPage(user[0], 0, 3)]);
        Assert.Same(buf.Tail, buf.Current);
        buf.WriteBool(true);
        buf.WriteInt32(-1);
        buf.WriteUInt64(5);
        buf.WriteInt64(-5);
        buf.WriteOpaque([1]);
        buf.WriteOpaqueFixed([2]);
        buf.WriteString("x");
        Assert.Equal(4, buf.Head.Length);
        Assert.Equal(1 + 4 + 4 + 8 + 8 + 8 + 4 + 8, buf.Tail.Length);
        user.Dispose();
    }

    [Fact]
    public void An_empty_page_run_writes_a_zero_length_and_leaves_writes_in_the_head()
    {
        using var buf = new XdrBuf();
        buf.WriteOpaquePages([]);
        buf.WriteUInt32(1);
        Assert.Empty(buf.Pages);
        Assert.Same(buf.Head, buf.Current);
        Assert.Equal(XdrBytes.Words(0, 1), buf.ToArray());
    }

    [Fact]
    public void A_second_page_run_is_refused()
    {
        var user = new UserBuffer(1, "xdrbuf");
        using var buf = new XdrBuf();
        buf.WriteOpaquePages([new XdrPage(user[0], 0, 4)]);
        Assert.Throws<InvalidOperationException>(() => buf.WriteOpaquePages([new XdrPage(user[0], 4, 4)]));
        user.Dispose();
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(Page.Size, 1)]
    [InlineData(Page.Size - 1, 2)]
    [InlineData(-1, 4)]
    [InlineData(0, -1)]
    [InlineData(0, Page.Size + 1)]
    public void A_range_outside_its_page_or_empty_is_refused(int offset, int length)
    {
        var user = new UserBuffer(1, "xdrbuf");
        using var buf = new XdrBuf();
        Assert.Throws<ArgumentOutOfRangeException>(() => buf.WriteOpaquePages([new XdrPage(user[0], offset, length)]));
        Assert.Equal(0, buf.Length);
        user.Dispose();
    }

    [Fact]
    public void A_whole_page_is_a_valid_range()
    {
        var user = new UserBuffer(1, "xdrbuf");
        Fill(user);
        using var buf = new XdrBuf();
        buf.WriteOpaquePages([new XdrPage(user[0], 0, Page.Size)]);
        var r = new XdrReader(buf.ToArray());
        Assert.True(r.ReadOpaque(Page.Size).Span.SequenceEqual(user[0].Span));
        user.Dispose();
    }

    [Fact]
    public void Any_page_run_encodes_the_same_bytes_as_a_flat_opaque()
    {
        var user = new UserBuffer(4, "xdrbuf");
        Fill(user);
        Gen<XdrPage> range = Gen.Int[0, 3].SelectMany(page => Gen.Int[0, Page.Size - 1].SelectMany(offset =>
            Gen.Int[1, Page.Size - offset].Select(length => new XdrPage(user[page], offset, length))));
        Gen.Select(Gen.UInt.Array[0, 4], range.Array[1, 4], Gen.UInt.Array[0, 4], (head, pages, tail) => (head, pages, tail)).ForAllSeeded(
            c =>
            {
                using var buf = new XdrBuf();
                using var flat = new XdrWriter();
                foreach (uint v in c.head)
                {
                    buf.WriteUInt32(v);
                    flat.WriteUInt32(v);
                }

                buf.WriteOpaquePages(c.pages);
                flat.WriteOpaque(c.pages.SelectMany(p => p.Page.Span.Slice(p.Offset, p.Length).ToArray()).ToArray());
                foreach (uint v in c.tail)
                {
                    buf.WriteUInt32(v);
                    flat.WriteUInt32(v);
                }

                byte[] copy = new byte[buf.Length];
                buf.CopyTo(copy);
                return buf.Length == flat.Length && copy.AsSpan().SequenceEqual(flat.WrittenSpan)
                    && buf.PageLength == c.pages.Sum(p => p.Length) && buf.Pages.Count == c.pages.Length;
            },
            200);
        user.Dispose();
    }

    [Fact]
    public void The_pages_are_referenced_in_place_not_copied()
    {
        var user = new UserBuffer(1, "xdrbuf");
        using var buf = new XdrBuf();
        buf.WriteOpaquePages([new XdrPage(user[0], 0, 4)]);
        user[0].Span[0] = 0x5A;
        Assert.Equal(0x5A, buf.ToArray()[4]);
        Assert.Equal(1, user[0].RefCount);
        user.Dispose();
    }

    private static void Fill(UserBuffer user)
    {
        Span<byte> all = user.Span;
        for (int i = 0; i < all.Length; i++)
        {
            all[i] = (byte)((i * 7) + (i >> 8) + 1);
        }
    }
}
