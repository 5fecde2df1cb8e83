namespace FragNet.Nfs.Protocol;

/// <summary>Program, version and size constants of NFS version 3 (RFC 1813 §2.2, §2.4).</summary>
public static class Nfs3Constants
{
    /// <summary>The NFS program number (RFC 1813 §2.2).</summary>
    public const uint Program = 100003;

    /// <summary>The protocol version these types describe.</summary>
    public const uint Version = 3;

    /// <summary>The well-known NFS port (RFC 1813 §2.2 suggests 2049).</summary>
    public const ushort Port = 2049;

    /// <summary><c>NFS3_FHSIZE</c>: the largest file handle, in bytes (RFC 1813 §2.4).</summary>
    public const int MaxHandleLength = 64;

    /// <summary>Largest <c>filename3</c> we accept. RFC 1813 leaves <c>filename3</c> unbounded; 255 bytes is what every
    /// Unix file system stores (<c>NAME_MAX</c>), and a bound keeps a hostile length from allocating.</summary>
    public const int MaxNameLength = 255;

    /// <summary>Largest <c>nfspath3</c> we accept (<c>PATH_MAX</c>; RFC 1813 leaves it unbounded too).</summary>
    public const int MaxPathLength = 1024;

    /// <summary><c>NFS3_COOKIEVERFSIZE</c>, <c>NFS3_CREATEVERFSIZE</c> and <c>NFS3_WRITEVERFSIZE</c>: all 8 bytes
    /// (RFC 1813 §2.4). We carry them as big-endian <see cref="ulong"/> values.</summary>
    public const int VerifierLength = 8;

    /// <summary>Most entries decoded from one READDIR/READDIRPLUS list. The wire has no bound (a linked list); each
    /// entry costs at least 24 bytes so the message length bounds it anyway, this only caps allocation.</summary>
    public const int MaxDirectoryEntries = 1 << 16;

    /// <summary>Encoded size of <c>fattr3</c>: 21 four-byte words (RFC 1813 §2.6).</summary>
    public const int Fattr3Length = 84;

    /// <summary>Encoded size of a present <c>post_op_attr</c>: the boolean and the attributes.</summary>
    public const int PostOpAttrLength = 4 + Fattr3Length;
}
