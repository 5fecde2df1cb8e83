using FragNet.Devices;
using FragNet.Nfs.Client;
using FragNet.Nfs.Protocol;
using FragNet.SunRpc.Client;

namespace FragNet.Nfs.Tests;

/// <summary>
/// What <c>fragnet nfs put/get/ls</c> do, specified against FragNet's own server in virtual time: libnfs's URL rules
/// (ports from the URL or the portmapper, the longest export that prefixes the path), whole files moved in windows of
/// WRITEs and READs, and failures that say what went wrong.
/// </summary>
public sealed class NfsSessionTests
{
    private const string Ports = "?nfsport=2049&mountport=20048";

    [Theory]
    [InlineData(PageSendPolicy.Destructor, 3 * (1 << 20) + 12345)]
    [InlineData(PageSendPolicy.Copy, 1)]
    [InlineData(PageSendPolicy.Destructor, 0)]
    public void Put_then_get_moves_the_file_byte_for_byte(PageSendPolicy policy, int size)
    {
        using var net = new SessionNetwork();
        byte[] data = Pattern(size, 5);
        using (NfsSession put = Open(net, $"nfs://10.0.0.2/srv/exp/f.bin{Ports}", new NfsSessionOptions { Policy = policy }))
        {
            NfsTransferReport report = put.Put(new MemoryStream(data));
            Assert.Equal(size, report.Bytes);
            Assert.Equal(0, report.Rewrites);
        }

        Assert.Equal(data, net.Files.ReadAllBytes("/f.bin"));
        using NfsSession get = Open(net, $"nfs://10.0.0.2/srv/exp/f.bin{Ports}");
        using var copy = new MemoryStream();
        NfsTransferReport got = get.Get(copy);
        Assert.Equal(data, copy.ToArray());
        Assert.Equal(size, got.Bytes);
    }

    [Fact]
    public void A_server_restart_before_the_commit_makes_put_write_the_whole_file_again()
    {
        using var net = new SessionNetwork();
        byte[] data = Pattern(600_000, 9);
        ulong before = net.Host.Server.WriteVerifier;
        bool restarted = false;

        // The server restarts once the first WRITE has landed, so the COMMIT's verifier differs from the WRITEs'.
        net.Driver.Add(_ =>
        {
            if (!restarted && net.Files.Exists("/r.bin") && net.Files.ReadAllBytes("/r.bin").Length > 0)
            {
                net.Host.Server.Restart(bootEpoch: 1);
                restarted = true;
            }
        });
        using (NfsSession s = Open(net, $"nfs://10.0.0.2/srv/exp/r.bin{Ports}", new NfsSessionOptions { Window = 2 }))
        {
            NfsTransferReport report = s.Put(new MemoryStream(data));
            Assert.Equal(1, report.Rewrites);
            Assert.Equal(data.Length, report.Bytes);
        }

        Assert.True(restarted);
        Assert.NotEqual(before, net.Host.Server.WriteVerifier);
        Assert.Equal(data, net.Files.ReadAllBytes("/r.bin"));
    }

    [Fact]
    public void A_restart_that_cannot_be_answered_by_rereading_the_source_is_an_error_that_says_so()
    {
        using var net = new SessionNetwork();
        bool restarted = false;
        net.Driver.Add(_ =>
        {
            if (!restarted && net.Files.Exists("/u.bin") && net.Files.ReadAllBytes("/u.bin").Length > 0)
            {
                net.Host.Server.Restart(bootEpoch: 1);
                restarted = true;
            }
        });
        using NfsSession s = Open(net, $"nfs://10.0.0.2/srv/exp/u.bin{Ports}");
        var e = Assert.Throws<NfsException>(() => s.Put(new ForwardOnlyStream(Pattern(200_000, 4))));
        Assert.Contains("write verifier changed", e.Message);
    }

    [Fact]
    public void A_closed_session_leaves_nothing_in_the_loop()
    {
        // A long-lived loop (a tool that runs session after session) must not keep polling the closed ones.
        using var net = new SessionNetwork();
        int before = net.Driver.Participants;
        for (int i = 0; i < 3; i++)
        {
            using NfsSession s = Open(net, "nfs://10.0.0.2/srv/exp/f.bin"); // no ports: the portmapper is asked too
            s.Put(new MemoryStream(Pattern(1000, (ulong)i)));
        }

        Assert.Equal(before, net.Driver.Participants);
    }

    [Fact]
    public void Put_overwrites_and_truncates_an_existing_file()
    {
        using var net = new SessionNetwork();
        net.Files.WriteAllBytes("/f.bin", new byte[100_000]);
        byte[] data = Pattern(1000, 2);
        using (NfsSession s = Open(net, $"nfs://10.0.0.2/srv/exp/f.bin{Ports}"))
        {
            s.Put(new MemoryStream(data));
        }

        Assert.Equal(data, net.Files.ReadAllBytes("/f.bin"));
    }

    [Fact]
    public void Writes_and_reads_are_split_at_the_servers_transfer_maxima_and_kept_in_a_window()
    {
        using var net = new SessionNetwork(maxTransfer: 32 * 1024);
        byte[] data = Pattern(1_000_000, 3);
        using NfsSession s = Open(net, $"nfs://10.0.0.2/srv/exp/w.bin{Ports}", new NfsSessionOptions { Window = 4 });
        Assert.Equal(32 * 1024, s.WriteSize);
        Assert.Equal(32 * 1024, s.ReadSize);

        NfsTransferReport put = s.Put(new MemoryStream(data));
        Assert.Equal((1_000_000 + (32 * 1024) - 1) / (32 * 1024), put.Calls);
        var progress = new List<long>();
        using var copy = new MemoryStream();
        s.Get(copy, (done, _) => progress.Add(done));
        Assert.Equal(data, copy.ToArray());
        Assert.Equal(progress.Order(), progress);
        Assert.Equal(1_000_000, progress[^1]);
    }

    [Fact]
    public void Without_ports_in_the_URL_the_portmapper_is_asked()
    {
        using var net = new SessionNetwork();
        using NfsSession s = Open(net, "nfs://10.0.0.2/srv/exp");
        Assert.Equal(2049, s.NfsPort);
        Assert.Equal(20048, s.MountPort);
        Assert.Equal("/srv/exp", s.Export);
    }

    [Fact]
    public void The_export_is_the_longest_mountable_prefix_and_the_rest_is_looked_up()
    {
        using var net = new SessionNetwork();
        net.Files.CreateDirectory("/a");
        net.Files.CreateDirectory("/a/b");
        net.Files.WriteAllBytes("/a/b/c.txt", "hello"u8);
        using NfsSession s = Open(net, $"nfs://10.0.0.2//srv/./exp/a/b/c.txt{Ports}");
        Assert.Equal("/srv/exp", s.Export);
        Assert.Equal("a/b/c.txt", s.RelativePath);
        using var copy = new MemoryStream();
        s.Get(copy);
        Assert.Equal("hello"u8.ToArray(), copy.ToArray());
    }

    [Fact]
    public void List_names_a_directorys_entries_in_order_with_their_attributes()
    {
        using var net = new SessionNetwork();
        net.Files.WriteAllBytes("/b.txt", new byte[7]);
        net.Files.WriteAllBytes("/a.txt", new byte[3]);
        net.Files.CreateDirectory("/d");
        using NfsSession s = Open(net, $"nfs://10.0.0.2/srv/exp{Ports}");
        IReadOnlyList<NfsDirectoryEntry> entries = s.List();
        Assert.Equal(["a.txt", "b.txt", "d"], entries.Select(e => e.Name));
        Assert.Equal(3UL, entries[0].Attributes!.Size);
        Assert.Equal(FileType3.Directory, entries[2].Attributes!.Type);
    }

    [Fact]
    public void Listing_a_file_lists_the_file()
    {
        using var net = new SessionNetwork();
        net.Files.WriteAllBytes("/only.txt", new byte[9]);
        using NfsSession s = Open(net, $"nfs://10.0.0.2/srv/exp/only.txt{Ports}");
        NfsDirectoryEntry e = Assert.Single(s.List());
        Assert.Equal("only.txt", e.Name);
        Assert.Equal(9UL, e.Attributes!.Size);
    }

    [Fact]
    public void A_missing_file_is_an_error_that_names_it_and_the_status()
    {
        using var net = new SessionNetwork();
        using NfsSession s = Open(net, $"nfs://10.0.0.2/srv/exp/nope.txt{Ports}");
        var e = Assert.Throws<NfsException>(() => s.Get(new MemoryStream()));
        Assert.Contains("/srv/exp/nope.txt", e.Message, StringComparison.Ordinal);
        Assert.Contains("NFS3ERR_NOENT", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_path_outside_every_export_lists_what_the_server_refused()
    {
        using var net = new SessionNetwork();
        var e = Assert.Throws<NfsException>(() => Open(net, $"nfs://10.0.0.2/elsewhere/f{Ports}"));
        Assert.Contains("/elsewhere/f", e.Message, StringComparison.Ordinal);
        Assert.Contains("NoEnt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Putting_to_the_export_itself_asks_for_a_file_name()
    {
        using var net = new SessionNetwork();
        using NfsSession s = Open(net, $"nfs://10.0.0.2/srv/exp{Ports}");
        var e = Assert.Throws<NfsException>(() => s.Put(new MemoryStream([1])));
        Assert.Contains("add a file name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_nobody_listens_on_fails_within_the_step_timeout_and_says_the_connection_was_refused()
    {
        using var net = new SessionNetwork();
        var e = Assert.Throws<NfsException>(() => Open(net, "nfs://10.0.0.2/srv/exp?nfsport=2049&mountport=999", new NfsSessionOptions { StepTimeout = Duration.FromSeconds(5) }));
        Assert.Contains("no answer", e.Message, StringComparison.Ordinal);
        Assert.Contains("refused", e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.True(net.Sim.Now < Instant.FromSeconds(60), $"gave up only at {net.Sim.Now}");
    }

    [Fact]
    public void Closing_a_session_unmounts_at_once()
    {
        using var net = new SessionNetwork();
        NfsSession s = Open(net, $"nfs://10.0.0.2/srv/exp{Ports}");
        Assert.Single(net.Host.Server.Mount.Mounts);
        Instant before = net.Sim.Now;
        s.Dispose();
        Assert.Empty(net.Host.Server.Mount.Mounts);
        Assert.True(net.Sim.Now - before < Duration.FromMilliseconds(100), $"closing took {net.Sim.Now - before}");
        Assert.Equal(0, s.LeakedPages);
    }

    [Fact]
    public void A_server_that_stops_answering_mid_put_fails_the_put_with_its_reason_and_every_page_comes_back()
    {
        using var net = new SessionNetwork();
        using NfsSession s = Open(net, $"nfs://10.0.0.2/srv/exp/f.bin{Ports}", new NfsSessionOptions { StepTimeout = Duration.FromSeconds(20), Policy = PageSendPolicy.Destructor });
        net.Link.B.Faults = new FaultInjector(1).Add(FaultRule.Loss(1.0)); // every frame from the server is lost from now on
        var e = Assert.Throws<NfsException>(() => s.Put(new MemoryStream(Pattern(4 << 20, 9))));
        Assert.Contains("no answer", e.Message, StringComparison.Ordinal);
        s.Dispose();
        Assert.Equal(0, s.LeakedPages);
    }

    [Fact]
    public void A_non_address_host_is_refused_before_any_traffic()
    {
        using var net = new SessionNetwork();
        var e = Assert.Throws<NfsException>(() => Open(net, "nfs://server.example/srv/exp"));
        Assert.Contains("not an IPv4 address", e.Message, StringComparison.Ordinal);
    }

    private static byte[] Pattern(int size, ulong seed)
    {
        byte[] data = new byte[size];
        new DeterministicPattern(seed).Fill(data, 0);
        return data;
    }

    /// <summary>A source that cannot seek (a pipe).</summary>
    private sealed class ForwardOnlyStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }

    private static NfsSession Open(SessionNetwork net, string url, NfsSessionOptions? options = null) =>
        NfsSession.Open(net.Driver, net.ClientStack, NfsUrl.Parse(url), options);
}
