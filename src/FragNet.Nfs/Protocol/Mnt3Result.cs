using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>mountres3</c> (RFC 1813 appendix I, §5.2.1): the root handle and the auth flavors the server accepts,
/// or just a status.</summary>
/// <param name="Status">MNT3_OK or the error.</param>
/// <param name="Handle">The exported directory's handle (success only).</param>
/// <param name="AuthFlavors">Flavors the server accepts, most preferred first (success only).</param>
public sealed record Mnt3Result(MountStatus3 Status, NfsFh3? Handle, IReadOnlyList<AuthFlavor> AuthFlavors) : INfsMessage<Mnt3Result>
{
    /// <summary>A failure.</summary>
    public static Mnt3Result Failure(MountStatus3 status) => new(status, null, []);

    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        w.WriteUInt32((uint)Status);
        if (Status != MountStatus3.Ok)
        {
            return;
        }

        (Handle ?? throw new InvalidOperationException("a successful MNT carries a handle")).Encode(w);
        w.WriteUInt32((uint)AuthFlavors.Count);
        foreach (AuthFlavor f in AuthFlavors)
        {
            w.WriteUInt32((uint)f);
        }
    }

    /// <inheritdoc/>
    public static Mnt3Result Decode(ref XdrReader reader)
    {
        var status = (MountStatus3)reader.ReadUInt32();
        if (status != MountStatus3.Ok)
        {
            return Failure(status);
        }

        var handle = new NfsFh3(reader.ReadOpaque(MountConstants.MaxHandleLength).Span);
        int n = reader.ReadCount(MountConstants.MaxAuthFlavors);
        var flavors = new AuthFlavor[n];
        for (int i = 0; i < n; i++)
        {
            flavors[i] = (AuthFlavor)reader.ReadUInt32();
        }

        return new Mnt3Result(status, handle, flavors);
    }
}
