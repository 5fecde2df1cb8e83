namespace FragNet.Devices;

/// <summary>
/// A <see cref="FaultInjector"/>'s decision for one frame. Sans-IO: the injector only decides; the link that asked
/// carries it out (drops, schedules, flips the bit, holds the frame).
/// </summary>
public readonly record struct FaultDecision
{
    /// <summary>What to do with the frame.</summary>
    public FaultAction Action { get; init; }

    /// <summary>For <see cref="FaultAction.Delay"/>: how long to delay the frame. For <see cref="FaultAction.Reorder"/>:
    /// the longest the frame may be held waiting for a next frame.</summary>
    public Duration Delay { get; init; }

    /// <summary>For <see cref="FaultAction.Corrupt"/>: the byte to change.</summary>
    public int CorruptOffset { get; init; }

    /// <summary>For <see cref="FaultAction.Corrupt"/>: the bit to flip in that byte (one bit set).</summary>
    public byte CorruptMask { get; init; }

    /// <summary>True if a frame is being held for reordering and must be passed on right after this one.</summary>
    public bool ReleaseHeld { get; init; }

    /// <summary>Index of the rule that decided (in <see cref="FaultInjector.Rules"/>), or -1 when none did.</summary>
    public int RuleIndex { get; init; }

    /// <summary>Flips the chosen bit in <paramref name="frame"/> if this is a <see cref="FaultAction.Corrupt"/>
    /// decision; does nothing otherwise.</summary>
    public void ApplyCorruption(Span<byte> frame)
    {
        if (Action == FaultAction.Corrupt)
        {
            frame[CorruptOffset] ^= CorruptMask;
        }
    }

    public override string ToString() => Action switch
    {
        FaultAction.Delay => $"delay {Delay}",
        FaultAction.Corrupt => $"corrupt byte {CorruptOffset} bit 0x{CorruptMask:x2}",
        FaultAction.Reorder => $"reorder (hold up to {Delay})",
        _ => Action.ToString().ToLowerInvariant(),
    } + (ReleaseHeld ? ", then release the held frame" : string.Empty);
}
