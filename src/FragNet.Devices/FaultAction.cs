namespace FragNet.Devices;

/// <summary>What a <see cref="FaultInjector"/> decided for a frame; the caller carries it out.</summary>
public enum FaultAction
{
    /// <summary>Pass the frame on now, unchanged.</summary>
    Deliver,

    /// <summary>Drop the frame (count it as <see cref="Buffers.DropReason.FaultInjected"/>).</summary>
    Drop,

    /// <summary>Pass the frame on <see cref="FaultDecision.Delay"/> later (the talk's <c>netoutage</c>).</summary>
    Delay,

    /// <summary>Pass the frame on now, twice.</summary>
    Duplicate,

    /// <summary>Flip one bit (<see cref="FaultDecision.CorruptOffset"/>, <see cref="FaultDecision.CorruptMask"/>;
    /// <see cref="FaultDecision.ApplyCorruption"/> does it), then pass the frame on now.</summary>
    Corrupt,

    /// <summary>Hold the frame; pass it on right after the next frame that is passed on now (that frame's decision has
    /// <see cref="FaultDecision.ReleaseHeld"/>), or <see cref="FaultDecision.Delay"/> from now if none comes first.</summary>
    Reorder,

    /// <summary>Hold this frame and every later one in this direction until <see cref="FaultDecision.Delay"/> has
    /// passed, then pass them on in order: the talk's <c>netoutage</c> as a single-threaded NFQUEUE program behaves
    /// when it sleeps before the verdict on the frame it picked — the kernel queues everything behind it. Frames held
    /// behind a stall are decided <see cref="Stall"/> too, without consulting the rules; past the queue limit they are
    /// dropped.</summary>
    Stall,
}
