using FragNet.Nfs.Protocol;

namespace FragNet.Nfs.Server;

/// <summary>
/// Which names a client may use. RFC 1813 §3.3 ("General comments on filenames") leaves the character set to the
/// server; a Unix server cannot store '/' or NUL in a name, and "." and ".." name the directory and its parent, so
/// they can be looked up but never created, removed or renamed.
/// </summary>
internal static class NameRules
{
    /// <summary>True for "." and "..".</summary>
    public static bool IsDotName(string name) => name is "." or "..";

    /// <summary>Status for a name used to look something up: NFS3ERR_ACCES for characters a Unix name cannot hold
    /// (as Linux answers) and for the empty name; OK otherwise (including "." and "..", which the server resolves).</summary>
    public static Nfs3Status CheckLookupName(string name) =>
        name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal)
            ? Nfs3Status.Acces
            : Nfs3Status.Ok;

    /// <summary>Status for a name to be created, removed or renamed: as <see cref="CheckLookupName"/>, and
    /// NFS3ERR_INVAL for "." and "..".</summary>
    public static Nfs3Status CheckEntryName(string name)
    {
        Nfs3Status s = CheckLookupName(name);
        if (s != Nfs3Status.Ok)
        {
            return s;
        }

        return IsDotName(name) ? Nfs3Status.Inval : Nfs3Status.Ok;
    }

    /// <summary>Status for a symlink's text: refused (NFS3ERR_ACCES) if absolute or holding NUL, so no link the
    /// server makes can point outside the export by itself; empty is NFS3ERR_INVAL.</summary>
    public static Nfs3Status CheckSymlinkTarget(string target)
    {
        if (target.Length == 0)
        {
            return Nfs3Status.Inval;
        }

        return target[0] == '/' || target[0] == '\\' || target.Contains('\0', StringComparison.Ordinal)
            || (target.Length >= 2 && target[1] == ':') // a Windows drive path is absolute too
            ? Nfs3Status.Acces
            : Nfs3Status.Ok;
    }
}
