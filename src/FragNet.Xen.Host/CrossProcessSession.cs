using System.Diagnostics;
using System.Globalization;
using FragNet.Buffers;
using FragNet.Xen.CrossProcess;
using FragNet.Xen.Hypervisor;
using FragNet.Xen.Netif;
using FragNet.Xen.Testbed;

namespace FragNet.Xen.Host;

/// <summary>
/// The backend process of a cross-process run (<c>fragnet xen backend</c>, <c>fragnet bench netback
/// --cross-process</c>): it builds the guest — a sealed memory file and two eventfds — starts the guest process, plays
/// the hypervisor over the guest's grant table in that file, connects a netback <see cref="Vif"/> to the guest's
/// rings, and drives it in real time until the measurement is over; then it closes in the XenBus order and checks
/// that nothing is left mapped, pinned or referenced.
/// </summary>
/// <remarks>
/// <para>Netback runs unchanged: it copies each request out of the shared ring before looking at it, the grant
/// checks mark an entry with one compare-and-swap, and the guest process — untrusted, possibly rewriting its slots
/// and grant entries while netback reads them — can cost itself packets but cannot make netback use a value it did
/// not check.</para>
/// <para>One thread drives netback: it reads the guest's eventfd, runs <see cref="Vif.Poll"/> twice (the second
/// answers what the sink released in the first), and when there is no work spins briefly, then sleeps on the eventfd
/// (<see cref="IdleWaiter"/>). The sink frees every packet at once, or checks it byte for byte first.</para>
/// </remarks>
public static class CrossProcessSession
{
    /// <summary>Frames of the guest: two rings and 64 blocks of 17 packet frames, with room to spare.</summary>
    public const int GuestFrames = 1120;

    /// <summary>Grant entries of the guest (8 reserved, 2 rings, 1088 packet frames).</summary>
    public const int GrantEntries = 2048;

    private const string FrontendPath = "device/vif/0";

    /// <summary>Runs one session; the report says what was measured, what the guest did and what leaked.</summary>
    public static CrossProcessReport Run(CrossProcessOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var layout = new GuestMemoryLayout(GuestFrames, GrantEntries);
        using var file = MemoryFile.Create("fragnet-guest", layout.TotalBytes);
        using var kick = EventFd.Create();  // guest → backend
        using var call = EventFd.Create();  // backend → guest
        using var memory = new SharedGuestMemory(file, layout);
        memory.Control.WriteConfiguration(layout, options.PacketSize, options.Workload, (uint)options.Seed);
        PerGrantFrameMapper? perGrant = options.Mapping == MappingModel.PerGrant ? new PerGrantFrameMapper(file, layout) : null;
        using var pool = new PagePool(8192, "dom0-pool");
        var cache = new SkbCache(pool, "dom0");
        var xen = new XenHypervisor();
        Domain dom0 = xen.CreateDomain("backend", 16);
        Domain guest = xen.CreateDomain("guest", memory.AsDomainMemory("dom1-guest", perGrant));
        using var frontend = FrontendProcess.Start(options.Frontend, file, kick, call);
        var checker = new PacketChecker(options.Workload);
        Vif? vif = null;
        var run = new Measurement();
        Measurement[] interleaved = [.. (options.InterleavedModes ?? []).Select(_ => new Measurement())];
        string? failure = null;
        bool stayedConnected = false;
        try
        {
            if (!CrossProcessGuest.WaitFor(() => memory.Control.FrontendState == XenbusState.Initialised || frontend.HasExited, kick, options.StepTimeout)
                || memory.Control.FrontendState != XenbusState.Initialised)
            {
                throw new InvalidOperationException($"the guest did not initialise; its output:\n{frontend.Output}");
            }

            // The XenStore keys come from the guest's page; from here on they are frontend keys like any other.
            GuestControlPage control = memory.Control;
            uint txRef = control.TxRingRef;
            xen.Store.Write(FrontendPath + "/tx-ring-ref", Num(txRef));
            xen.Store.Write(FrontendPath + "/rx-ring-ref", Num(control.RxRingRef));
            xen.Store.Write(FrontendPath + "/event-channel", Num(control.EventChannel));
            EventChannel guestPort = xen.EventChannels.AllocRemote(guest, dom0.Id, call.Signal);
            vif = new Vif(xen, dom0, guest, FrontendPath, cache, new NetbackConfig
            {
                Mode = options.Mode,
                HoldLimit = null,
                AdaptiveThreshold = options.AdaptiveThreshold ?? new NetbackConfig().AdaptiveThreshold,
                WorkClock = options.AdaptiveThreshold is null ? StopwatchWorkClock.Instance : null,
            });
            vif.Receiver = checker.Receive;
            if (!vif.Connect())
            {
                throw new InvalidOperationException($"netback did not connect: {vif.DisconnectReason}");
            }

            SetBackendState(memory, XenbusState.Connected);
            call.Signal();
            Drive(vif, xen, guestPort, kick, frontend, options, run, interleaved, perGrant);
            stayedConnected = vif.IsConnected;

            // Close: the guest drains, ends its packet grants, says Closing; we disconnect (unmapping its rings).
            GuestControlPage stop = memory.Control;
            stop.StopRequested = true;
            call.Signal();
            bool closing = CrossProcessGuest.WaitFor(() =>
            {
                PollOnce(vif, xen, guestPort, kick);
                XenbusState s = memory.Control.FrontendState;
                return s is XenbusState.Closing or XenbusState.Closed || frontend.HasExited;
            }, kick, options.StepTimeout);
            failure = closing ? null : "the guest did not drain and close in time";
        }
        catch (InvalidOperationException e)
        {
            failure = e.Message;
        }
        finally
        {
            vif?.Disconnect("teardown");
            SetBackendState(memory, XenbusState.Closed);
            call.Signal();
        }

        bool exited = CrossProcessGuest.WaitFor(() => frontend.HasExited, kick, options.StepTimeout) && frontend.WaitOrKill(TimeSpan.FromSeconds(5));
        if (!exited)
        {
            frontend.Kill();
        }

        int held = vif?.ReleaseAfterDisconnect() ?? 0;
        GuestReport report = memory.Control.Report;
        var leaks = new XenLeakReport
        {
            PacketsHeld = held,
            DestructorsPending = vif is null ? 0 : vif.TxDestructorsCreated - vif.TxDestructorsRun,
            GrantsMapped = xen.ActiveMappings + (int)(perGrant?.Live ?? 0),
            GrantsPinned = guest.Grants.TotalPins,
            GrantsInUse = report.GrantsNotEnded,
            BuffersLive = cache.Live,
            PagesOutstanding = pool.Outstanding + guest.Memory.PagesInUse,
        };
        var drops = new Dictionary<NetbackDropReason, long>();
        foreach (NetbackDropReason r in Enum.GetValues<NetbackDropReason>())
        {
            if (vif?.Drops(r) is long n and > 0)
            {
                drops[r] = n;
            }
        }

        xen.Dispose();
        string output = frontend.Output + (failure is null ? string.Empty : $"backend: {failure}\n");
        return new CrossProcessReport
        {
            Mode = options.Mode,
            Mapping = options.Mapping,
            PacketSize = options.PacketSize,
            Packets = run.Packets,
            Bytes = run.Bytes,
            Seconds = run.Seconds,
            CpuNsPerPacket = run.Packets > 0 ? run.CpuNanoseconds / run.Packets : 0,
            BytesCopied = run.BytesCopied,
            GrantMaps = run.GrantMaps,
            GrantCopies = run.GrantCopies,
            Mmaps = run.Mmaps,
            BackendSleeps = run.Sleeps,
            BackendSleepTimeouts = run.SleepTimeouts,
            Adaptive = vif?.AdaptiveClasses() ?? [],
            AdaptiveAtMeasurementStart = run.AdaptiveAtStart,
            Interleaved = [.. (options.InterleavedModes ?? []).Select((m, i) => interleaved[i].For(m, options.PacketSize))],
            PacketsChecked = checker.Checked,
            PacketsBad = checker.Bad,
            DoubleFetchOutcomes = checker.Outcomes,
            Drops = drops,
            VifStayedConnected = stayedConnected && failure is null,
            DisconnectReason = vif?.DisconnectReason == "teardown" ? null : vif?.DisconnectReason,
            Guest = report,
            FrontendExitCode = exited ? frontend.ExitCode : -1,
            FrontendOutput = output,
            Leaks = leaks,
            MemoryReleased = memory.AllPagesBack && (perGrant?.Live ?? 0) == 0,
        };
    }

    /// <summary>Traffic until the warm-up and the measurement are over (or the vif died, or the guest exited); with
    /// several modes, netback switches between them slice by slice and <paramref name="sums"/> gets each one's
    /// measured slices.</summary>
    private static void Drive(Vif vif, XenHypervisor xen, EventChannel guestPort, EventFd kick, FrontendProcess frontend, CrossProcessOptions options, Measurement run, Measurement[] sums, PerGrantFrameMapper? perGrant)
    {
        var idle = new IdleWaiter(kick);
        var clock = Stopwatch.StartNew();
        IReadOnlyList<NetbackMode> modes = options.InterleavedModes ?? [options.Mode];
        int n = modes.Count;
        TimeSpan end = options.Warmup + (options.Duration * n);
        TimeSpan period = options.Settle + options.Slice;
        bool measuring = false;
        Snapshot start = default;
        int slice = 0;
        int current = 0;
        TimeSpan sliceStart = TimeSpan.Zero;
        bool counting = false;
        Snapshot sliceFrom = default;
        vif.Mode = modes[0];
        while (vif.IsConnected && !frontend.HasExited)
        {
            TimeSpan now = clock.Elapsed;
            if (!measuring && now >= options.Warmup)
            {
                measuring = true;
                start = Snapshot.Take(vif, xen, perGrant, now);
                run.AdaptiveAtStart = vif.AdaptiveClasses();
                if (n == 1 && sums.Length == 1)
                {
                    // One mode: the whole measurement is its one slice.
                    counting = true;
                    sliceFrom = start;
                }
            }

            if (measuring && (now >= end || vif.TxPackets - start.Packets >= options.PacketLimit))
            {
                Snapshot last = Snapshot.Take(vif, xen, perGrant, now);
                run.Add(start, last);
                if (counting)
                {
                    sums[current].Add(sliceFrom, last);
                }

                run.Sleeps = idle.Woken + idle.TimedOut;
                run.SleepTimeouts = idle.TimedOut;
                return;
            }

            if (n > 1)
            {
                if (now - sliceStart >= period)
                {
                    if (counting)
                    {
                        sums[current].Add(sliceFrom, Snapshot.Take(vif, xen, perGrant, now));
                        counting = false;
                    }

                    current = ModeRotation.ModeAt(++slice, n);
                    vif.Mode = modes[current];
                    sliceStart = now;
                }
                else if (!counting && measuring && now - sliceStart >= options.Settle)
                {
                    counting = true;
                    sliceFrom = Snapshot.Take(vif, xen, perGrant, now);
                }
            }

            if (PollOnce(vif, xen, guestPort, kick))
            {
                idle.Busy();
            }
            else if (idle.Idle())
            {
                continue;
            }
        }

        if (measuring)
        {
            Snapshot last = Snapshot.Take(vif, xen, perGrant, clock.Elapsed);
            run.Add(start, last);
            if (counting)
            {
                sums[current].Add(sliceFrom, last);
            }
        }
    }

    /// <summary>One round of netback's work; true if it did any.</summary>
    private static bool PollOnce(Vif vif, XenHypervisor xen, EventChannel guestPort, EventFd kick)
    {
        if (kick.TryConsume())
        {
            xen.EventChannels.Notify(guestPort); // the guest's notification: netback's port becomes pending
        }

        long before = vif.TxResponses;
        Instant now = Instant.FromMicroseconds(Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000));
        vif.Poll(now);
        vif.Poll(now); // answers what the sink released in the first round
        return vif.TxResponses != before;
    }

    private static void SetBackendState(SharedGuestMemory memory, XenbusState state)
    {
        GuestControlPage control = memory.Control;
        control.BackendState = state;
    }

    private static string Num(uint v) => v.ToString(CultureInfo.InvariantCulture);

    private readonly record struct Snapshot(TimeSpan At, long Packets, long Bytes, long Copied, long Maps, long Copies, long Mmaps, TimeSpan Cpu)
    {
        public static Snapshot Take(Vif vif, XenHypervisor xen, PerGrantFrameMapper? perGrant, TimeSpan at) =>
            new(at, vif.TxPackets, vif.TxBytes, vif.TxBytesCopied, xen.Maps, xen.Copies, perGrant?.Maps ?? 0, Process.GetCurrentProcess().TotalProcessorTime);
    }

    private sealed class Measurement
    {
        public long Packets { get; private set; }

        public long Bytes { get; private set; }

        public double Seconds { get; private set; }

        public double CpuNanoseconds { get; private set; }

        public long BytesCopied { get; private set; }

        public long GrantMaps { get; private set; }

        public long GrantCopies { get; private set; }

        public long Mmaps { get; private set; }

        public long Sleeps { get; set; }

        public long SleepTimeouts { get; set; }

        public int Slices { get; private set; }

        public List<double> SliceGbps { get; } = [];

        /// <summary>What adaptive had learned when the measurement started (after the warm-up).</summary>
        public IReadOnlyList<AdaptiveSizeClass> AdaptiveAtStart { get; set; } = [];

        /// <summary>Adds the stretch from <paramref name="a"/> to <paramref name="b"/> (a slice, or a whole run).</summary>
        public void Add(Snapshot a, Snapshot b)
        {
            Slices++;
            double seconds = (b.At - a.At).TotalSeconds;
            SliceGbps.Add(seconds > 0 ? (b.Bytes - a.Bytes) * 8.0 / seconds / 1e9 : 0);
            Packets += b.Packets - a.Packets;
            Bytes += b.Bytes - a.Bytes;
            Seconds += seconds;
            CpuNanoseconds += (b.Cpu - a.Cpu).TotalNanoseconds;
            BytesCopied += b.Copied - a.Copied;
            GrantMaps += b.Maps - a.Maps;
            GrantCopies += b.Copies - a.Copies;
            Mmaps += b.Mmaps - a.Mmaps;
        }

        public CrossProcessMeasurement For(NetbackMode mode, int packetSize) => new()
        {
            Mode = mode,
            PacketSize = packetSize,
            Slices = Slices,
            SliceGbps = SliceGbps,
            Packets = Packets,
            Bytes = Bytes,
            Seconds = Seconds,
            CpuNsPerPacket = Packets > 0 ? CpuNanoseconds / Packets : 0,
            BytesCopied = BytesCopied,
            GrantMaps = GrantMaps,
            GrantCopies = GrantCopies,
            Mmaps = Mmaps,
        };
    }
}
