using System.Runtime.InteropServices;
using FragNet.Buffers;
using FragNet.Nfs.Protocol;
using FragNet.Nfs.Server;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Tests;

/// <summary>WRITE arguments (and READ results) whose data are page references: encoded without copying the payload,
/// decoded as a slice of the input, and with the data at the offset the repro tool computes tcpdump filters from.</summary>
public sealed class WriteArgsPagesTests : IDisposable
{
    private readonly PagePool _pool = new(4, "nfs-write-args");

    public void Dispose() => _pool.Dispose();

    private (Page A, Page B) TwoFilledPages()
    {
        Page a = _pool.Alloc();
        Page b = _pool.Alloc();
        a.Span.Fill(0xAA);
        for (int i = 0; i < Page.Size; i++)
        {
            b.Span[i] = (byte)i;
        }

        return (a, b);
    }

    [Fact]
    public void Page_data_is_referenced_not_copied_and_starts_at_the_data_offset()
    {
        (Page a, Page b) = TwoFilledPages();
        try
        {
            var fh = new NfsFh3(new byte[28]);
            XdrPage[] pages = [new XdrPage(a, 100, 3996), new XdrPage(b, 0, 1001)];
            Write3Args args = Write3Args.FromPages(fh, 8192, StableHow.Unstable, pages);
            Assert.Equal(4997u, args.Count);
            Assert.Equal(4997, args.DataLength);

            using var buf = new XdrBuf();
            args.Encode(buf);
            Assert.Equal(2, buf.Pages.Count);
            Assert.Same(a, buf.Pages[0].Page);
            Assert.Same(b, buf.Pages[1].Page);
            Assert.Equal(args.DataOffset, buf.Head.Length);         // everything before the data is in the head
            Assert.Equal(4 + 28 + 8 + 4 + 4 + 4, args.DataOffset);
            Assert.Equal(Write3Args.DataOffsetFor(28), args.DataOffset);
            Assert.Equal(3, buf.Tail.Length);                        // the opaque's padding

            byte[] wire = buf.ToArray();
            Assert.True(Write3Args.TryGetDataOffset(wire, out int offset));
            Assert.Equal(args.DataOffset, offset);
            byte[] expected = [.. a.Span.Slice(100, 3996), .. b.Span[..1001]];
            Assert.Equal(expected, wire.AsSpan(offset, 4997).ToArray());

            Write3Args decoded = ServerHarness.Decode<Write3Args>(wire);
            Assert.True(MemoryMarshal.TryGetArray(decoded.Data, out ArraySegment<byte> slice));
            Assert.Same(wire, slice.Array);                          // a slice of the input, not a copy
            Assert.Equal(offset, slice.Offset);
            Assert.Equal(expected, decoded.Data.ToArray());
            Assert.Equal(wire, ServerHarness.Encode(decoded));
        }
        finally
        {
            a.Release();
            b.Release();
        }
    }

    [Fact]
    public void TryGetDataOffset_refuses_short_input_and_oversized_handles()
    {
        Assert.False(Write3Args.TryGetDataOffset([], out _));
        Assert.False(Write3Args.TryGetDataOffset([0, 0, 0, 65, .. new byte[200]], out _));
        Assert.False(Write3Args.TryGetDataOffset([0, 0, 0, 8, 0, 0, 0, 0], out _));
        Assert.True(Write3Args.TryGetDataOffset([0, 0, 0, 0, .. new byte[20]], out int empty));
        Assert.Equal(24, empty);
    }

    [Fact]
    public void A_server_writes_what_the_pages_held()
    {
        (Page a, Page b) = TwoFilledPages();
        try
        {
            var fs = new MemoryBackend();
            var h = new ServerHarness(fs);
            NfsFh3 f = h.CreateFile(h.Root, "round-0");
            Write3Args args = Write3Args.FromPages(f, 0, StableHow.FileSync, new XdrPage[] { new(a, 0, Page.Size), new(b, 10, 20) });
            using var buf = new XdrBuf();
            args.Encode(buf);
            (RpcAcceptStat stat, byte[] results) = h.Raw(h.Server.Nfs, (uint)Nfs3Procedure.Write, buf.ToArray());
            Assert.Equal(RpcAcceptStat.Success, stat);
            Assert.Equal((uint)(Page.Size + 20), ServerHarness.Decode<Write3Result>(results).Count);
            Assert.Equal([.. a.Span, .. b.Span.Slice(10, 20)], fs.ReadAllBytes("/round-0"));
        }
        finally
        {
            a.Release();
            b.Release();
        }
    }

    [Fact]
    public void Read_results_can_carry_pages_too()
    {
        (Page a, Page b) = TwoFilledPages();
        try
        {
            var result = new Read3Result(Nfs3Status.Ok, null, 6, true, ReadOnlyMemory<byte>.Empty) { Pages = new XdrPage[] { new(b, 1, 6) } };
            using var buf = new XdrBuf();
            result.Encode(buf);
            Assert.Same(b, Assert.Single(buf.Pages).Page);
            Read3Result decoded = ServerHarness.Decode<Read3Result>(buf.ToArray());
            Assert.Equal([1, 2, 3, 4, 5, 6], decoded.Data.ToArray());
        }
        finally
        {
            a.Release();
            b.Release();
        }
    }
}
