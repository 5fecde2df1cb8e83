namespace FragNet.Devices;

/// <summary>What a <see cref="TcpTransfer"/> run measured. <see cref="Passed"/> only if every byte arrived intact and
/// nothing leaked.</summary>
public sealed record TcpTransferReport
{
    public required long BytesSent { get; init; }

    public required long BytesDelivered { get; init; }

    public required bool ChecksumMatch { get; init; }

    public required string Sha256 { get; init; }

    public required long Retransmits { get; init; }

    public required long FastRetransmits { get; init; }

    public required long Timeouts { get; init; }

    public required long FramesSent { get; init; }

    public required long FramesDropped { get; init; }

    /// <summary>Frames the fault injector delayed (the netoutage rule, or random delays).</summary>
    public required long FramesDelayed { get; init; }

    public required double VirtualSeconds { get; init; }

    public required double WallSeconds { get; init; }

    public required int LeakedPages { get; init; }

    public required int LeakedDestructors { get; init; }

    public required int LeakedBuffers { get; init; }

    public string? Error { get; init; }

    public bool Passed => Error is null && ChecksumMatch && BytesDelivered == BytesSent && LeakedPages == 0
        && LeakedDestructors == 0 && LeakedBuffers == 0;
}
