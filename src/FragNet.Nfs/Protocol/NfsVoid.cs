using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary>XDR <c>void</c>: the arguments or results of procedures that carry none (NULL, MOUNT UMNT and UMNTALL
/// results).</summary>
public sealed class NfsVoid : INfsMessage<NfsVoid>
{
    /// <summary>The one value.</summary>
    public static NfsVoid Value { get; } = new();

    private NfsVoid()
    {
    }

    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
    }

    /// <inheritdoc/>
    public static NfsVoid Decode(ref XdrReader reader) => Value;
}
