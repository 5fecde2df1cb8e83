using System.Globalization;

namespace FragNet.Nfs.Client;

/// <summary>
/// An NFS URL as libnfs writes them: <c>nfs://HOST[:PORT]/PATH[?nfsport=N&amp;mountport=M]</c>. The path holds the
/// export and the file below it (which part is which, the server's export list decides). Without ports the
/// portmapper on HOST is asked.
/// </summary>
/// <param name="Host">The server's IPv4 address, as written.</param>
/// <param name="Path">The absolute path: export and file, '/'-separated, without a trailing '/'.</param>
/// <param name="NfsPort">The NFS port, or null to ask the portmapper.</param>
/// <param name="MountPort">The MOUNT port, or null to ask the portmapper.</param>
public sealed record NfsUrl(string Host, string Path, ushort? NfsPort, ushort? MountPort)
{
    /// <summary>Query parameters understood here (libnfs's names).</summary>
    public static readonly IReadOnlyList<string> Parameters = ["nfsport", "mountport"];

    /// <summary>Parses <paramref name="text"/>; false with a message that says what is wrong.</summary>
    public static bool TryParse(string text, out NfsUrl url, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        url = new NfsUrl(string.Empty, "/", null, null);
        const string scheme = "nfs://";
        if (!text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{text}' is not an NFS URL: it must start with nfs://";
            return false;
        }

        string rest = text[scheme.Length..];
        string query = string.Empty;
        int q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        int slash = rest.IndexOf('/', StringComparison.Ordinal);
        string authority = slash < 0 ? rest : rest[..slash];
        string path = slash < 0 ? "/" : rest[slash..];
        if (authority.Length == 0)
        {
            error = $"'{text}' names no server (nfs://HOST/PATH)";
            return false;
        }

        ushort? nfsPort = null;
        int colon = authority.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!TryPort(authority[(colon + 1)..], out ushort p))
            {
                error = $"'{authority[(colon + 1)..]}' in '{text}' is not a port (1..65535)";
                return false;
            }

            nfsPort = p;
            authority = authority[..colon];
        }

        ushort? mountPort = null;
        foreach (string pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string name = eq < 0 ? pair : pair[..eq];
            string value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            switch (name.ToLowerInvariant())
            {
                case "nfsport" when TryPort(value, out ushort np):
                    nfsPort = np;
                    break;
                case "mountport" when TryPort(value, out ushort mp):
                    mountPort = mp;
                    break;
                case "nfsport" or "mountport":
                    error = $"{name}={value} in '{text}' is not a port (1..65535)";
                    return false;
                default:
                    error = $"'{name}' in '{text}' is not a supported URL parameter (supported: {string.Join(", ", Parameters)})";
                    return false;
            }
        }

        string normalized = Normalize(Uri.UnescapeDataString(path), out string? pathError);
        if (pathError is not null)
        {
            error = $"{pathError} in '{text}'";
            return false;
        }

        url = new NfsUrl(authority, normalized, nfsPort, mountPort);
        error = string.Empty;
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/> with the reason.</summary>
    public static NfsUrl Parse(string text) => TryParse(text, out NfsUrl url, out string error) ? url : throw new FormatException(error);

    /// <summary>The path's components.</summary>
    public IReadOnlyList<string> Components => Path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString()
    {
        string query = (NfsPort, MountPort) switch
        {
            (null, null) => string.Empty,
            (ushort n, null) => $"?nfsport={n}",
            (null, ushort m) => $"?mountport={m}",
            (ushort n, ushort m) => $"?nfsport={n}&mountport={m}",
        };
        return $"nfs://{Host}{Path}{query}";
    }

    private static bool TryPort(string s, out ushort port) =>
        ushort.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port != 0;

    /// <summary>Collapses repeated '/', drops '.' and a trailing '/'; refuses '..' (a URL names a place, it does not
    /// climb out of one) and NUL.</summary>
    private static string Normalize(string path, out string? error)
    {
        error = null;
        var parts = new List<string>();
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == ".." || part.Contains('\0', StringComparison.Ordinal))
            {
                error = $"the path component '{part.Replace("\0", "\\0", StringComparison.Ordinal)}' is not allowed";
                return "/";
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }
}
