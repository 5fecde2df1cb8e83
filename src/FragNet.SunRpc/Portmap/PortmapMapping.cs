using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Portmap;

/// <summary>
/// <c>struct mapping</c> (RFC 1833 §3): a service's program, version, transport protocol and port. It is the argument
/// of SET, UNSET and GETPORT and the element of DUMP's list.
/// </summary>
/// <param name="Program">The RPC program number (<c>prog</c>).</param>
/// <param name="Version">The program's version (<c>vers</c>).</param>
/// <param name="Protocol">The IP protocol number (<c>prot</c>): <see cref="PortmapConstants.ProtocolTcp"/> or
/// <see cref="PortmapConstants.ProtocolUdp"/>; other values are carried as they are.</param>
/// <param name="Port">The port the service listens on (<c>port</c>; an XDR unsigned int on the wire).</param>
public readonly record struct PortmapMapping(uint Program, uint Version, uint Protocol, uint Port)
{
    /// <summary>Encoded length: four unsigned ints.</summary>
    public const int EncodedLength = 16;

    /// <summary>Writes the four fields in RFC order.</summary>
    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt32(Program);
        writer.WriteUInt32(Version);
        writer.WriteUInt32(Protocol);
        writer.WriteUInt32(Port);
    }

    /// <summary>Writes the four fields where <paramref name="buffer"/>'s plain writes go now.</summary>
    public void Encode(XdrBuf buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        Encode(buffer.Current);
    }

    /// <summary>Reads the four fields. Never throws: on short input the reader fails with
    /// <see cref="XdrError.Truncated"/> and the result is meaningless; check <see cref="XdrReader.IsValid"/>.</summary>
    public static PortmapMapping Decode(ref XdrReader reader)
    {
        uint program = reader.ReadUInt32();
        uint version = reader.ReadUInt32();
        uint protocol = reader.ReadUInt32();
        uint port = reader.ReadUInt32();
        return new PortmapMapping(program, version, protocol, port);
    }

    public override string ToString() => $"{Program} v{Version} {ProtocolName(Protocol)} port {Port}";

    private static string ProtocolName(uint protocol) => protocol switch
    {
        PortmapConstants.ProtocolTcp => "tcp",
        PortmapConstants.ProtocolUdp => "udp",
        _ => $"proto {protocol}",
    };
}
