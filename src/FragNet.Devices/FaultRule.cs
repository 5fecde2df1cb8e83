using System.Globalization;

namespace FragNet.Devices;

/// <summary>
/// One fault of a <see cref="FaultInjector"/>: what it does, how often, and optionally to which frames (a
/// <see cref="PacketFilter"/>). Immutable; the injector keeps each rule's counters and random stream.
/// </summary>
public sealed class FaultRule
{
    private FaultRule(FaultAction action, double probability, int everyNth, Duration delay, PacketFilter? filter, int corruptFrom)
    {
        if (probability is not (>= 0.0 and <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "a probability is within [0, 1]");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(everyNth);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, Duration.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(corruptFrom);
        Action = action;
        Probability = probability;
        EveryNth = everyNth;
        Delay = delay;
        Filter = filter;
        CorruptFrom = corruptFrom;
    }

    /// <summary>Most times the rule fires (0: no limit); see <see cref="AtMost"/>.</summary>
    public int MaxFirings { get; private init; }

    /// <summary>The same rule, firing at most <paramref name="times"/> times (a single outage: <c>AtMost(1)</c>).</summary>
    public FaultRule AtMost(int times)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        return new FaultRule(Action, Probability, EveryNth, Delay, Filter, CorruptFrom) { MaxFirings = times };
    }

    /// <summary>What the rule does to a frame it fires on.</summary>
    public FaultAction Action { get; }

    /// <summary>Chance that the rule fires on a matching frame (when <see cref="EveryNth"/> is 0).</summary>
    public double Probability { get; }

    /// <summary>If not 0, the rule fires on every N-th matching frame instead: the N-th, 2N-th, 3N-th...</summary>
    public int EveryNth { get; }

    /// <summary>Delay applied (<see cref="FaultAction.Delay"/>) or longest hold (<see cref="FaultAction.Reorder"/>).</summary>
    public Duration Delay { get; }

    /// <summary>The frames the rule applies to; null for every frame.</summary>
    public PacketFilter? Filter { get; }

    /// <summary>For <see cref="FaultAction.Corrupt"/>: the first byte that may be corrupted (14 spares the Ethernet
    /// header, so the frame still reaches its destination and fails a checksum there).</summary>
    public int CorruptFrom { get; }

    /// <summary>The talk's <c>netoutage</c>: delay every <paramref name="n"/>-th matching frame by
    /// <paramref name="delay"/>. Deterministic by count, not by chance, so "1 in N" holds exactly and the first
    /// delayed frame is the N-th.</summary>
    public static FaultRule DelayEveryNth(int n, Duration delay, PacketFilter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return new FaultRule(FaultAction.Delay, 0, n, delay, filter, 0);
    }

    /// <summary>The talk's <c>netoutage</c> as an outage: with probability 1/<paramref name="n"/> a matching frame
    /// stalls this direction for <paramref name="duration"/> (it and everything behind it are held, in order; see
    /// <see cref="FaultAction.Stall"/>). Chance, not count, so the seed decides which frames start a stall.</summary>
    public static FaultRule StallOneIn(int n, Duration duration, PacketFilter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return new FaultRule(FaultAction.Stall, 1.0 / n, 0, duration, filter, 0);
    }

    /// <summary>Delay each matching frame by <paramref name="delay"/> with probability <paramref name="probability"/>.</summary>
    public static FaultRule DelayRandomly(double probability, Duration delay, PacketFilter? filter = null) =>
        new(FaultAction.Delay, probability, 0, delay, filter, 0);

    /// <summary>Drop each matching frame with probability <paramref name="probability"/>.</summary>
    public static FaultRule Loss(double probability, PacketFilter? filter = null) =>
        new(FaultAction.Drop, probability, 0, Duration.Zero, filter, 0);

    /// <summary>Drop every <paramref name="n"/>-th matching frame.</summary>
    public static FaultRule DropEveryNth(int n, PacketFilter? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return new FaultRule(FaultAction.Drop, 0, n, Duration.Zero, filter, 0);
    }

    /// <summary>Duplicate each matching frame with probability <paramref name="probability"/>.</summary>
    public static FaultRule Duplicate(double probability, PacketFilter? filter = null) =>
        new(FaultAction.Duplicate, probability, 0, Duration.Zero, filter, 0);

    /// <summary>Flip one bit, chosen uniformly among the bits from byte <paramref name="fromOffset"/> on, of each
    /// matching frame with probability <paramref name="probability"/>. A frame too short to have such a byte is never
    /// corrupted.</summary>
    public static FaultRule Corrupt(double probability, PacketFilter? filter = null, int fromOffset = 0) =>
        new(FaultAction.Corrupt, probability, 0, Duration.Zero, filter, fromOffset);

    /// <summary>Hold each matching frame with probability <paramref name="probability"/> until the next frame has
    /// passed, but no longer than <paramref name="holdLimit"/>. One frame at most is held at a time.</summary>
    public static FaultRule Reorder(double probability, Duration holdLimit, PacketFilter? filter = null) =>
        new(FaultAction.Reorder, probability, 0, holdLimit, filter, 0);

    public override string ToString()
    {
        string how = EveryNth > 0
            ? $"every {EveryNth}th frame"
            : string.Create(CultureInfo.InvariantCulture, $"p={Probability}");
        string what = Action switch
        {
            FaultAction.Delay => $"delay {Delay}",
            FaultAction.Stall => $"stall {Delay}",
            FaultAction.Reorder => $"reorder (hold up to {Delay})",
            FaultAction.Corrupt when CorruptFrom > 0 => $"corrupt from byte {CorruptFrom}",
            _ => Action.ToString().ToLowerInvariant(),
        };
        return Filter is null ? $"{what}, {how}" : $"{what}, {how} of '{Filter}'";
    }
}
