namespace FragNet.Devices;

/// <summary>
/// The fault injector's decision engine, placed on one direction of a link: for each frame it decides deliver, drop,
/// delay, duplicate, corrupt or reorder. Sans-IO: it reads the frame's bytes and the time it is given and returns a
/// <see cref="FaultDecision"/>; the link carries it out. Same seed, same rules, same frames ⇒ same decisions.
/// </summary>
/// <remarks>
/// <para><b>Rules</b> are consulted in the order they were added; the first that fires decides, and a frame no rule
/// fires on is delivered. A rule with a filter only sees frames the filter matches.</para>
/// <para><b>Independence.</b> Each rule has its own counter and its own random stream (derived from the seed and the
/// rule's index), and every rule draws for every frame it matches, whether or not an earlier rule already decided.
/// So a rule's choices depend only on the seed and on the frames it matches: adding a loss rule does not move which
/// frames a netoutage rule delays.</para>
/// <para><b>Reordering</b> holds at most one frame. The next frame passed on now (deliver, duplicate, corrupt) carries
/// <see cref="FaultDecision.ReleaseHeld"/>: the link sends the held one right after it. If no such frame comes within
/// the hold limit the link sends the held frame at the limit, and the injector, seeing a later <c>now</c>, knows it is
/// gone.</para>
/// <para><b>Counters</b> count decisions by action (<see cref="Count"/>) and, per rule, frames matched and fired on.
/// No allocation per frame. Not thread-safe: one injector per link direction.</para>
/// </remarks>
public sealed class FaultInjector
{
    private readonly List<FaultRule> _rules = [];
    private readonly List<RuleState> _states = [];
    private readonly long[] _counts = new long[Enum.GetValues<FaultAction>().Length];
    private bool _holding;        // a frame was decided Reorder and has not been released yet
    private Instant _holdDeadline; // when the link releases the held frame if no next frame comes
    private Instant _stallUntil;   // a stall holds this direction until then
    private int _stallHeld;        // frames held behind the current stall

    /// <summary>Creates an injector with no rules (it delivers everything).</summary>
    public FaultInjector(ulong seed, string name = "fault")
    {
        ArgumentNullException.ThrowIfNull(name);
        Seed = seed;
        Name = name;
    }

    /// <summary>The seed of every rule's random stream.</summary>
    public ulong Seed { get; }

    /// <summary>A name for logs and reports (which link, which direction).</summary>
    public string Name { get; }

    /// <summary>The rules, in the order they are consulted.</summary>
    public IReadOnlyList<FaultRule> Rules => _rules;

    /// <summary>Frames decided so far.</summary>
    public long Frames { get; private set; }

    /// <summary>True while a frame decided <see cref="FaultAction.Reorder"/> is waiting for its release.</summary>
    public bool IsHolding => _holding;

    /// <summary>Adds a rule after the existing ones; returns this injector, for chaining.</summary>
    public FaultInjector Add(FaultRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        _states.Add(new RuleState(new SeededRandom(SeededRandom.DeriveSeed(Seed, (ulong)_rules.Count))));
        _rules.Add(rule);
        return this;
    }

    /// <summary>Decisions taken so far with <paramref name="action"/>.</summary>
    public long Count(FaultAction action) => _counts[(int)action];

    /// <summary>Frames rule <paramref name="index"/> matched (its filter accepted them, or it has none).</summary>
    public long Matched(int index) => _states[index].Matched;

    /// <summary>Frames rule <paramref name="index"/> fired on, including those an earlier rule had already decided.</summary>
    public long Fired(int index) => _states[index].Fired;

    /// <summary>Most frames held behind one stall (NFQUEUE's default <c>queue_maxlen</c>); later ones are dropped.</summary>
    public int StallQueueLimit { get; set; } = 1024;

    /// <summary>Stalls started (each also counts its first frame under <see cref="FaultAction.Stall"/>).</summary>
    public long Stalls { get; private set; }

    /// <summary>Frames held behind a stall (not counting the frames that started one).</summary>
    public long StalledFrames { get; private set; }

    /// <summary>Frames dropped because a stall's queue was full.</summary>
    public long StallQueueDrops { get; private set; }

    /// <summary>True while a stall holds this direction at <paramref name="now"/>.</summary>
    public bool IsStalled(Instant now) => now < _stallUntil;

    /// <summary>Decides what happens to <paramref name="frame"/>, arriving at <paramref name="now"/>.</summary>
    public FaultDecision Decide(ReadOnlySpan<byte> frame, Instant now)
    {
        if (now < _stallUntil)
        {
            // Queued behind the stalled frame: the program that would apply the rules is not reading.
            Frames++;
            if (_stallHeld >= StallQueueLimit)
            {
                StallQueueDrops++;
                _counts[(int)FaultAction.Drop]++;
                return new FaultDecision { Action = FaultAction.Drop, RuleIndex = -1 };
            }

            _stallHeld++;
            StalledFrames++;
            _counts[(int)FaultAction.Stall]++;
            return new FaultDecision { Action = FaultAction.Stall, Delay = _stallUntil - now, RuleIndex = -1 };
        }

        if (_holding && now >= _holdDeadline)
        {
            _holding = false; // the link released it at the hold limit
        }

        FaultDecision decision = new() { Action = FaultAction.Deliver, RuleIndex = -1 };
        bool decided = false;
        for (int i = 0; i < _rules.Count; i++)
        {
            FaultRule rule = _rules[i];
            if (rule.Filter is not null && !rule.Filter.Matches(frame))
            {
                continue;
            }

            RuleState state = _states[i];
            state.Matched++;
            bool fires = rule.EveryNth > 0
                ? state.Matched % rule.EveryNth == 0
                : state.Random.NextBoolean(rule.Probability);
            fires &= rule.MaxFirings == 0 || state.Fired < rule.MaxFirings;
            int offset = 0;
            byte mask = 0;
            if (fires && rule.Action == FaultAction.Corrupt)
            {
                int bits = (frame.Length - rule.CorruptFrom) * 8;
                if (bits <= 0)
                {
                    fires = false;
                }
                else
                {
                    int bit = state.Random.Next(bits);
                    offset = rule.CorruptFrom + (bit / 8);
                    mask = (byte)(1 << (bit % 8));
                }
            }

            if (fires)
            {
                state.Fired++;
            }

            _states[i] = state;
            if (!fires || decided || (rule.Action == FaultAction.Reorder && _holding))
            {
                continue;
            }

            decided = true;
            decision = new FaultDecision
            {
                Action = rule.Action,
                Delay = rule.Action is FaultAction.Delay or FaultAction.Reorder or FaultAction.Stall ? rule.Delay : Duration.Zero,
                CorruptOffset = offset,
                CorruptMask = mask,
                RuleIndex = i,
            };
        }

        switch (decision.Action)
        {
            case FaultAction.Stall:
                _stallUntil = now + decision.Delay;
                _stallHeld = 0;
                _counts[(int)FaultAction.Stall]++;
                Stalls++;
                Frames++;
                return decision;
            case FaultAction.Reorder:
                _holding = true;
                _holdDeadline = now + decision.Delay;
                break;
            case FaultAction.Deliver or FaultAction.Duplicate or FaultAction.Corrupt when _holding:
                _holding = false;
                decision = decision with { ReleaseHeld = true };
                break;
        }

        Frames++;
        _counts[(int)decision.Action]++;
        return decision;
    }

    /// <summary>Per-rule state: counters and the rule's own random stream.</summary>
    private record struct RuleState(SeededRandom Random)
    {
        public long Matched;
        public long Fired;
    }
}
