using Xunit;
namespace FragNet.Testing;

/// <summary>Where the shared fixtures are: beside the repository (a directory holding FragNet.slnx), in
/// <c>../shared/fixtures</c>. CI clones the repository elsewhere with a copy of shared/ beside it. One source, linked
/// into every test project that reads fixtures or writes files (tests/Shared).</summary>
internal static class TestPaths
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

    public static string Fixtures
    {
        get
        {
            string dir = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures"));
            Assert.True(Directory.Exists(dir), $"the shared fixtures directory {dir} is missing (copy shared/ beside the repository)");
            return dir;
        }
    }

    /// <summary>The real libnfs ↔ nfs-ganesha NFSv3 capture (see shared/fixtures/README.md).</summary>
    public static string NfsCapture
    {
        get
        {
            string file = Path.Combine(Fixtures, "libnfs-to-ganesha-nfsv3.pcap");
            Assert.True(File.Exists(file), $"fixture {file} is missing");
            return file;
        }
    }

    /// <summary>A fresh directory for this test process's own files.</summary>
    public static string NewTempDirectory(string purpose)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"fragnet-tests-{Environment.ProcessId}-{purpose}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }
}
