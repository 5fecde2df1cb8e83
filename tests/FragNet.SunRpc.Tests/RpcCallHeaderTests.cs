using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Tests;

/// <summary>CALL headers (RFC 5531 §9 <c>call_body</c>) encode to the bytes the RFC lays out and decode back; every
/// cut-short header fails cleanly.</summary>
public sealed class RpcCallHeaderTests
{
    private static readonly AuthSysParameters Alice = new(0x1234_5678, "host", 1000, 100, [100, 4, 27]);

    [Fact]
    public void An_auth_none_call_encodes_to_the_rfc_5531_layout_and_decodes_back()
    {
        var call = new RpcCallHeader(0xCAFE_0001, 100003, 3, 1, OpaqueAuth.None, OpaqueAuth.None);
        byte[] expected = XdrBytes.Words(
            0xCAFE_0001, // xid
            0,           // msg_type CALL
            2,           // rpcvers
            100003,      // prog
            3,           // vers
            1,           // proc
            0, 0,        // cred: AUTH_NONE, empty body
            0, 0);       // verf: AUTH_NONE, empty body

        byte[] bytes = Encode(call);

        Assert.Equal(expected, bytes);
        Assert.Equal(expected.Length, call.EncodedLength);
        RpcCallHeader back = Decode(bytes, out uint rpcVersion);
        Assert.Equal(2u, rpcVersion);
        RpcAssert.SameCall(call, back);
    }

    [Fact]
    public void An_auth_sys_call_encodes_the_credential_body_as_appendix_a_lays_it_out()
    {
        var call = new RpcCallHeader(7, 100005, 3, 1, OpaqueAuth.Sys(Alice), OpaqueAuth.None);
        byte[] credentialBody = XdrBytes.Concat(
            XdrBytes.Words(0x1234_5678, 4),   // stamp, machinename length
            "host"u8.ToArray(),               // machinename, already a multiple of 4
            XdrBytes.Words(1000, 100, 3, 100, 4, 27)); // uid, gid, gids<16>
        byte[] expected = XdrBytes.Concat(
            XdrBytes.Words(7, 0, 2, 100005, 3, 1),
            XdrBytes.Words(1, (uint)credentialBody.Length),
            credentialBody,
            XdrBytes.Words(0, 0));

        byte[] bytes = Encode(call);

        Assert.Equal(expected, bytes);
        Assert.Equal(bytes.Length, call.EncodedLength);
        RpcCallHeader back = Decode(bytes, out _);
        RpcAssert.SameCall(call, back);
        RpcAssert.SameSys(Alice, back.Credential.AsSys());
    }

    [Fact]
    public void A_call_with_another_rpc_version_still_decodes_so_the_server_can_answer_rpc_mismatch()
    {
        byte[] bytes = XdrBytes.Words(9, 0, 3, 100003, 3, 0, 0, 0, 0, 0);
        RpcCallHeader call = Decode(bytes, out uint rpcVersion);
        Assert.Equal(3u, rpcVersion);
        Assert.Equal(9u, call.Xid);
    }

    [Fact]
    public void A_credential_body_over_400_bytes_is_length_exceeds_bound()
    {
        using var w = new XdrWriter();
        new RpcCallHeader(1, 2, 3, 4, new OpaqueAuth(AuthFlavor.Sys, new byte[401]), OpaqueAuth.None).Encode(w);
        var r = new XdrReader(XdrBytes.Of(w));
        Assert.True(RpcMessage.ReadStart(ref r, out uint xid, out RpcMessageType type));
        _ = RpcCallHeader.DecodeBody(xid, ref r, out _);
        Assert.Equal(XdrError.LengthExceedsBound, r.Error);
    }

    [Fact]
    public void A_credential_body_of_exactly_400_bytes_is_accepted()
    {
        var call = new RpcCallHeader(1, 2, 3, 4, new OpaqueAuth(AuthFlavor.Dh, new byte[400]), new OpaqueAuth(AuthFlavor.Dh, new byte[400]));
        RpcAssert.SameCall(call, Decode(Encode(call), out _));
    }

    [Fact]
    public void Every_truncation_of_a_call_header_fails_cleanly()
    {
        var call = new RpcCallHeader(0x0102_0304, 100003, 3, 7, OpaqueAuth.Sys(Alice), new OpaqueAuth(AuthFlavor.None, new byte[] { 1, 2, 3 }));
        byte[] bytes = Encode(call);
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            var r = new XdrReader(bytes.AsMemory(0, cut));
            bool started = RpcMessage.ReadStart(ref r, out uint xid, out _);
            if (cut < 8)
            {
                Assert.False(started);
            }
            else
            {
                Assert.True(started);
                _ = RpcCallHeader.DecodeBody(xid, ref r, out _);
            }

            Assert.Equal(XdrError.Truncated, r.Error);
        }
    }

    [Fact]
    public void A_message_type_other_than_call_or_reply_is_refused_at_the_start()
    {
        var r = new XdrReader(XdrBytes.Words(1, 2));
        Assert.False(RpcMessage.ReadStart(ref r, out uint xid, out _));
        Assert.Equal(1u, xid);
    }

    private static byte[] Encode(RpcCallHeader call)
    {
        using var w = new XdrWriter();
        call.Encode(w);
        return XdrBytes.Of(w);
    }

    private static RpcCallHeader Decode(byte[] bytes, out uint rpcVersion)
    {
        var r = new XdrReader(bytes);
        Assert.True(RpcMessage.ReadStart(ref r, out uint xid, out RpcMessageType type));
        Assert.Equal(RpcMessageType.Call, type);
        RpcCallHeader call = RpcCallHeader.DecodeBody(xid, ref r, out rpcVersion);
        r.ExpectEnd();
        Assert.True(r.IsValid, r.Error.ToString());
        return call;
    }
}
