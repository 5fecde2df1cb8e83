using System.Buffers.Binary;
using System.Globalization;
using CsCheck;
using FragNet.Buffers;

namespace FragNet.Devices.Tests;

public sealed class PcapTests
{
    private static readonly Instant T0 = Instant.FromSeconds(1_700_000_000.123456);

    private static byte[] WriteCapture(Action<PcapWriter> write, int snapLength = PcapFormat.MaxSnapLength)
    {
        var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, leaveOpen: true, snapLength))
        {
            write(writer);
        }

        return stream.ToArray();
    }

    private static IReadOnlyList<PcapRecord> Read(byte[] file) => PcapReader.ReadAll(new MemoryStream(file));

    // ---- Writing and reading back. ----

    [Fact]
    public void The_file_header_is_nanosecond_pcap_2_4_ethernet_with_snaplen_262144()
    {
        byte[] file = WriteCapture(_ => { });
        Assert.Equal(
            Convert.FromHexString("4d3cb2a1" + "02000400" + "00000000" + "00000000" + "00000400" + "01000000"),
            file);
        using var reader = new PcapReader(new MemoryStream(file));
        Assert.True(reader.IsNanosecond);
        Assert.False(reader.IsBigEndian);
        Assert.Equal((2, 4), (reader.VersionMajor, reader.VersionMinor));
        Assert.Equal(262144u, reader.SnapLength);
        Assert.Equal(PcapFormat.LinkTypeEthernet, reader.LinkType);
        Assert.False(reader.TryReadPacket(out _));
    }

    [Fact]
    public void Frames_written_are_read_back_with_their_bytes_timestamps_and_lengths()
    {
        var rng = new Random(7);
        var frames = Enumerable.Range(0, 50).Select(i =>
        {
            byte[] b = new byte[i == 0 ? 0 : rng.Next(1, 1600)];
            rng.NextBytes(b);
            return (At: T0 + Duration.FromMicroseconds(i * 1_000_003L), Bytes: b);
        }).ToList();
        byte[] file = WriteCapture(w =>
        {
            foreach ((Instant at, byte[] bytes) in frames)
            {
                w.WritePacket(at, bytes);
            }

            Assert.Equal(50, w.PacketCount);
            Assert.Equal(24 + (50 * 16) + frames.Sum(f => f.Bytes.Length), w.BytesWritten);
        });

        IReadOnlyList<PcapRecord> records = Read(file);
        Assert.Equal(frames.Count, records.Count);
        long offset = 24;
        for (int i = 0; i < frames.Count; i++)
        {
            PcapRecord r = records[i];
            Assert.Equal(i + 1, r.Number);
            Assert.Equal(offset, r.Offset);
            Assert.Equal(frames[i].At, r.Timestamp);
            Assert.Equal(frames[i].At.TotalMicroseconds * 1000, r.TimestampNanoseconds);
            Assert.Equal(frames[i].Bytes.Length, r.OriginalLength);
            Assert.False(r.IsTruncated);
            Assert.Equal(frames[i].Bytes, r.Data.ToArray());
            offset += 16 + frames[i].Bytes.Length;
        }

        Assert.Equal(file.Length, offset);
    }

    [Fact]
    public void Frames_longer_than_the_snap_length_are_truncated_and_keep_their_wire_length()
    {
        byte[] frame = Frames.Fill(1514, 0xAB);
        byte[] file = WriteCapture(w => w.WritePacket(T0, frame), snapLength: 96);
        PcapRecord r = Assert.Single(Read(file));
        Assert.Equal(96, r.CapturedLength);
        Assert.Equal(1514, r.OriginalLength);
        Assert.True(r.IsTruncated);
        Assert.Equal(96u, new PcapReader(new MemoryStream(file)).SnapLength);
    }

    [Fact]
    public void A_frame_already_cut_short_is_written_with_its_wire_length()
    {
        byte[] file = WriteCapture(w => w.WritePacket(T0, Frames.Fill(60, 1), originalLength: 9000));
        PcapRecord r = Assert.Single(Read(file));
        Assert.Equal((60, 9000), (r.CapturedLength, r.OriginalLength));
        Assert.Throws<ArgumentOutOfRangeException>(() => WriteCapture(w => w.WritePacket(T0, Frames.Fill(60, 1), 59)));
    }

    [Fact]
    public void An_skbuff_is_written_piece_by_piece_with_the_same_bytes_as_a_flat_frame()
    {
        using var pool = new PagePool(16, "pcap-test");
        var cache = new SkbCache(pool, "pcap-test");
        using var lender = new UserBuffer(2, "pcap-lender");
        byte[] expected = new byte[64 + 3000 + 500 + 200];
        new Random(3).NextBytes(expected);

        SkBuff skb = cache.Alloc(128);
        skb.Reserve(32);
        expected.AsSpan(0, 64).CopyTo(skb.Put(64));
        expected.AsSpan(64, 3000).CopyTo(lender[0].Span[100..]);
        skb.AppendFrag(lender[0], 100, 3000);
        expected.AsSpan(3064, 500).CopyTo(lender[1].Span[7..]);
        skb.AppendFrag(lender[1], 7, 500);
        SkBuff member = cache.Alloc(256);
        expected.AsSpan(3564, 200).CopyTo(member.Put(200));
        skb.AppendToFragList(member);
        Assert.Equal(expected.Length, skb.Len);

        byte[] file = WriteCapture(w =>
        {
            w.WritePacket(T0, skb);
            w.WritePacket(T0 + Duration.FromMicroseconds(1), expected);
        });
        skb.Consume();

        IReadOnlyList<PcapRecord> records = Read(file);
        Assert.Equal(2, records.Count);
        Assert.Equal(expected, records[0].Data.ToArray());
        Assert.Equal(expected.Length, records[0].OriginalLength);
        Assert.Equal(file.AsSpan(24 + 16, expected.Length).ToArray(), file.AsSpan(24 + 16 + expected.Length + 16).ToArray());
        Assert.Equal(0, cache.Live);
    }

    [Fact]
    public void Timestamps_before_the_epoch_or_past_2106_are_refused_before_anything_is_written()
    {
        var stream = new MemoryStream();
        using var w = new PcapWriter(stream, leaveOpen: true);
        Assert.Throws<ArgumentOutOfRangeException>(() => w.WritePacket(Instant.FromMicroseconds(-1), [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            w.WritePacket(Instant.FromMicroseconds((uint.MaxValue + 1L) * 1_000_000), [1]));
        Assert.Equal(24, stream.Length);
        w.WritePacket(Instant.FromMicroseconds((uint.MaxValue * 1_000_000L) + 999_999), [1]);
        PcapRecord r = Assert.Single(Read(stream.ToArray()));
        Assert.Equal((uint.MaxValue * 1_000_000_000L) + 999_999_000, r.TimestampNanoseconds);
    }

    [Fact]
    public void Dispose_flushes_and_closes_the_stream_unless_asked_to_leave_it_open()
    {
        var owned = new MemoryStream();
        var w = new PcapWriter(owned);
        w.WritePacket(T0, [1, 2, 3]);
        w.Dispose();
        w.Dispose();
        Assert.False(owned.CanWrite);
        Assert.Throws<ObjectDisposedException>(() => w.WritePacket(T0, [1]));
        Assert.Throws<ObjectDisposedException>(() => w.Flush());

        var kept = new MemoryStream();
        using (var w2 = new PcapWriter(kept, leaveOpen: true))
        {
            w2.WritePacket(T0, [1, 2, 3]);
            w2.Flush();
            Assert.Equal(24 + 16 + 3, kept.Length);
        }

        Assert.True(kept.CanWrite);
        Assert.Throws<ArgumentException>(() => new PcapWriter(new MemoryStream([], writable: false)));
    }

    // ---- Reading other writers' files: both magics, both byte orders. ----

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Microsecond_and_nanosecond_files_in_either_byte_order_are_read(bool nanoseconds, bool bigEndian)
    {
        byte[] file = new byte[24 + 16 + 4];
        void U32(int at, uint v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(file.AsSpan(at), v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(at), v);
            }
        }

        void U16(int at, ushort v)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(file.AsSpan(at), v);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(at), v);
            }
        }

        U32(0, nanoseconds ? PcapFormat.MagicNanoseconds : PcapFormat.MagicMicroseconds);
        U16(4, 2);
        U16(6, 4);
        U32(16, 65535);
        U32(20, 1);
        U32(24, 1_600_000_000);
        U32(28, nanoseconds ? 123_456_789u : 123_456u);
        U32(32, 4);
        U32(36, 60);
        file[40] = 0xde;
        file[43] = 0xef;

        using var reader = new PcapReader(new MemoryStream(file));
        Assert.Equal(nanoseconds, reader.IsNanosecond);
        Assert.Equal(bigEndian, reader.IsBigEndian);
        Assert.Equal(65535u, reader.SnapLength);
        Assert.True(reader.TryReadPacket(out PcapRecord r));
        Assert.Equal(nanoseconds ? 1_600_000_000_123_456_789L : 1_600_000_000_123_456_000L, r.TimestampNanoseconds);
        Assert.Equal(Instant.FromMicroseconds(1_600_000_000_123_456L), r.Timestamp);
        Assert.Equal(60, r.OriginalLength);
        Assert.Equal(new byte[] { 0xde, 0, 0, 0xef }, r.Data.ToArray());
        Assert.False(reader.TryReadPacket(out _));
    }

    // ---- Damaged files: an exception naming the offset, never a hang or a crash. ----

    private static byte[] ValidFile() => WriteCapture(w =>
    {
        w.WritePacket(T0, Frames.Fill(60, 1));
        w.WritePacket(T0, Frames.Fill(100, 2));
    });

    public static TheoryData<string, string, long> Damaged
    {
        get
        {
            byte[] valid = ValidFile();
            byte[] Patch(int at, uint value)
            {
                byte[] copy = (byte[])valid.Clone();
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), value);
                return copy;
            }

            return new TheoryData<string, string, long>
            {
                { string.Empty, "truncated pcap file header at offset 0: 0 of 24 bytes", 0 },
                { Convert.ToHexString(valid.AsSpan(0, 10)), "truncated pcap file header at offset 0: 10 of 24", 0 },
                { Convert.ToHexString(Patch(0, 0x12345678)), "unknown magic 0x12345678 at offset 0", 0 },
                { Convert.ToHexString(Patch(0, 0x0A0D0D0A)), "pcapng", 0 },
                { Convert.ToHexString(Patch(4, 0x00040003)), "unsupported pcap version 3.4 at offset 4", 4 },
                { Convert.ToHexString(valid.AsSpan(0, 24 + 16 + 60 + 7)), "truncated record header of record 2 at offset 100: 7 of 16", 100 },
                { Convert.ToHexString(valid.AsSpan(0, 24 + 16 + 30)), "truncated packet data of record 1 at offset 40: 30 of 60", 40 },
                { Convert.ToHexString(Patch(24 + 8, 262145)), "record 1 at offset 24: captured length 262145 exceeds the maximum 262144", 24 },
                { Convert.ToHexString(Patch(24 + 16 + 60 + 8, 0xFFFFFFF0)), "record 2 at offset 100: captured length 4294967280", 100 },
                { Convert.ToHexString(Patch(24 + 4, 1_000_000_000)), "record 1 at offset 24: timestamp fraction 1000000000 is not below 1000000000", 24 },
                { Convert.ToHexString(Patch(24 + 12, 0x80000000)), "record 1 at offset 24: original length 2147483648 is impossible", 24 },
            };
        }
    }

    [Theory]
    [MemberData(nameof(Damaged))]
    public void A_damaged_file_fails_with_the_offset_of_the_damage(string hex, string message, long offset)
    {
        byte[] file = Convert.FromHexString(hex);
        var e = Assert.Throws<PcapFormatException>(() =>
        {
            using var reader = new PcapReader(new MemoryStream(file));
            while (reader.TryReadPacket(out _))
            {
            }
        });
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(offset, e.Offset);
    }

    [Fact]
    public void After_a_format_error_the_reader_refuses_to_go_on()
    {
        byte[] file = ValidFile().AsSpan(0, 24 + 16 + 30).ToArray();
        using var reader = new PcapReader(new MemoryStream(file));
        Assert.Throws<PcapFormatException>(() => reader.TryReadPacket(out _));
        Assert.Throws<InvalidOperationException>(() => reader.TryReadPacket(out _));
    }

    [Fact]
    public void A_file_cut_at_any_length_reads_its_whole_records_then_fails_cleanly()
    {
        byte[] valid = ValidFile();
        for (int length = 0; length <= valid.Length; length++)
        {
            int records = 0;
            try
            {
                using var reader = new PcapReader(new MemoryStream(valid, 0, length));
                while (reader.TryReadPacket(out _))
                {
                    records++;
                }

                Assert.True(length is 24 or 100 or 216, $"a file cut at {length} read cleanly");
            }
            catch (PcapFormatException e)
            {
                Assert.InRange(e.Offset, 0, length);
            }

            Assert.Equal(length >= 216 ? 2 : length >= 100 ? 1 : 0, records);
        }
    }

    [Fact]
    public void Random_damage_gives_records_or_a_format_exception_and_nothing_else()
    {
        byte[] valid = ValidFile();
        Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte, Gen.Int[0, 3])
            .Array[1, 6]
            .Sample(
                edits =>
                {
                    byte[] file = (byte[])valid.Clone();
                    foreach ((int at, byte value, int width) in edits)
                    {
                        for (int i = 0; i <= width && at + i < file.Length; i++)
                        {
                            file[at + i] = value;
                        }
                    }

                    try
                    {
                        using var reader = new PcapReader(new MemoryStream(file));
                        int n = 0;
                        while (reader.TryReadPacket(out PcapRecord r))
                        {
                            Assert.InRange(r.CapturedLength, 0, PcapFormat.MaxSnapLength);
                            Assert.True(++n < 100, "a 216-byte file cannot hold 100 records");
                        }
                    }
                    catch (PcapFormatException e)
                    {
                        Assert.InRange(e.Offset, 0, file.Length);
                    }
                },
                iter: 5000,
                seed: "0N0XIzNsQ0O2");
    }

    // ---- The real capture, and what tcpdump and tshark make of our files. ----

    [Fact]
    public void The_real_nfs_capture_reads_completely_with_the_timestamps_tcpdump_prints()
    {
        string path = TestPaths.NfsCapture;
        using FileStream file = File.OpenRead(path);
        using var reader = new PcapReader(file);
        Assert.False(reader.IsNanosecond);
        Assert.Equal(PcapFormat.LinkTypeEthernet, reader.LinkType);
        Assert.Equal(262144u, reader.SnapLength);
        var records = new List<PcapRecord>();
        while (reader.TryReadPacket(out PcapRecord r))
        {
            records.Add(r.Copy());
        }

        Assert.Equal(file.Length, reader.Position);
        Assert.Equal(130, records.Count);
        Assert.All(records, r => Assert.False(r.IsTruncated));
        Assert.Equal(74, records[0].CapturedLength); // the first SYN, with Linux's 20 bytes of options
        Assert.Equal(ExternalTool.TcpdumpMatches(path, string.Empty), records.Select(r => r.TimestampNanoseconds).ToList());
    }

    [Fact]
    public void A_capture_rewritten_by_the_writer_prints_identically_in_tcpdump()
    {
        string dir = TestPaths.NewTempDirectory("rewrite");
        try
        {
            string copy = Path.Combine(dir, "rewritten.pcap");
            using (FileStream input = File.OpenRead(TestPaths.NfsCapture))
            using (var reader = new PcapReader(input))
            using (var writer = new PcapWriter(File.Create(copy)))
            {
                while (reader.TryReadPacket(out PcapRecord r))
                {
                    writer.WritePacket(r.Timestamp, r.Data.Span, r.OriginalLength);
                }
            }

            ExternalTool.Result original = ExternalTool.Run("tcpdump", "-nn", "-vv", "-tt", "-r", TestPaths.NfsCapture);
            ExternalTool.Result rewritten = ExternalTool.Run("tcpdump", "-nn", "-vv", "-tt", "-r", copy);
            Assert.Equal(0, rewritten.ExitCode);
            Assert.Equal(original.StandardOutput, rewritten.StandardOutput);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Tcpdump_reads_our_file_without_error_with_our_nanosecond_timestamps()
    {
        string dir = TestPaths.NewTempDirectory("tcpdump-read");
        try
        {
            string path = Path.Combine(dir, "edge.pcap");
            EdgeCaseCapture.Write(path);
            ExternalTool.Result r = ExternalTool.Run("tcpdump", "-n", "-tt", "--nano", "-r", path);
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("link-type EN10MB (Ethernet), snapshot length 262144", r.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("truncated", r.StandardError, StringComparison.OrdinalIgnoreCase);
            List<long> expected = Enumerable.Range(0, EdgeCaseCapture.All.Count).Select(EdgeCaseCapture.NanosecondsOf).ToList();
            Assert.Equal(expected, ExternalTool.TcpdumpMatches(path, string.Empty));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Tshark_reads_our_file_without_error_with_our_timestamps_and_lengths()
    {
        string dir = TestPaths.NewTempDirectory("tshark-read");
        try
        {
            string path = Path.Combine(dir, "edge.pcap");
            EdgeCaseCapture.Write(path);
            ExternalTool.Result r = ExternalTool.Run(
                "tshark", "-n", "-r", path, "-T", "fields", "-e", "frame.time_epoch", "-e", "frame.len", "-e", "frame.cap_len");
            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.DoesNotContain("cut short", r.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("appears to be damaged", r.StandardError, StringComparison.Ordinal);
            string[] lines = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(EdgeCaseCapture.All.Count, lines.Length);
            for (int i = 0; i < lines.Length; i++)
            {
                string[] fields = lines[i].Split('\t');
                EdgeCaseCapture.Frame f = EdgeCaseCapture.All[i];
                long ns = EdgeCaseCapture.NanosecondsOf(i);
                Assert.Equal(
                    string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000_000_000}.{ns % 1_000_000_000:D9}"), fields[0]);
                Assert.Equal(f.WireLength.ToString(CultureInfo.InvariantCulture), fields[1]);
                Assert.Equal(f.Bytes.Length.ToString(CultureInfo.InvariantCulture), fields[2]);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Tshark_decodes_every_rpc_of_the_rewritten_nfs_capture_without_a_malformed_packet()
    {
        string dir = TestPaths.NewTempDirectory("tshark-rpc");
        try
        {
            string copy = Path.Combine(dir, "rewritten.pcap");
            using (FileStream input = File.OpenRead(TestPaths.NfsCapture))
            using (var writer = new PcapWriter(File.Create(copy)))
            {
                foreach (PcapRecord rec in PcapReader.ReadAll(input))
                {
                    writer.WritePacket(rec.Timestamp, rec.Data.Span);
                }
            }

            ExternalTool.Result r = ExternalTool.Run(
                "tshark", "-n", "-r", copy, "-d", "tcp.port==2049,rpc", "-d", "tcp.port==20048,rpc", "-Y", "rpc || _ws.malformed",
                "-T", "fields", "-e", "rpc.xid", "-e", "_ws.malformed");
            Assert.True(r.ExitCode == 0, r.ToString());
            string[] lines = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.True(lines.Length > 20, $"only {lines.Length} RPC messages decoded:\n{r}");
            Assert.All(lines, l => Assert.Equal(string.Empty, l.Split('\t')[^1]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
