namespace FragNet.Devices;

/// <summary>
/// Names one scheduled event of a <see cref="Simulator"/>, to cancel it. Stays valid after the event ran or was
/// cancelled (it then names nothing; cancelling it again returns false), even when the simulator reuses the slot.
/// <c>default</c> names no event.
/// </summary>
public readonly record struct SimulatorEventId
{
    internal SimulatorEventId(int slot, uint generation)
    {
        Slot = slot;
        Generation = generation;
    }

    /// <summary>True for <c>default</c>: no event.</summary>
    public bool IsNone => Generation == 0;

    /// <summary>The simulator's entry slot.</summary>
    internal int Slot { get; }

    /// <summary>The slot's life this id belongs to; 0 for none.</summary>
    internal uint Generation { get; }

    public override string ToString() => IsNone ? "no event" : $"event {Slot}.{Generation}";
}
