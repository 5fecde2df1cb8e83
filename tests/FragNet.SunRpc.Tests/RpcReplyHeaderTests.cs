using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Tests;

/// <summary>Every REPLY shape of RFC 5531 §9 (<c>reply_body</c>: accepted with each <c>accept_stat</c>, denied with
/// RPC_MISMATCH or AUTH_ERROR and each <c>auth_stat</c>) encodes to the RFC's bytes and decodes back.</summary>
public sealed class RpcReplyHeaderTests
{
    public static TheoryData<RpcAcceptStat> AcceptStatsWithoutData => new()
    {
        RpcAcceptStat.Success,
        RpcAcceptStat.ProgramUnavailable,
        RpcAcceptStat.ProcedureUnavailable,
        RpcAcceptStat.GarbageArgs,
        RpcAcceptStat.SystemError,
    };

    public static TheoryData<AuthStat> EveryAuthStat => new(Enum.GetValues<AuthStat>());

    [Fact]
    public void An_accepted_success_reply_is_xid_reply_accepted_null_verifier_success()
    {
        RpcReplyHeader reply = RpcReplyHeader.Accepted(0xABCD_EF01, RpcAcceptStat.Success);
        byte[] expected = XdrBytes.Words(
            0xABCD_EF01, // xid
            1,           // msg_type REPLY
            0,           // reply_stat MSG_ACCEPTED
            0, 0,        // verf: AUTH_NONE, empty
            0);          // accept_stat SUCCESS
        Assert.Equal(expected, Encode(reply));
        RpcReplyHeader back = Decode(expected);
        RpcAssert.SameReply(reply, back);
        Assert.True(back.IsSuccess);
    }

    [Theory]
    [MemberData(nameof(AcceptStatsWithoutData))]
    public void An_accepted_reply_with_any_stat_but_prog_mismatch_carries_no_more_words(RpcAcceptStat stat)
    {
        RpcReplyHeader reply = RpcReplyHeader.Accepted(5, stat);
        byte[] expected = XdrBytes.Words(5, 1, 0, 0, 0, (uint)stat);
        Assert.Equal(expected, Encode(reply));
        RpcReplyHeader back = Decode(expected);
        RpcAssert.SameReply(reply, back);
        Assert.Equal(stat == RpcAcceptStat.Success, back.IsSuccess);
    }

    [Fact]
    public void A_prog_mismatch_reply_carries_the_supported_range()
    {
        RpcReplyHeader reply = RpcReplyHeader.ProgramMismatch(6, 2, 4);
        byte[] expected = XdrBytes.Words(6, 1, 0, 0, 0, 2, /* low */ 2, /* high */ 4);
        Assert.Equal(expected, Encode(reply));
        RpcReplyHeader back = Decode(expected);
        RpcAssert.SameReply(reply, back);
        Assert.Equal((2u, 4u), (back.MismatchLow, back.MismatchHigh));
        Assert.False(back.IsSuccess);
    }

    [Fact]
    public void An_accepted_reply_keeps_a_non_null_verifier()
    {
        RpcReplyHeader reply = RpcReplyHeader.Accepted(8, RpcAcceptStat.Success) with { Verifier = new OpaqueAuth(AuthFlavor.ShortHand, new byte[] { 1, 2, 3, 4, 5 }) };
        byte[] expected = XdrBytes.Concat(XdrBytes.Words(8, 1, 0, 2, 5), [1, 2, 3, 4, 5, 0, 0, 0], XdrBytes.Words(0));
        Assert.Equal(expected, Encode(reply));
        RpcAssert.SameReply(reply, Decode(expected));
    }

    [Fact]
    public void A_denied_rpc_mismatch_reply_carries_version_two_as_the_range()
    {
        RpcReplyHeader reply = RpcReplyHeader.RpcMismatch(9);
        byte[] expected = XdrBytes.Words(
            9, 1,
            1,     // reply_stat MSG_DENIED
            0,     // reject_stat RPC_MISMATCH
            2, 2); // mismatch_info low, high
        Assert.Equal(expected, Encode(reply));
        RpcReplyHeader back = Decode(expected);
        RpcAssert.SameReply(reply, back);
        Assert.False(back.IsSuccess);
    }

    [Theory]
    [MemberData(nameof(EveryAuthStat))]
    public void A_denied_auth_error_reply_carries_its_auth_stat(AuthStat stat)
    {
        RpcReplyHeader reply = RpcReplyHeader.AuthError(10, stat);
        byte[] expected = XdrBytes.Words(10, 1, 1, /* AUTH_ERROR */ 1, (uint)stat);
        Assert.Equal(expected, Encode(reply));
        RpcReplyHeader back = Decode(expected);
        RpcAssert.SameReply(reply, back);
        Assert.Equal(stat, back.AuthStat);
        Assert.False(back.IsSuccess);
    }

    [Fact]
    public void A_reply_stat_beyond_denied_is_bad_discriminant()
    {
        var r = new XdrReader(XdrBytes.Words(1, 1, 2, 0, 0, 0));
        Assert.True(RpcMessage.ReadStart(ref r, out uint xid, out _));
        _ = RpcReplyHeader.DecodeBody(xid, ref r);
        Assert.Equal(XdrError.BadDiscriminant, r.Error);
    }

    [Fact]
    public void An_accept_stat_beyond_system_err_is_bad_discriminant()
    {
        var r = new XdrReader(XdrBytes.Words(1, 1, 0, 0, 0, 6));
        Assert.True(RpcMessage.ReadStart(ref r, out uint xid, out _));
        _ = RpcReplyHeader.DecodeBody(xid, ref r);
        Assert.Equal(XdrError.BadDiscriminant, r.Error);
    }

    [Fact]
    public void A_reject_stat_beyond_auth_error_is_bad_discriminant()
    {
        var r = new XdrReader(XdrBytes.Words(1, 1, 1, 2, 0));
        Assert.True(RpcMessage.ReadStart(ref r, out uint xid, out _));
        _ = RpcReplyHeader.DecodeBody(xid, ref r);
        Assert.Equal(XdrError.BadDiscriminant, r.Error);
    }

    [Fact]
    public void The_reader_is_left_at_the_results_after_a_success_header()
    {
        byte[] bytes = XdrBytes.Words(3, 1, 0, 0, 0, 0, 0xFEED);
        var r = new XdrReader(bytes);
        Assert.True(RpcMessage.ReadStart(ref r, out uint xid, out RpcMessageType type));
        Assert.Equal(RpcMessageType.Reply, type);
        Assert.True(RpcReplyHeader.DecodeBody(xid, ref r).IsSuccess);
        Assert.Equal(0xFEEDu, r.ReadUInt32());
    }

    [Fact]
    public void Every_truncation_of_every_reply_shape_fails_cleanly()
    {
        RpcReplyHeader[] shapes =
        [
            RpcReplyHeader.Accepted(1, RpcAcceptStat.Success),
            RpcReplyHeader.ProgramMismatch(2, 3, 3),
            RpcReplyHeader.RpcMismatch(3),
            RpcReplyHeader.AuthError(4, AuthStat.TooWeak),
        ];
        foreach (RpcReplyHeader shape in shapes)
        {
            byte[] bytes = Encode(shape);
            for (int cut = 0; cut < bytes.Length; cut++)
            {
                var r = new XdrReader(bytes.AsMemory(0, cut));
                if (RpcMessage.ReadStart(ref r, out uint xid, out _))
                {
                    _ = RpcReplyHeader.DecodeBody(xid, ref r);
                }

                Assert.Equal(XdrError.Truncated, r.Error);
            }
        }
    }

    private static byte[] Encode(RpcReplyHeader reply)
    {
        using var w = new XdrWriter();
        reply.Encode(w);
        return XdrBytes.Of(w);
    }

    private static RpcReplyHeader Decode(byte[] bytes)
    {
        var r = new XdrReader(bytes);
        Assert.True(RpcMessage.ReadStart(ref r, out uint xid, out RpcMessageType type));
        Assert.Equal(RpcMessageType.Reply, type);
        RpcReplyHeader reply = RpcReplyHeader.DecodeBody(xid, ref r);
        r.ExpectEnd();
        Assert.True(r.IsValid, r.Error.ToString());
        return reply;
    }
}
