namespace FragNet.Buffers;

/// <summary>
/// The switch for reference tracking (gVisor's leak mode): off by default, on in tests, switchable at run time.
/// </summary>
/// <remarks>
/// With tracking on, every <see cref="RefCounted"/> object keeps the last <see cref="HistoryDepth"/> takes and drops
/// (operation name and, when <see cref="CaptureCallSites"/> is set, the caller's file and line). Misuse exceptions
/// and leak reports then name the object's last holders. With tracking off nothing is recorded and the reference
/// paths cost one atomic operation each.
/// </remarks>
public static class RefTracking
{
    private static volatile LeakMode s_mode = LeakMode.Off;
    private static volatile bool s_captureCallSites;

    /// <summary>How many recent events each object keeps.</summary>
    public const int HistoryDepth = 16;

    /// <summary>The current mode; objects consult it at every take and drop.</summary>
    public static LeakMode Mode
    {
        get => s_mode;
        set => s_mode = value;
    }

    /// <summary>Record the caller's file and line with each event (costly; for hunting a leak).</summary>
    public static bool CaptureCallSites
    {
        get => s_captureCallSites;
        set => s_captureCallSites = value;
    }

    /// <summary>True when events are recorded.</summary>
    public static bool IsTracking => s_mode != LeakMode.Off;
}
