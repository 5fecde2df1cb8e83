using FragNet.Nfs.Protocol;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Tests;

/// <summary>XDR <c>void</c>: the arguments of DUMP, EXPORT and friends.</summary>
internal readonly struct Void : INfsMessage<Void>
{
    public void Encode(XdrBuf buffer)
    {
    }

    public static Void Decode(ref XdrReader reader) => default;
}
