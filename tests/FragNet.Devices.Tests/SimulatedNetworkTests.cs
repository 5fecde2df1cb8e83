using FragNet.Buffers;
using FragNet.Stack;
using FragNet.Wire;

namespace FragNet.Devices.Tests;

/// <summary>The simulated link and NIC model, and whole transfers over them.</summary>
public sealed class SimulatedNetworkTests
{
    [Theory]
    [InlineData(1UL, 0.0, 0.0, 0.0)]
    [InlineData(2UL, 0.02, 0.02, 0.01)]
    [InlineData(3UL, 0.05, 0.0, 0.0)]
    [InlineData(4UL, 0.0, 0.1, 0.05)]
    [InlineData(5UL, 0.1, 0.05, 0.05)]
    public void A_transfer_delivers_every_byte_intact_under_faults_and_leaks_nothing(ulong seed, double loss, double reorder, double duplicate)
    {
        TcpTransferReport r = TcpTransfer.Run(new TcpTransferOptions { Bytes = 400_000, Seed = seed, Loss = loss, Reorder = reorder, Duplicate = duplicate });
        Assert.True(r.Passed, $"{r.Error}; delivered {r.BytesDelivered}, intact {r.ChecksumMatch}, leaks p{r.LeakedPages} d{r.LeakedDestructors} b{r.LeakedBuffers}");
        if (loss > 0)
        {
            Assert.True(r.Retransmits > 0);
            Assert.True(r.FramesDropped > 0);
        }
    }

    [Theory]
    [InlineData(6UL)]
    [InlineData(7UL)]
    public void A_zero_copy_transfer_reuses_pages_only_after_their_destructors_ran(ulong seed)
    {
        // The sender refills a page as soon as its destructor runs; if the stack still referenced the page, the
        // receiver would see the new bytes inside the old stream and the checksum would not match.
        TcpTransferReport r = TcpTransfer.Run(new TcpTransferOptions { Bytes = 3_000_000, Seed = seed, ZeroCopy = true, Loss = 0.03, Duplicate = 0.01 });
        Assert.True(r.Passed, $"{r.Error}; intact {r.ChecksumMatch}, leaks p{r.LeakedPages} d{r.LeakedDestructors} b{r.LeakedBuffers}");
    }

    [Fact]
    public void The_talks_netoutage_delay_of_one_in_n_frames_is_survived()
    {
        TcpTransferReport r = TcpTransfer.Run(new TcpTransferOptions { Bytes = 300_000, Seed = 8, DelayOneIn = 50, Delay = Duration.FromSeconds(2) });
        Assert.True(r.Passed, r.Error);
        Assert.True(r.FramesDelayed > 0);
    }

    [Fact]
    public void A_nic_holds_a_lent_page_until_the_frame_has_left_the_wire()
    {
        var sim = new Simulator(1);
        using var pool = new PagePool(64);
        var cache = new SkbCache(pool);
        using var app = new UserBuffer(1);
        var link = new SimulatedLink(sim, new SimulatedLinkConfig { BitsPerSecond = 1_000_000, Propagation = Duration.FromMilliseconds(1) },
            ("a0", EthernetAddress.Parse("02:00:00:00:00:01"), cache, NetDeviceFeatures.ScatterGather),
            ("b0", EthernetAddress.Parse("02:00:00:00:00:02"), cache, NetDeviceFeatures.ScatterGather));
        Instant destroyedAt = Instant.MaxValue;
        var d = new FragDestructor(_ => destroyedAt = sim.Now);
        SkBuff frame = cache.Alloc(14);
        frame.Put(14).Fill(0xFF);
        frame.AppendFrag(app[0], 0, 1000, d);
        d.Release();
        link.A.Transmit(frame, sim.Now);
        Assert.Equal(1, link.A.Dma.Outstanding); // mapped for DMA
        Assert.Equal(Instant.MaxValue, destroyedAt);
        sim.RunUntilIdle(100);
        // 1014 bytes + 24 of preamble, FCS and gap at 1 Mbit/s: 8.304 ms on the wire.
        Assert.Equal(Instant.FromMicroseconds(8304), destroyedAt);
        Assert.Equal(0, link.A.Dma.Outstanding);
        Assert.Equal(1, link.B.RxFrames); // delivered (and dropped: no host attached) after propagation
        Assert.Equal(0, cache.Live);
        Assert.Equal(0, pool.Outstanding);
    }

    [Fact]
    public void A_full_tx_ring_drops_and_counts()
    {
        var sim = new Simulator(1);
        using var pool = new PagePool(16);
        var cache = new SkbCache(pool);
        var link = new SimulatedLink(sim, new SimulatedLinkConfig { TxRing = 2 },
            ("a0", EthernetAddress.Parse("02:00:00:00:00:01"), cache, NetDeviceFeatures.None),
            ("b0", EthernetAddress.Parse("02:00:00:00:00:02"), cache, NetDeviceFeatures.None));
        for (int i = 0; i < 5; i++)
        {
            SkBuff f = cache.Alloc(60);
            f.Put(60);
            link.A.Transmit(f, sim.Now);
        }

        Assert.Equal(3, link.A.RingDrops);
        Assert.Equal(2, link.A.TxQueued);
        link.Dispose();
        Assert.Equal(0, cache.Live);
        Assert.Equal(3, cache.Drops(DropReason.QueueFull));
    }

    [Fact]
    public void A_transfer_capture_is_read_by_tcpdump_and_tshark_and_filters_agree()
    {
        string dir = TestPaths.NewTempDirectory("transfer-capture");
        string file = Path.Combine(dir, "t.pcap");
        try
        {
            using (FileStream capture = File.Create(file))
            {
                TcpTransferReport r = TcpTransfer.Run(new TcpTransferOptions { Bytes = 200_000, Seed = 3, Loss = 0.02, Capture = capture });
                Assert.True(r.Passed, r.Error);
            }

            ExternalTool.Result tcpdump = ExternalTool.Run("tcpdump", "-nn", "-r", file, "tcp");
            Assert.Equal(0, tcpdump.ExitCode);
            Assert.Contains("Flags [S]", tcpdump.StandardOutput, StringComparison.Ordinal);
            ExternalTool.Result tshark = ExternalTool.Run("tshark", "-r", file, "-Y", "tcp.analysis.retransmission or _ws.malformed");
            Assert.Equal(0, tshark.ExitCode);
            Assert.DoesNotContain("Malformed", tshark.StandardOutput, StringComparison.Ordinal);
            foreach (string expr in new[] { "tcp[13] & 2 != 0", "tcp[tcpflags] & tcp-fin != 0", "tcp and len > 1000" })
            {
                var ours = new List<long>();
                using FileStream stream = File.OpenRead(file);
                using var reader = new PcapReader(stream);
                PacketFilter filter = PacketFilter.Compile(expr);
                while (reader.TryReadPacket(out PcapRecord rec))
                {
                    if (filter.Matches(rec.Data.Span, rec.OriginalLength))
                    {
                        ours.Add(rec.TimestampNanoseconds);
                    }
                }

                Assert.Equal(ExternalTool.TcpdumpMatches(file, expr), ours);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
