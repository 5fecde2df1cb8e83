namespace FragNet.Xen.Testbed;

/// <summary>The order in which benchmarked modes take turns in slices of one session: round r takes them in order
/// starting from mode r, so no mode always follows the same one (the previous mode's traces fall on each alike).</summary>
public static class ModeRotation
{
    /// <summary>The index of the mode that runs slice <paramref name="slice"/> of <paramref name="modes"/> modes.</summary>
    public static int ModeAt(int slice, int modes) => ((slice % modes) + (slice / modes)) % modes;
}
