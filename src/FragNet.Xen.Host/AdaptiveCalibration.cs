using System.Diagnostics;
using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Hypervisor;
using FragNet.Xen.Netif;

namespace FragNet.Xen.Host;

/// <summary>
/// The adaptive mode's threshold, measured at startup on the live connection instead of assumed: what one page costs
/// to map (grant map, alias page, a frag carrying a fragment destructor, the release, the unmap — with the
/// <c>mmap</c>/<c>munmap</c> in the per-grant model) against what grant-copying costs: a fixed part (a 64-byte grant
/// copy into a pool page, with its buffer) and a part per byte (whole pages of guest memory copied in turn across the
/// guest's megabytes, so they come from memory or a shared cache as the traffic's do, not from this core's). The map
/// and fixed-copy probes use a grant the guest really gave (its TX ring, mapped read-only), so they pay exactly the
/// checks and mappings the traffic will pay.
/// </summary>
/// <remarks>
/// Per page, copying <c>n</c> bytes costs about <c>copyFixed + n × copyPerByte</c> and mapping costs
/// <c>mapPerPage</c>. Above the threshold adaptive takes a packet as copy-header-map-rest does — its first 128 bytes
/// copied, its pages mapped — and the threshold is the smallest size where that is the cheaper of the two
/// (<see cref="Crossover"/>); if it never is, every packet is copied. Each figure is the
/// median of several rounds, because the machine is noisy. What the probes cannot see is a guest that has just
/// written its data on another core (the lines are dirty there, and a copy pulls them across); the threshold
/// therefore still leans towards copying.
/// </remarks>
/// <param name="Threshold">Packets of fewer bytes are copied (int.MaxValue: always copy).</param>
/// <param name="MapNsPerPage">Measured cost of mapping one page.</param>
/// <param name="CopyFixedNs">Measured fixed cost of a grant copy.</param>
/// <param name="CopyNsPerByte">Measured cost per copied byte.</param>
public sealed record AdaptiveCalibration(int Threshold, double MapNsPerPage, double CopyFixedNs, double CopyNsPerByte)
{
    private const int Rounds = 7;
    private const int PerRound = 400;

    /// <summary>Measures with <paramref name="gref"/>, a grant of <paramref name="guest"/> to <paramref name="backend"/>.</summary>
    public static AdaptiveCalibration Measure(XenHypervisor xen, Domain backend, Domain guest, uint gref, SkbCache cache)
    {
        ArgumentNullException.ThrowIfNull(xen);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(guest);
        ArgumentNullException.ThrowIfNull(cache);
        // JIT tiers and first-touch costs out of the way: the probes run until the runtime has had time to promote them
        // to optimised code (call counting, then a background compile), so both are measured as the traffic will run.
        long warm = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warm).TotalMilliseconds < 300)
        {
            MapOnce(xen, backend, guest, gref, cache);
            CopyOnce(xen, backend, guest, gref, cache, 64);
            CopyOnce(xen, backend, guest, gref, cache, Page.Size);
        }

        double map = Median(() => MapOnce(xen, backend, guest, gref, cache));
        double small = Median(() => CopyOnce(xen, backend, guest, gref, cache, 64));
        int next = 0;
        double perByte = Math.Max(1e-3, Median(() => CopyColdPage(guest, cache, ref next)) / Page.Size);
        double fixedCost = Math.Max(0, small - (64 * perByte));
        return new AdaptiveCalibration(Crossover(map, fixedCost, perByte, new NetbackConfig().HeaderCopy), map, fixedCost, perByte);
    }

    /// <summary>
    /// The smallest packet size from which copy-header-map-rest is cheaper than copying, for packets laid out from the
    /// start of a page (int.MaxValue if none up to 65535): a packet of <c>n</c> bytes on <c>k</c> pages costs
    /// <c>k × copyFixed + n × copyPerByte</c> to copy, and <c>copyFixed + header × copyPerByte + k × mapPerPage</c> to take
    /// with its header copied and its pages mapped.
    /// </summary>
    public static int Crossover(double mapPerPage, double copyFixed, double copyPerByte, int header)
    {
        for (int n = 64; n <= 65535; n += 64)
        {
            int pages = (n + Page.Size - 1) / Page.Size;
            double copy = (pages * copyFixed) + (n * copyPerByte);
            double mapped = copyFixed + (header * copyPerByte) + (pages * mapPerPage);
            if (mapped < copy)
            {
                return n;
            }
        }

        return int.MaxValue;
    }

    private static double Median(Func<double> round)
    {
        var r = new double[Rounds];
        for (int i = 0; i < Rounds; i++)
        {
            r[i] = round();
        }

        Array.Sort(r);
        return r[Rounds / 2];
    }

    /// <summary>Nanoseconds per page of the map path.</summary>
    private static double MapOnce(XenHypervisor xen, Domain backend, Domain guest, uint gref, SkbCache cache)
    {
        // One destructor per page, rearmed as netback rearms its pending packets' (a 64 KiB packet shares one among 16
        // pages, so this slightly overstates the map side).
        var destructor = new FragDestructor(static _ => { }, null, "calibration");
        destructor.Release();
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < PerRound; i++)
        {
            if (xen.Map(backend, guest.Id, gref, GrantMapFlags.HostMap | GrantMapFlags.Readonly, out GrantMapping? m) != GrantStatus.Okay)
            {
                throw new InvalidOperationException("calibration: the guest's ring grant could not be mapped");
            }

            destructor.Rearm();
            SkBuff skb = cache.Alloc(0);
            skb.AppendFrag(m!.Page, 0, Page.Size, destructor);
            m.Page.Release();
            destructor.Release();
            skb.Consume();
            xen.Unmap(m);
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / PerRound;
    }

    /// <summary>Nanoseconds to copy one whole page of guest memory that is not in this core's cache: the frames are
    /// taken in turn across the guest's whole memory (megabytes, more than a core's own caches), as the traffic's pages
    /// are.</summary>
    private static double CopyColdPage(Domain guest, SkbCache cache, ref int next)
    {
        if (!cache.Pages.TryAlloc(out Page page))
        {
            throw new InvalidOperationException("calibration: the page pool is empty");
        }

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < PerRound; i++)
        {
            next = (next + 1) % guest.FrameCount;
            guest.Frame(next).Span.CopyTo(page.Span);
        }

        double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / PerRound;
        page.Release();
        return ns;
    }

    /// <summary>Nanoseconds per page of the copy path for <paramref name="bytes"/> bytes.</summary>
    private static double CopyOnce(XenHypervisor xen, Domain backend, Domain guest, uint gref, SkbCache cache, int bytes)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < PerRound; i++)
        {
            if (!cache.Pages.TryAlloc(out Page page))
            {
                throw new InvalidOperationException("calibration: the page pool is empty");
            }

            if (xen.Copy(backend, GrantCopySide.Gref(guest.Id, gref, 0), GrantCopySide.Local(page, 0), bytes) != GrantStatus.Okay)
            {
                page.Release();
                throw new InvalidOperationException("calibration: the guest's ring grant could not be copied");
            }

            SkBuff skb = cache.Alloc(0);
            skb.FillPageDesc(0, page, 0, bytes);
            skb.Consume();
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / PerRound;
    }
}
