using System.Diagnostics;
using FragNet.Xen.Abi;
using FragNet.Xen.CrossProcess;
using FragNet.Xen.Hypervisor;
using FragNet.Xen.Rings;
using FragNet.Xen.Testbed;

namespace FragNet.Xen.Host;

/// <summary>
/// The guest process (<c>fragnet xen frontend</c>): maps the memory file it inherited, sets up its TX and RX rings
/// in its own frames, grants them to the backend, publishes the keys in the control page, and once the backend is
/// Connected transmits with a <see cref="GuestTransmitter"/> until the backend asks it to stop. Then it drains its
/// responses, ends its grants, reports, and closes in the XenBus order (Closing → the backend unmaps the rings →
/// Closed).
/// </summary>
/// <remarks>The guest's hypervisor object only holds its own grant table (owner side) and a stand-in for dom0's id;
/// every check that matters runs in the backend process.</remarks>
public static class CrossProcessGuest
{
    private const int TxRingFrame = 0;
    private const int RxRingFrame = 1;
    private const int FirstPacketFrame = 2;

    /// <summary>Runs the guest; returns the process exit code (0: every packet answered and every grant ended).</summary>
    public static int Run(int memoryFd, long memoryBytes, int kickFd, int callFd, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        using var file = MemoryFile.Inherit(memoryFd, memoryBytes);
        using var kick = EventFd.Inherit(kickFd);
        using var call = EventFd.Inherit(callFd);
        GuestMemoryLayout layout;
        using (Mapping first = file.Map(0, FragNet.Buffers.Page.Size, writable: false))
        {
            var header = new GuestControlPage(first.Span(0, FragNet.Buffers.Page.Size));
            if (!header.IsValid || header.Layout.TotalBytes != memoryBytes)
            {
                log.WriteLine("frontend: the control page does not describe this memory file");
                return 2;
            }

            layout = header.Layout;
        }

        using var memory = new SharedGuestMemory(file, layout);
        using var xen = new XenHypervisor();
        Domain dom0 = xen.CreateDomain("backend", 1); // stands for the backend's id; its memory is in the other process
        Domain guest = xen.CreateDomain("guest", memory.AsDomainMemory("dom1-guest", mapper: null));
        var tx = new FrontRing(guest.Frame(TxRingFrame), NetifConstants.TxSlotSize);
        _ = new FrontRing(guest.Frame(RxRingFrame), NetifConstants.RxSlotSize); // initialised; this guest posts no RX buffers
        uint txRef = guest.Grants.GrantAccess(dom0.Id, TxRingFrame, readOnly: false);
        uint rxRef = guest.Grants.GrantAccess(dom0.Id, RxRingFrame, readOnly: false);
        EventChannel port = xen.EventChannels.AllocUnbound(guest, dom0.Id);
        GuestControlPage control = memory.Control;
        control.TxRingRef = txRef;
        control.RxRingRef = rxRef;
        control.EventChannel = (uint)port.Port;
        control.FrontendState = XenbusState.Initialised;
        kick.Signal();

        var limit = Stopwatch.StartNew();
        if (!WaitFor(() => memory.Control.BackendState == XenbusState.Connected, call, TimeSpan.FromSeconds(20)))
        {
            log.WriteLine($"frontend: the backend did not connect (state {memory.Control.BackendState})");
            return 3;
        }

        var guestTx = new GuestTransmitter(guest, dom0.Id, tx, FirstPacketFrame, layout.GuestFrames - FirstPacketFrame, control.Workload, control.PacketSize, (int)control.Seed, freshData: true);
        var idle = new IdleWaiter(call);
        while (!memory.Control.StopRequested)
        {
            bool work = false;
            if (guestTx.Produce())
            {
                kick.Signal();
            }

            if (control.Workload == GuestWorkload.DoubleFetch)
            {
                for (int i = 0; i < 100_000 && guestTx.Harass(); i++)
                {
                }
            }

            work |= guestTx.Reclaim() > 0;
            if (work)
            {
                idle.Busy();
                continue;
            }

            if (guestTx.InFlight > 0)
            {
                tx.FinalCheckForResponses(out bool more);
                if (more)
                {
                    continue;
                }
            }

            if (idle.Idle())
            {
                call.TryConsume();
            }
        }

        // Drain: every request in flight must be answered before its grants can end.
        bool drained = WaitFor(() =>
        {
            guestTx.Reclaim();
            if (guestTx.InFlight > 0)
            {
                tx.FinalCheckForResponses(out _);
            }

            return guestTx.InFlight == 0;
        }, call, TimeSpan.FromSeconds(20));
        int notEnded = guestTx.EndGrants();
        control.Report = Report(guestTx, notEnded);
        control.FrontendState = XenbusState.Closing;
        kick.Signal();
        if (!WaitFor(() => memory.Control.BackendState == XenbusState.Closed, call, TimeSpan.FromSeconds(20)))
        {
            log.WriteLine("frontend: the backend did not close");
            return 4;
        }

        notEnded += guest.Grants.EndAccess(txRef) ? 0 : 1;
        notEnded += guest.Grants.EndAccess(rxRef) ? 0 : 1;
        control.Report = Report(guestTx, notEnded);
        control.FrontendState = XenbusState.Closed;
        kick.Signal();
        if (!drained || notEnded > 0)
        {
            log.WriteLine($"frontend: {guestTx.InFlight} packets unanswered, {notEnded} grants still mapped by the backend ({limit.Elapsed.TotalSeconds:0.0} s)");
            return 1;
        }

        return 0;
    }

    private static GuestReport Report(GuestTransmitter t, int notEnded) =>
        new(t.PacketsSent, t.PacketsAnswered, t.ErrorResponses, t.Rewrites, (long)Process.GetCurrentProcess().TotalProcessorTime.TotalNanoseconds, notEnded);

    /// <summary>Polls <paramref name="done"/>, sleeping on <paramref name="events"/> in between, up to
    /// <paramref name="timeout"/>.</summary>
    internal static bool WaitFor(Func<bool> done, EventFd events, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            events.Wait(1);
            events.TryConsume();
        }

        return true;
    }
}
