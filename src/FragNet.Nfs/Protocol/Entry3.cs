namespace FragNet.Nfs.Protocol;

/// <summary><c>entry3</c> (RFC 1813 §3.3.16): one READDIR entry.</summary>
/// <param name="FileId">The entry's file id.</param>
/// <param name="Name">Its name.</param>
/// <param name="Cookie">Where to resume after it.</param>
public sealed record Entry3(ulong FileId, string Name, ulong Cookie)
{
    /// <summary>Encoded length inside a list, with the <c>value_follows</c> word before it.</summary>
    public int EncodedLength => 4 + 8 + Nfs3Xdr.StringLength(Name) + 8;
}
