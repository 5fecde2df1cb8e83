using CsCheck;
using FragNet.SunRpc.Portmap;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Tests;

/// <summary>The client side of the port mapper: arguments encoded as RFC 1833 §3 lays them out, results decoded from
/// what <see cref="PortmapProgram"/> answers, and malformed results refused without an exception.</summary>
public sealed class PortmapCodecTests
{
    private static readonly Gen<PortmapMapping> AnyMapping =
        Gen.Select(Gen.UInt, Gen.UInt, Gen.UInt, Gen.UInt, (prog, vers, prot, port) => new PortmapMapping(prog, vers, prot, port));

    [Fact]
    public void Any_mapping_round_trips_as_four_words_in_rfc_order() =>
        AnyMapping.ForAllSeeded(
            m =>
            {
                using var w = new XdrWriter();
                m.Encode(w);
                var r = new XdrReader(XdrBytes.Of(w));
                PortmapMapping back = PortmapMapping.Decode(ref r);
                r.ExpectEnd();
                return r.IsValid && back == m && w.Length == PortmapMapping.EncodedLength
                    && XdrBytes.Of(w).AsSpan().SequenceEqual(XdrBytes.Words(m.Program, m.Version, m.Protocol, m.Port));
            },
            PropertySeeds.Iterations);

    [Fact]
    public void Every_truncation_of_a_mapping_is_truncated()
    {
        byte[] bytes = XdrBytes.Words(1, 2, 3, 4);
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var r = new XdrReader(bytes.AsMemory(0, cut));
            _ = PortmapMapping.Decode(ref r);
            Assert.Equal(XdrError.Truncated, r.Error);
        }
    }

    [Fact]
    public void Getport_arguments_send_port_zero()
    {
        using var args = new XdrBuf();
        PortmapCodec.EncodeGetPortArguments(args, 100005, 3, PortmapConstants.ProtocolTcp);
        Assert.Equal(XdrBytes.Words(100005, 3, 6, 0), args.ToArray());
    }

    [Fact]
    public void Set_arguments_are_the_mapping()
    {
        using var args = new XdrBuf();
        PortmapCodec.EncodeSetArguments(args, new PortmapMapping(100003, 3, PortmapConstants.ProtocolUdp, 2049));
        Assert.Equal(XdrBytes.Words(100003, 3, 17, 2049), args.ToArray());
    }

    [Fact]
    public void Unset_arguments_send_protocol_and_port_zero()
    {
        using var args = new XdrBuf();
        PortmapCodec.EncodeUnsetArguments(args, 100003, 3);
        Assert.Equal(XdrBytes.Words(100003, 3, 0, 0), args.ToArray());
    }

    [Fact]
    public void Dump_arguments_are_empty()
    {
        using var args = new XdrBuf();
        PortmapCodec.EncodeDumpArguments(args);
        Assert.Equal(0, args.Length);
    }

    [Fact]
    public void A_client_and_the_program_agree_on_every_procedure()
    {
        var portmap = new PortmapProgram();
        var mount = new PortmapMapping(100005, 3, PortmapConstants.ProtocolTcp, 20048);

        Assert.True(PortmapCodec.TryDecodeSetResult(ref Exchange(portmap, PortmapProcedure.Set, a => PortmapCodec.EncodeSetArguments(a, mount)).Reader, out bool registered));
        Assert.True(registered);
        Assert.True(PortmapCodec.TryDecodeSetResult(ref Exchange(portmap, PortmapProcedure.Set, a => PortmapCodec.EncodeSetArguments(a, mount)).Reader, out bool again));
        Assert.False(again);

        Assert.True(PortmapCodec.TryDecodeGetPortResult(ref Exchange(portmap, PortmapProcedure.GetPort, a => PortmapCodec.EncodeGetPortArguments(a, 100005, 3, 6)).Reader, out uint port));
        Assert.Equal(20048u, port);

        Assert.True(PortmapCodec.TryDecodeDumpResult(ref Exchange(portmap, PortmapProcedure.Dump, PortmapCodec.EncodeDumpArguments).Reader, out IReadOnlyList<PortmapMapping> listed));
        Assert.Equal([mount], listed);

        Assert.True(PortmapCodec.TryDecodeUnsetResult(ref Exchange(portmap, PortmapProcedure.Unset, a => PortmapCodec.EncodeUnsetArguments(a, 100005, 3)).Reader, out bool removed));
        Assert.True(removed);

        Assert.True(PortmapCodec.TryDecodeGetPortResult(ref Exchange(portmap, PortmapProcedure.GetPort, a => PortmapCodec.EncodeGetPortArguments(a, 100005, 3, 6)).Reader, out uint gone));
        Assert.Equal(0u, gone);

        Assert.True(PortmapCodec.TryDecodeDumpResult(ref Exchange(portmap, PortmapProcedure.Dump, PortmapCodec.EncodeDumpArguments).Reader, out IReadOnlyList<PortmapMapping> empty));
        Assert.Empty(empty);
    }

    [Fact]
    public void Any_list_of_mappings_round_trips_through_the_dump_result() =>
        AnyMapping.List[0, 20].ForAllSeeded(
            list =>
            {
                using var results = new XdrBuf();
                PortmapCodec.EncodeDumpResult(results, list);
                var r = new XdrReader(results.ToArray());
                return PortmapCodec.TryDecodeDumpResult(ref r, out IReadOnlyList<PortmapMapping> back)
                    && back.SequenceEqual(list) && results.Length == (list.Count * 20) + 4;
            },
            PropertySeeds.Iterations);

    [Fact]
    public void Every_truncation_of_a_dump_result_fails_cleanly_with_an_empty_list()
    {
        using var results = new XdrBuf();
        PortmapCodec.EncodeDumpResult(results, [new PortmapMapping(1, 2, 6, 3), new PortmapMapping(4, 5, 17, 6)]);
        byte[] bytes = results.ToArray();
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var r = new XdrReader(bytes.AsMemory(0, cut));
            Assert.False(PortmapCodec.TryDecodeDumpResult(ref r, out IReadOnlyList<PortmapMapping> listed));
            Assert.Equal(XdrError.Truncated, r.Error);
            Assert.Empty(listed);
        }
    }

    [Fact]
    public void A_value_follows_marker_other_than_zero_or_one_is_bad_boolean()
    {
        var r = new XdrReader(XdrBytes.Words(1, 1, 2, 6, 3, 2, 4, 5, 6, 7, 0));
        Assert.False(PortmapCodec.TryDecodeDumpResult(ref r, out _));
        Assert.Equal(XdrError.BadBoolean, r.Error);
    }

    [Fact]
    public void A_dump_result_followed_by_more_bytes_is_trailing_bytes()
    {
        var r = new XdrReader(XdrBytes.Words(0, 0));
        Assert.False(PortmapCodec.TryDecodeDumpResult(ref r, out _));
        Assert.Equal(XdrError.TrailingBytes, r.Error);
    }

    [Fact]
    public void A_hostile_dump_claiming_many_entries_ends_where_its_bytes_do()
    {
        // One real entry, then "value follows" with nothing after it.
        var r = new XdrReader(XdrBytes.Words(1, 1, 2, 6, 3, 1));
        Assert.False(PortmapCodec.TryDecodeDumpResult(ref r, out IReadOnlyList<PortmapMapping> listed));
        Assert.Equal(XdrError.Truncated, r.Error);
        Assert.Empty(listed);
    }

    [Theory]
    [InlineData(new uint[0], XdrError.Truncated)]
    [InlineData(new uint[] { 2 }, XdrError.BadBoolean)]
    [InlineData(new uint[] { 1, 0 }, XdrError.TrailingBytes)]
    public void A_malformed_set_or_unset_result_is_refused(uint[] words, XdrError error)
    {
        var set = new XdrReader(XdrBytes.Words(words));
        Assert.False(PortmapCodec.TryDecodeSetResult(ref set, out bool registered));
        Assert.False(registered);
        Assert.Equal(error, set.Error);
        var unset = new XdrReader(XdrBytes.Words(words));
        Assert.False(PortmapCodec.TryDecodeUnsetResult(ref unset, out bool removed));
        Assert.False(removed);
        Assert.Equal(error, unset.Error);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 8 }, XdrError.Truncated)]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 0 }, XdrError.TrailingBytes)]
    public void A_malformed_getport_result_is_refused(byte[] bytes, XdrError error)
    {
        var r = new XdrReader(bytes);
        Assert.False(PortmapCodec.TryDecodeGetPortResult(ref r, out uint port));
        Assert.Equal(0u, port);
        Assert.Equal(error, r.Error);
    }

    [Fact]
    public void A_mapping_prints_its_protocol_by_name()
    {
        Assert.Equal("100003 v3 tcp port 2049", new PortmapMapping(100003, 3, 6, 2049).ToString());
        Assert.Equal("100003 v3 udp port 2049", new PortmapMapping(100003, 3, 17, 2049).ToString());
        Assert.Equal("100003 v3 proto 132 port 2049", new PortmapMapping(100003, 3, 132, 2049).ToString());
    }

    /// <summary>The results of one call: a reader over what the program encoded (a holder so tests can pass it by ref).</summary>
    private sealed class Reply
    {
        public XdrReader Reader;
    }

    private static Reply Exchange(PortmapProgram portmap, PortmapProcedure procedure, Action<XdrBuf> encodeArguments)
    {
        using var args = new XdrBuf();
        encodeArguments(args);
        using var results = new XdrBuf();
        var reader = new XdrReader(args.ToArray());
        RpcAcceptStat stat = portmap.Dispatch(PortmapProgramTests.Context(procedure, new(new(127, 0, 0, 1), 700)), ref reader, results);
        Assert.Equal(RpcAcceptStat.Success, stat);
        return new Reply { Reader = new XdrReader(results.ToArray()) };
    }
}
