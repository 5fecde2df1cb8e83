using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>SETATTR3args</c> (RFC 1813 §3.3.2): change attributes, optionally only if the ctime still matches.</summary>
/// <param name="Handle">The object to change.</param>
/// <param name="NewAttributes">What to set.</param>
/// <param name="GuardCtime">The <c>sattrguard3</c>: if not null, the server refuses with NFS3ERR_NOT_SYNC unless the
/// object's ctime equals it.</param>
public sealed record SetAttr3Args(NfsFh3 Handle, Sattr3 NewAttributes, NfsTime3? GuardCtime) : INfsMessage<SetAttr3Args>
{
    /// <inheritdoc/>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        XdrWriter w = buffer.Current;
        Handle.Encode(w);
        NewAttributes.Encode(w);
        w.WriteBool(GuardCtime.HasValue);
        GuardCtime?.Encode(w);
    }

    /// <inheritdoc/>
    public static SetAttr3Args Decode(ref XdrReader reader)
    {
        NfsFh3 obj = NfsFh3.Decode(ref reader);
        Sattr3 attrs = Sattr3.Decode(ref reader);
        NfsTime3? guard = reader.ReadBool() ? NfsTime3.Decode(ref reader) : null;
        return new SetAttr3Args(obj, attrs, guard);
    }
}
