using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary><c>specdata3</c> (RFC 1813 §2.6): the major and minor numbers of a device node.</summary>
/// <param name="Major">Major device number (<c>specdata1</c>).</param>
/// <param name="Minor">Minor device number (<c>specdata2</c>).</param>
public readonly record struct SpecData3(uint Major, uint Minor)
{
    /// <summary>Encodes the two words.</summary>
    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt32(Major);
        writer.WriteUInt32(Minor);
    }

    /// <summary>Decodes the two words.</summary>
    public static SpecData3 Decode(ref XdrReader reader) => new(reader.ReadUInt32(), reader.ReadUInt32());
}
