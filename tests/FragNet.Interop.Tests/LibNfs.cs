namespace FragNet.Interop.Tests;

/// <summary>libnfs's command-line tools (<c>nfs-cp</c>, <c>nfs-cat</c>, <c>nfs-ls</c>), run inside a namespace.</summary>
internal static class LibNfs
{
    /// <summary>A libnfs URL with the ports given, so no portmapper is needed.</summary>
    public static string Url(string host, string path) => $"nfs://{host}{path}?nfsport=2049&mountport=20048";

    /// <summary>The file's bytes as <c>nfs-cat</c> prints them.</summary>
    public static byte[] Cat(NetworkNamespace ns, string url)
    {
        string local = Path.Combine(Path.GetTempPath(), $"fragnet-nfscat-{Guid.NewGuid():N}");
        try
        {
            ExternalTool.Result r = ns.Exec("sh", "-c", $"nfs-cat '{url}' > '{local}'");
            Assert.True(r.ExitCode == 0, $"nfs-cat {url}:\n{r}");
            return File.ReadAllBytes(local);
        }
        finally
        {
            File.Delete(local);
        }
    }

    /// <summary>Copies a local file to an NFS URL with <c>nfs-cp</c>.</summary>
    public static void CopyTo(NetworkNamespace ns, string local, string url)
    {
        ExternalTool.Result r = ns.Exec("nfs-cp", local, url);
        Assert.True(r.ExitCode == 0, $"nfs-cp {local} {url}:\n{r}");
    }

    /// <summary><c>nfs-ls</c>'s listing.</summary>
    public static string List(NetworkNamespace ns, string url)
    {
        ExternalTool.Result r = ns.Exec("nfs-ls", url);
        Assert.True(r.ExitCode == 0, $"nfs-ls {url}:\n{r}");
        return r.StandardOutput;
    }
}
