using System.Text;

namespace FragNet.Buffers;

/// <summary>
/// The teardown leak check: everything a run allocated is back. Builds one report from the pools, caches, devices
/// and destructors given, then acts on <see cref="RefTracking.Mode"/>: <see cref="LeakMode.Throw"/> throws a
/// <see cref="LeakException"/>, <see cref="LeakMode.Warn"/> hands the report to <see cref="Reported"/>,
/// <see cref="LeakMode.Off"/> only returns it.
/// </summary>
public static class LeakCheck
{
    /// <summary>Receives leak reports in <see cref="LeakMode.Warn"/> (the host wires it to its logger).</summary>
    public static event Action<string>? Reported;

    /// <summary>The report for the given objects; empty when nothing is outstanding.</summary>
    public static string Report(
        IEnumerable<PagePool>? pools = null,
        IEnumerable<SkbCache>? caches = null,
        IEnumerable<DmaDevice>? devices = null,
        IEnumerable<FragDestructor>? destructors = null)
    {
        var sb = new StringBuilder();
        foreach (SkbCache cache in caches ?? [])
        {
            AppendLine(sb, cache.LeakReport());
        }

        foreach (DmaDevice device in devices ?? [])
        {
            AppendLine(sb, device.LeakReport());
        }

        foreach (FragDestructor d in destructors ?? [])
        {
            if (d.DestroyCount != 1)
            {
                var line = new StringBuilder().Append(d.Describe()).Append(": ran ").Append(d.DestroyCount)
                    .Append(" times, ref ").Append(d.RefCount).Append(d.CreatorHolds ? " (creator still holds)" : string.Empty);
                d.AppendHistory(line, "    ");
                AppendLine(sb, line.ToString());
            }
        }

        foreach (PagePool pool in pools ?? [])
        {
            AppendLine(sb, pool.LeakReport());
        }

        return sb.ToString();
    }

    /// <summary>Checks at teardown and acts on the mode; returns the report (empty when clean).</summary>
    public static string AtTeardown(
        IEnumerable<PagePool>? pools = null,
        IEnumerable<SkbCache>? caches = null,
        IEnumerable<DmaDevice>? devices = null,
        IEnumerable<FragDestructor>? destructors = null)
    {
        string report = Report(pools, caches, devices, destructors);
        if (report.Length == 0)
        {
            return report;
        }

        switch (RefTracking.Mode)
        {
            case LeakMode.Throw:
                throw new LeakException("leak check failed:" + Environment.NewLine + report);
            case LeakMode.Warn:
                Reported?.Invoke(report);
                break;
        }

        return report;
    }

    private static void AppendLine(StringBuilder sb, string text)
    {
        if (text.Length > 0)
        {
            sb.AppendLine(text);
        }
    }
}
