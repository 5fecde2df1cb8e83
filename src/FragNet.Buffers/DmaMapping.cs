namespace FragNet.Buffers;

/// <summary>
/// A handle for one DMA mapping made by <see cref="SkBuff.FragDmaMap"/>. The mapping holds the frag (its page and
/// destructor references) until <see cref="DmaDevice.Unmap"/>; unmapping a handle twice is detected.
/// </summary>
/// <param name="Slot">The device's mapping-table slot.</param>
/// <param name="Generation">Which use of that slot; a stale handle does not match.</param>
/// <param name="BusAddress">The device-visible address: frame number × page size + offset.</param>
/// <param name="Length">Bytes mapped.</param>
public readonly record struct DmaMapping(int Slot, uint Generation, long BusAddress, int Length);
