using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Server;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Tests;

/// <summary>AUTH_SYS (<c>authsys_parms</c>, RFC 5531 appendix A): round trips, the 16-group limit, and malformed
/// bodies that <see cref="OpaqueAuth.AsSys"/> turns into null rather than an exception.</summary>
public sealed class AuthSysTests
{
    [Fact]
    public void Parameters_round_trip_through_an_opaque_auth()
    {
        var sys = new AuthSysParameters(42, "client.example", 0, 0, []);
        OpaqueAuth cred = OpaqueAuth.Sys(sys);
        Assert.Equal(AuthFlavor.Sys, cred.Flavor);
        RpcAssert.SameSys(sys, cred.AsSys());
    }

    [Fact]
    public void Sixteen_groups_are_the_most_allowed_and_round_trip()
    {
        uint[] groups = Enumerable.Range(1, 16).Select(i => (uint)i * 11).ToArray();
        var sys = new AuthSysParameters(1, "m", 500, 500, groups);
        RpcAssert.SameSys(sys, OpaqueAuth.Sys(sys).AsSys());
    }

    [Fact]
    public void Encoding_seventeen_groups_throws()
    {
        var sys = new AuthSysParameters(1, "m", 500, 500, new uint[17]);
        Assert.Throws<ArgumentException>(() => OpaqueAuth.Sys(sys));
    }

    [Fact]
    public void A_body_declaring_seventeen_groups_is_not_a_credential()
    {
        byte[] body = XdrBytes.Concat(XdrBytes.Words(1, 1), "m\0\0\0"u8.ToArray(), XdrBytes.Words(2, 3, 17), new byte[17 * 4]);
        Assert.Null(new OpaqueAuth(AuthFlavor.Sys, body).AsSys());
        var r = new XdrReader(body);
        _ = AuthSysParameters.Decode(ref r);
        Assert.Equal(XdrError.LengthExceedsBound, r.Error);
    }

    public static TheoryData<string, byte[]> MalformedBodies => new()
    {
        { "empty", [] },
        { "cut inside the machine name", XdrBytes.Concat(XdrBytes.Words(1, 8), "ab"u8.ToArray()) },
        { "group count larger than the groups present", XdrBytes.Concat(XdrBytes.Words(1, 0, 2, 3, 4, 9)) },
        { "a trailing word after the groups", XdrBytes.Words(1, 0, 2, 3, 0, 99) },
        { "a machine name over 255 bytes", XdrBytes.Concat(XdrBytes.Words(1, 256), new byte[256], XdrBytes.Words(2, 3, 0)) },
        { "a machine name that is not UTF-8", XdrBytes.Concat(XdrBytes.Words(1, 2), [0xC3, 0x28, 0, 0], XdrBytes.Words(2, 3, 0)) },
        { "non-zero padding after the machine name", XdrBytes.Concat(XdrBytes.Words(1, 1), [(byte)'a', 1, 0, 0], XdrBytes.Words(2, 3, 0)) },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void A_malformed_body_gives_null_not_an_exception(string why, byte[] body)
    {
        Assert.False(string.IsNullOrEmpty(why));
        Assert.Null(new OpaqueAuth(AuthFlavor.Sys, body).AsSys());
    }

    [Fact]
    public void A_machine_name_of_exactly_255_bytes_is_accepted()
    {
        var sys = new AuthSysParameters(1, new string('n', 255), 2, 3, [4]);
        RpcAssert.SameSys(sys, OpaqueAuth.Sys(sys).AsSys());
    }

    [Fact]
    public void Another_flavor_is_not_auth_sys_even_with_a_valid_body()
    {
        OpaqueAuth sys = OpaqueAuth.Sys(new AuthSysParameters(1, "m", 2, 3, []));
        Assert.Null(new OpaqueAuth(AuthFlavor.None, sys.Body).AsSys());
        Assert.Null(OpaqueAuth.None.AsSys());
    }

    [Fact]
    public void A_call_context_exposes_the_auth_sys_credential_or_null()
    {
        var sys = new AuthSysParameters(1, "m", 1000, 1000, [10]);
        var endpoint = new FragNet.Stack.Ipv4Endpoint(new FragNet.Wire.Ipv4Address(10, 0, 0, 2), 800);
        var withSys = new RpcCallContext(new RpcCallHeader(1, 100003, 3, 0, OpaqueAuth.Sys(sys), OpaqueAuth.None), endpoint, Instant.Zero);
        var withNone = new RpcCallContext(new RpcCallHeader(1, 100003, 3, 0, OpaqueAuth.None, OpaqueAuth.None), endpoint, Instant.Zero);
        var malformed = new RpcCallContext(new RpcCallHeader(1, 100003, 3, 0, new OpaqueAuth(AuthFlavor.Sys, new byte[3]), OpaqueAuth.None), endpoint, Instant.Zero);
        RpcAssert.SameSys(sys, withSys.Sys);
        Assert.Null(withNone.Sys);
        Assert.Null(malformed.Sys);
    }
}
