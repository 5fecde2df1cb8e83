namespace FragNet.Buffers;

/// <summary>Direction of a DMA mapping (Linux <c>enum dma_data_direction</c>).</summary>
public enum DmaDirection
{
    /// <summary>Bidirectional.</summary>
    Bidirectional = 0,

    /// <summary>The device reads the memory (transmit).</summary>
    ToDevice = 1,

    /// <summary>The device writes the memory (receive).</summary>
    FromDevice = 2,
}
