using FragNet.Devices;
using FragNet.Nfs.Repro;
using FragNet.SunRpc.Client;

namespace FragNet.Nfs.Tests;

/// <summary>
/// The talk's NFS write experiment (brief §3) as a specification: with the netoutage in place, zero-copy writes that
/// complete on the reply corrupt data on the wire for (nearly) every seed, and every other policy never does — the
/// destructor policy without copying a byte. Corruption is judged from the captured frames and the server's files.
/// </summary>
public sealed class NfsWriteExperimentTests
{
    private static readonly PageSendPolicy[] SafePolicies =
        [PageSendPolicy.Copy, PageSendPolicy.CopyOnRetransmit, PageSendPolicy.Destructor, PageSendPolicy.DestructorTimeout];

    private static NfsWriteReport Run(PageSendPolicy policy, ulong seed, int size = 65536, int delayOneIn = 8, Stream? capture = null)
    {
        NfsWriteReport r = NfsWriteExperiment.Run(new NfsWriteOptions { Policy = policy, Seed = seed, Size = size, DelayOneIn = delayOneIn, Capture = capture });
        Assert.True(r.Error is null, $"{policy} seed {seed}: {r.Error}");
        Assert.Equal(0, r.Leaks); // every page back, every buffer freed, every destructor run exactly once
        return r;
    }

    /// <summary>The lines real tcpdump prints for the packets of <paramref name="file"/> that match.</summary>
    private static string[] TcpdumpLines(string file, string expression)
    {
        ExternalTool.Result r = ExternalTool.Run("tcpdump", "-nn", "-r", file, "--", expression);
        Assert.True(r.ExitCode == 0, $"tcpdump rejected the expression:\n{r}");
        return r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public void Unsafe_zero_copy_corrupts_writes_on_the_wire_for_at_least_19_of_20_seeds()
    {
        int corrupted = 0;
        for (ulong seed = 1; seed <= 20; seed++)
        {
            NfsWriteReport r = Run(PageSendPolicy.Unsafe, seed);
            Assert.Equal(0, r.BytesCopied);
            Assert.True(r.RpcRetransmits > 0, $"seed {seed}: the outage must cause RPC retransmissions");
            corrupted += r.WireCorruptions > 0 ? 1 : 0;
        }

        Assert.True(corrupted >= 19, $"only {corrupted} of 20 seeds corrupted");
    }

    public static TheoryData<PageSendPolicy> Safe => new(SafePolicies);

    [Theory]
    [MemberData(nameof(Safe))]
    public void A_safe_policy_never_corrupts_the_wire_or_the_disk_for_seeds_1_to_20(PageSendPolicy policy)
    {
        for (ulong seed = 1; seed <= 20; seed++)
        {
            NfsWriteReport r = Run(policy, seed);
            Assert.True(r.WireCorruptions == 0, $"{policy} seed {seed}: {r.WireCorruptions} corrupted WRITEs on the wire");
            Assert.True(r.DiskCorruptions == 0, $"{policy} seed {seed}: {r.DiskCorruptions} bytes differ on disk");
            Assert.Equal(0, r.FilterMatches);
            Assert.Equal(16, r.Writes);
            // Not vacuous: the outage happened, the client retransmitted, and the audit saw every WRITE and more.
            Assert.True(r.Stalls > 0 && r.RpcRetransmits > 0, $"{policy} seed {seed}: {r.Stalls} stalls, {r.RpcRetransmits} RPC retransmits");
            Assert.True(r.WireWrites > r.Writes, $"{policy} seed {seed}: the audit saw {r.WireWrites} WRITE records for {r.Writes} WRITEs");
            if (policy == PageSendPolicy.Destructor)
            {
                Assert.Equal(0, r.BytesCopied); // the talk's fix needs no copy
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    [InlineData(4095)]
    [InlineData(4097)]
    [InlineData(49152)]
    [InlineData(1_048_577)] // over wsize: each write is two WRITE calls
    public void Safe_policies_hold_for_any_size(int size)
    {
        foreach (PageSendPolicy policy in SafePolicies)
        {
            if (policy == PageSendPolicy.CopyOnRetransmit && size > 256 * 1024)
            {
                // Not a complete fix, and the simulation shows where: with large writes the client keeps its connection
                // through major timeouts, and TCP retransmissions of the zero-copy first transmission that waited in
                // the ARP queue during the outage leave after the reply (see the closing notes of issue 5).
                continue;
            }

            NfsWriteReport r = Run(policy, 5, size);
            Assert.True(r.WireCorruptions == 0 && r.DiskCorruptions == 0, $"{policy} size {size}: wire {r.WireCorruptions}, disk {r.DiskCorruptions}");
        }
    }

    [Fact]
    public void Copy_copies_every_transmission_and_copy_on_retransmit_only_the_retransmissions()
    {
        NfsWriteReport copy = Run(PageSendPolicy.Copy, 2);
        NfsWriteReport onRetransmit = Run(PageSendPolicy.CopyOnRetransmit, 2);
        Assert.True(copy.BytesCopied >= 16L * 65536, $"copy copied {copy.BytesCopied}");
        Assert.True(onRetransmit.BytesCopied < copy.BytesCopied);
        // Only WRITE retransmissions carry pages (CREATE retransmissions count as RPC retransmits too).
        Assert.True(onRetransmit.BytesCopied > 0);
        Assert.Equal(0, onRetransmit.BytesCopied % 65536);
        Assert.True(onRetransmit.BytesCopied <= 65536L * onRetransmit.RpcRetransmits);
    }

    [Fact]
    public void Without_the_outage_even_unsafe_writes_are_intact()
    {
        NfsWriteReport r = Run(PageSendPolicy.Unsafe, 1, delayOneIn: 0);
        Assert.Equal(0, r.RpcRetransmits);
        Assert.Equal(0, r.WireCorruptions);
        Assert.Equal(0, r.DiskCorruptions);
        Assert.Equal(16, r.WireWrites);
    }

    [Fact]
    public void The_destructor_policy_waits_for_the_release_and_says_how_long()
    {
        NfsWriteReport unsafeRun = Run(PageSendPolicy.Unsafe, 3);
        NfsWriteReport destructor = Run(PageSendPolicy.Destructor, 3);
        Assert.Equal(0, unsafeRun.ReleaseWaitMs);
        Assert.True(destructor.ReleaseWaitMs > 0);
        Assert.True(destructor.P99Ms >= destructor.P50Ms);
    }

    [Fact]
    public void The_same_seed_gives_the_same_run()
    {
        NfsWriteReport a = Run(PageSendPolicy.Unsafe, 9);
        NfsWriteReport b = Run(PageSendPolicy.Unsafe, 9);
        Assert.Equal(a with { CorruptedFrames = [] }, b with { CorruptedFrames = [] });
        Assert.Equal(a.CorruptedFrames, b.CorruptedFrames);
    }

    [Fact]
    public void Tcpdump_with_the_printed_expression_shows_the_corrupted_writes_of_unsafe_and_nothing_of_destructor()
    {
        string dir = Directory.CreateTempSubdirectory("fragnet-repro-").FullName;
        try
        {
            string unsafePcap = Path.Combine(dir, "unsafe.pcap");
            string destructorPcap = Path.Combine(dir, "destructor.pcap");
            NfsWriteReport unsafeRun;
            NfsWriteReport destructor;
            using (FileStream f = File.Create(unsafePcap))
            {
                unsafeRun = Run(PageSendPolicy.Unsafe, 11, 49152, 13, f);
            }

            using (FileStream f = File.Create(destructorPcap))
            {
                destructor = Run(PageSendPolicy.Destructor, 11, 49152, 13, f);
            }

            string[] shown = TcpdumpLines(unsafePcap, unsafeRun.TcpdumpFilter);
            Assert.NotEmpty(shown);
            Assert.Equal(unsafeRun.FilterMatches, shown.Length);
            Assert.All(shown, line => Assert.Contains("write", line, StringComparison.Ordinal));
            Assert.Empty(TcpdumpLines(destructorPcap, destructor.TcpdumpFilter));

            // Every frame the expression selects carries bytes of a WRITE the audit found corrupted.
            var filter = PacketFilter.Compile(unsafeRun.TcpdumpFilter);
            using FileStream read = File.OpenRead(unsafePcap);
            IReadOnlyList<PcapRecord> frames = PcapReader.ReadAll(read);
            for (int i = 0; i < frames.Count; i++)
            {
                if (filter.Matches(frames[i].Data.Span))
                {
                    Assert.Contains(i + 1, unsafeRun.CorruptedFrames);
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
