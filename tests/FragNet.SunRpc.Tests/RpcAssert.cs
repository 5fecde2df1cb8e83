using FragNet.SunRpc.Rpc;

namespace FragNet.SunRpc.Tests;

/// <summary>Equality of decoded RPC headers by value. The record structs' own equality compares an
/// <see cref="OpaqueAuth.Body"/> as a memory reference (a decoded body is a slice of the input, an encoded one is not),
/// so tests compare the bytes.</summary>
internal static class RpcAssert
{
    public static void SameAuth(OpaqueAuth expected, OpaqueAuth actual)
    {
        Assert.Equal(expected.Flavor, actual.Flavor);
        Assert.Equal(expected.Body.ToArray(), actual.Body.ToArray());
    }

    public static void SameCall(RpcCallHeader expected, RpcCallHeader actual)
    {
        Assert.Equal(expected.Xid, actual.Xid);
        Assert.Equal(expected.Program, actual.Program);
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Procedure, actual.Procedure);
        SameAuth(expected.Credential, actual.Credential);
        SameAuth(expected.Verifier, actual.Verifier);
    }

    public static void SameReply(RpcReplyHeader expected, RpcReplyHeader actual)
    {
        SameAuth(expected.Verifier, actual.Verifier);
        Assert.Equal(expected with { Verifier = OpaqueAuth.None }, actual with { Verifier = OpaqueAuth.None });
    }

    public static void SameSys(AuthSysParameters expected, AuthSysParameters? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Stamp, actual.Stamp);
        Assert.Equal(expected.MachineName, actual.MachineName);
        Assert.Equal(expected.Uid, actual.Uid);
        Assert.Equal(expected.Gid, actual.Gid);
        Assert.Equal(expected.Gids, actual.Gids);
    }
}
