namespace FragNet.Nfs.Tests;

/// <summary>Where the shared fixtures are: beside the repository (the directory holding FragNet.slnx), in
/// <c>../shared/fixtures</c>; and fresh temporary directories for the disk backend.</summary>
internal static class NfsTestPaths
{
    public static string RepositoryRoot
    {
        get
        {
            for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "FragNet.slnx")))
                {
                    return dir.FullName;
                }
            }

            Assert.Fail($"no directory holding FragNet.slnx above {AppContext.BaseDirectory}");
            return string.Empty;
        }
    }

    /// <summary>The real libnfs → nfs-ganesha NFSv3 capture (see shared/fixtures/README.md).</summary>
    public static string NfsCapture
    {
        get
        {
            string file = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures", "libnfs-to-ganesha-nfsv3.pcap"));
            Assert.True(File.Exists(file), $"fixture {file} is missing (copy shared/ beside the repository)");
            return file;
        }
    }

    /// <summary>A fresh, empty directory; the caller deletes it.</summary>
    public static string NewTempDirectory(string purpose)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"fragnet-nfs-{Environment.ProcessId}-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
