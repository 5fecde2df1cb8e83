namespace FragNet.Buffers;

/// <summary>One recorded take or drop of a reference, kept by <see cref="RefCounted"/> in tracking mode.</summary>
/// <param name="Operation">The operation that took or dropped it (e.g. <c>PskbCopy</c>, <c>Trim</c>, <c>Alloc</c>).</param>
/// <param name="Delta">+1 for a take, -1 for a drop, 0 for a marker (revive, destroy).</param>
/// <param name="CountAfter">The count once the event was applied.</param>
/// <param name="CallSite">File and line of the caller, when <see cref="RefTracking.CaptureCallSites"/> is on.</param>
public readonly record struct RefEvent(string Operation, int Delta, int CountAfter, string? CallSite)
{
    public override string ToString()
    {
        string sign = Delta switch { > 0 => "+1", < 0 => "-1", _ => " ." };
        return CallSite is null
            ? $"{sign} {Operation} -> {CountAfter}"
            : $"{sign} {Operation} -> {CountAfter} at {CallSite}";
    }
}
