namespace FragNet.Nfs.Protocol;

/// <summary><c>entryplus3</c> (RFC 1813 §3.3.17): one READDIRPLUS entry, with optional attributes and handle.</summary>
/// <param name="FileId">The entry's file id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Cookie">Where to resume after it.</param>
/// <param name="Attributes">Its attributes (<c>post_op_attr</c>), or null.</param>
/// <param name="Handle">Its handle (<c>post_op_fh3</c>), or null.</param>
public sealed record EntryPlus3(ulong FileId, string Name, ulong Cookie, Fattr3? Attributes, NfsFh3? Handle)
{
    /// <summary>Bytes this entry adds to the <c>dircount</c> budget: file id, name and cookie (RFC 1813 §3.3.17).</summary>
    public int DirectoryInfoLength => 8 + Nfs3Xdr.StringLength(Name) + 8;

    /// <summary>Encoded length inside a list, with the <c>value_follows</c> word before it.</summary>
    public int EncodedLength => 4 + DirectoryInfoLength
        + (Attributes is null ? 4 : Nfs3Constants.PostOpAttrLength)
        + 4 + (Handle?.EncodedLength ?? 0);
}
