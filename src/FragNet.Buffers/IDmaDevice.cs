namespace FragNet.Buffers;

/// <summary>A device that maps memory for DMA (a NIC model, a virtual backend).</summary>
public interface IDmaDevice
{
    /// <summary>The device's name for reports.</summary>
    string Name { get; }

    /// <summary>Mappings made and not yet unmapped (a leak check asserts 0).</summary>
    int Outstanding { get; }

    /// <summary>Ends a mapping, dropping the frag references it held.</summary>
    void Unmap(DmaMapping mapping);

    /// <summary>The mapped bytes as the device sees them (throws for a stale handle).</summary>
    ReadOnlySpan<byte> Read(DmaMapping mapping);
}
