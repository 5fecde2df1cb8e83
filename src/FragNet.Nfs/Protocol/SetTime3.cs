using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>set_atime</c> / <c>set_mtime</c> (RFC 1813 §2.6): a <see cref="TimeHow"/> and, for
/// <see cref="TimeHow.SetToClientTime"/> only, the time.</summary>
/// <param name="How">Whether and how to set the time.</param>
/// <param name="Time">The client's time (meaningful, and encoded, only for <see cref="TimeHow.SetToClientTime"/>).</param>
public readonly record struct SetTime3(TimeHow How, NfsTime3 Time)
{
    /// <summary>Leave the time alone.</summary>
    public static SetTime3 DontChange => default;

    /// <summary>Set the time to the server's clock.</summary>
    public static SetTime3 ServerTime => new(TimeHow.SetToServerTime, default);

    /// <summary>Set the time to <paramref name="time"/>.</summary>
    public static SetTime3 ClientTime(NfsTime3 time) => new(TimeHow.SetToClientTime, time);

    /// <summary>Encodes the discriminant and, for a client time, the time.</summary>
    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt32((uint)How);
        if (How == TimeHow.SetToClientTime)
        {
            Time.Encode(writer);
        }
    }

    /// <summary>Decodes it; a discriminant above 2 is <see cref="XdrError.BadDiscriminant"/>.</summary>
    public static SetTime3 Decode(ref XdrReader reader)
    {
        var how = (TimeHow)reader.ReadEnum((uint)TimeHow.SetToClientTime);
        return how == TimeHow.SetToClientTime ? new SetTime3(how, NfsTime3.Decode(ref reader)) : new SetTime3(how, default);
    }
}
