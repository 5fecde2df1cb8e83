namespace FragNet.Devices;

/// <summary>
/// Constants of the classic libpcap capture file format (<c>pcap-savefile(5)</c>; IETF draft-ietf-opsawg-pcap).
/// </summary>
/// <remarks>
/// <code>
///  file header, 24 bytes           record header, 16 bytes, then incl_len bytes of the frame
///  u32 magic                       u32 ts_sec     seconds since the Unix epoch
///  u16 version_major (2)           u32 ts_frac    microseconds (magic a1b2c3d4) or nanoseconds (a1b23c4d)
///  u16 version_minor (4)           u32 incl_len   bytes captured and stored (≤ snaplen)
///  i32 thiszone (0), u32 sigfigs   u32 orig_len   bytes the frame had on the wire
///  u32 snaplen, u32 linktype
/// </code>
/// Every field is in the byte order of the writer; a reader tells it from how the magic number reads.
/// </remarks>
public static class PcapFormat
{
    /// <summary>Magic of a file whose record timestamps carry microseconds.</summary>
    public const uint MagicMicroseconds = 0xA1B2C3D4;

    /// <summary>Magic of a file whose record timestamps carry nanoseconds (what <see cref="PcapWriter"/> writes).</summary>
    public const uint MagicNanoseconds = 0xA1B23C4D;

    /// <summary>The format's major version; libpcap reads nothing else.</summary>
    public const ushort VersionMajor = 2;

    /// <summary>The format's minor version.</summary>
    public const ushort VersionMinor = 4;

    /// <summary><c>LINKTYPE_ETHERNET</c> (<c>DLT_EN10MB</c>): every record is an Ethernet II / 802.3 frame without FCS.</summary>
    public const uint LinkTypeEthernet = 1;

    /// <summary>libpcap's <c>MAXIMUM_SNAPLEN</c>: the default snapshot length, and the largest record a reader accepts
    /// for Ethernet (a larger <c>incl_len</c> is a corrupt header, not a big packet).</summary>
    public const int MaxSnapLength = 262144;

    /// <summary>Size of the file header.</summary>
    public const int FileHeaderLength = 24;

    /// <summary>Size of each record header.</summary>
    public const int RecordHeaderLength = 16;
}
