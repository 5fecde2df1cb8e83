namespace FragNet.Buffers.Verification;

/// <summary>What a checked run found. <see cref="Passed"/> only with no violation and nothing leaked.</summary>
public sealed record SkbModelReport
{
    public required int Ops { get; init; }

    public required int Seed { get; init; }

    /// <summary>Shapes built during the run.</summary>
    public required IReadOnlyList<string> Shapes { get; init; }

    /// <summary>Operations executed, by name (skipped steps are not counted here).</summary>
    public required IReadOnlyDictionary<string, long> Operations { get; init; }

    /// <summary>Steps whose preconditions did not hold (e.g. Shift from a buffer with linear bytes), by name.</summary>
    public required IReadOnlyDictionary<string, long> Skipped { get; init; }

    public required int Violations { get; init; }

    public required int LeakedPages { get; init; }

    public required int LeakedDestructors { get; init; }

    public required int LeakedBuffers { get; init; }

    public required int LeakedMappings { get; init; }

    public required int DestructorsCreated { get; init; }

    public required int DestructorRuns { get; init; }

    public required int ForeignPagesCreated { get; init; }

    public required int ForeignDestructorRuns { get; init; }

    /// <summary>The first violation: where, what, and the steps that reproduce it.</summary>
    public SkbViolation? FirstViolation { get; init; }

    public bool Passed => Violations == 0 && LeakedPages == 0 && LeakedDestructors == 0 && LeakedBuffers == 0
        && LeakedMappings == 0 && DestructorRuns == DestructorsCreated && ForeignDestructorRuns == ForeignPagesCreated;
}
