using System.Diagnostics.CodeAnalysis;

namespace FragNet.Wire;

/// <summary>
/// The TCP control bits of byte 13 of the header (RFC 9293 §3.1; ECE and CWR from RFC 3168 §6.1). The former NS bit
/// (RFC 3540, historic) and the reserved bits of byte 12 are ignored on receive and sent as zero.
/// </summary>
[Flags]
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "The name of RFC 9293, Linux (tcp_flag_byte) and tcpdump (\"Flags [S.]\").")]
public enum TcpFlags : byte
{
    /// <summary>No control bits.</summary>
    None = 0,

    /// <summary>No more data from sender.</summary>
    Fin = 0x01,

    /// <summary>Synchronize sequence numbers.</summary>
    Syn = 0x02,

    /// <summary>Reset the connection.</summary>
    Rst = 0x04,

    /// <summary>Push function.</summary>
    Psh = 0x08,

    /// <summary>Acknowledgment field is significant.</summary>
    Ack = 0x10,

    /// <summary>Urgent pointer field is significant.</summary>
    Urg = 0x20,

    /// <summary>ECN-Echo (RFC 3168).</summary>
    Ece = 0x40,

    /// <summary>Congestion Window Reduced (RFC 3168).</summary>
    Cwr = 0x80,
}
