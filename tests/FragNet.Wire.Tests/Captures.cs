namespace FragNet.Wire.Tests;

/// <summary>
/// The real captures the tests read. The shared fixture lives beside the repository (<c>../shared/fixtures</c>, next
/// to the directory holding <c>FragNet.slnx</c>), found by walking up from the test binaries; CI clones the repository
/// elsewhere with a copy of <c>shared/</c> beside it. A missing fixture fails the tests: they never skip.
/// </summary>
public static class Captures
{
    private static readonly Lazy<IReadOnlyList<PcapRecord>> LibnfsToGaneshaLazy =
        new(() => Pcap.Read(File.ReadAllBytes(SharedFixture("libnfs-to-ganesha-nfsv3.pcap"))));

    private static readonly Lazy<IReadOnlyList<PcapRecord>> KernelLazy =
        new(() => Pcap.Read(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "kernel-arp-icmp-udp.pcap"))));

    /// <summary>libnfs → nfs-ganesha NFSv3 over TCP: 130 Ethernet/IPv4/TCP frames (shared/fixtures/README.md).</summary>
    public static IReadOnlyList<PcapRecord> LibnfsToGanesha => LibnfsToGaneshaLazy.Value;

    /// <summary>Kernel ARP, ICMP, UDP, options and fragments (Fixtures/README.md in this project).</summary>
    public static IReadOnlyList<PcapRecord> Kernel => KernelLazy.Value;

    /// <summary>Frame <paramref name="index"/> (1-based, as tcpdump numbers them) of the kernel capture.</summary>
    public static byte[] KernelFrame(int index) => Kernel[index - 1].Data;

    /// <summary>The path of a file in <c>shared/fixtures</c>; throws if the repository root or the file is not found.</summary>
    public static string SharedFixture(string name)
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FragNet.slnx")))
            {
                string path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", name));
                return File.Exists(path)
                    ? path
                    : throw new FileNotFoundException($"fixture not found beside the repository at {dir.FullName}", path);
            }
        }

        throw new DirectoryNotFoundException($"no directory holding FragNet.slnx above {AppContext.BaseDirectory}");
    }
}
