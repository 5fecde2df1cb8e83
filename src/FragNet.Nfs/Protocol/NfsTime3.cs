using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>nfstime3</c> (RFC 1813 §2.6): seconds and nanoseconds since midnight 1 January 1970 UTC.</summary>
/// <param name="Seconds">Whole seconds.</param>
/// <param name="Nanoseconds">Nanoseconds within the second (a well-formed value is below 10⁹; decoding keeps what
/// was sent).</param>
public readonly record struct NfsTime3(uint Seconds, uint Nanoseconds)
{
    /// <summary>The time <paramref name="now"/> names, taking virtual time zero as the Unix epoch (as pcap files do).
    /// Times before the epoch or after 2106 wrap, as a 32-bit seconds field must.</summary>
    public static NfsTime3 FromInstant(Instant now)
    {
        long us = now.TotalMicroseconds;
        long seconds = Math.DivRem(us, 1_000_000, out long rem);
        if (rem < 0)
        {
            seconds--;
            rem += 1_000_000;
        }

        return new NfsTime3(unchecked((uint)seconds), (uint)(rem * 1000));
    }

    /// <summary>Encodes the two words.</summary>
    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt32(Seconds);
        writer.WriteUInt32(Nanoseconds);
    }

    /// <summary>Decodes the two words.</summary>
    public static NfsTime3 Decode(ref XdrReader reader) => new(reader.ReadUInt32(), reader.ReadUInt32());

    /// <inheritdoc/>
    public override string ToString() => $"{Seconds}.{Nanoseconds:D9}";
}
