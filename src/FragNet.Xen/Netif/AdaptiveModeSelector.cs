using System.Numerics;
using System.Runtime.CompilerServices;

namespace FragNet.Xen.Netif;

/// <summary>
/// The brain of <see cref="NetbackMode.Adaptive"/>: for each size class of packets (sizes from one power of two to
/// the next) it measures what each fixed mode costs netback on the live traffic and uses the cheapest.
/// </summary>
/// <remarks>
/// <para><b>Why measure live.</b> Whether copying or mapping pays depends on things a start-up probe cannot see: a
/// guest that has just written its packet leaves the lines dirty in another CPU's cache, so a copy pulls every line
/// across; a mapping's cost depends on the hypervisor (a per-grant <c>mmap</c> costs microseconds, a premapped grant
/// check tens of nanoseconds) and on how long the stack holds the pages. The same packet size can favour a different
/// mode from one run to the next. So the costs are measured on the traffic itself.</para>
/// <para><b>What is measured.</b> A timed packet's cost is netback's own work on it: from the moment its mode is
/// chosen (the slots are already read and checked, the same for every mode) until the stack's receive call returns,
/// plus — for a mapping mode — the unmap and answer when the stack released it. Work on the guest's side is not
/// seen.</para>
/// <para><b>How it decides: probes in blocks.</b> A probe runs the modes it compares one after the other, a block of
/// <see cref="Block"/> packets each, and times the last <see cref="Window"/> packets of each block; each mode's
/// estimate is the mean of its window without the <see cref="Trim"/> slowest samples (a packet now and then is hit by
/// an interrupt; a median would also hide the costs a mode pays once in many packets, such as refilling a cache). The
/// untimed <see cref="WarmIn"/> at the start of a block matters more than anything else here: measured on the live
/// traffic, a mode that takes turns packet by packet with the incumbent, or that has only just started, looks about
/// a third dearer than it is once running — its code and data are cold and the guest's packets in flight still carry
/// the incumbent's traces — so the incumbent would always win. The blocks are short (a fraction of a millisecond), so
/// the machine's drift hardly separates them. A class's first probe runs every candidate in short blocks
/// (<see cref="FirstBlock"/>: a candidate may be many times dearer) and settles on the cheapest.
/// From then on a probe pairs the chosen mode with one other candidate, in turn (the challenger first), and the
/// challenger takes over if it is more than <see cref="Margin"/> cheaper in two probes running (the second right
/// after the first, so one noisy window cannot move the class). The candidates take turns: the first comes
/// <see cref="FirstInterval"/> packets after the first probe, and each turn's interval is twice the last, up to
/// <see cref="MaxInterval"/>; a switch brings the interval back to <see cref="ProbeEvery"/>. A candidate that lost
/// clearly (by <see cref="ClearLoss"/>, or by <see cref="EarlyClearLoss"/> while turns are still frequent) skips its
/// next turns, and no probe runs in their place — but the interval still doubles, so a far worse mode found while
/// everything was young is not probed again a few thousand packets later. Packets between probes are not timed at
/// all.</para>
/// <para><b>When the costs move.</b> If a mode's estimate moves by a factor of <see cref="Drift"/> from its last
/// probe to this one, every estimate is taken for stale: the turns start over at <see cref="FirstInterval"/> and no
/// candidate skips one. This is what corrects a choice made while the code was young — the first probe runs in the
/// JIT's first tier, where a mode can look several times dearer than it will be, and a challenger's code, run only in
/// probes, reaches the last tier later than the chosen mode's.</para>
/// <para><b>Youth.</b> Drift alone is too slow to undo what the JIT does early on. The runtime compiles a method three
/// times — quickly, then instrumented, then with what the instrumentation saw — each step after the method has been
/// called a few dozen times and the process has been quiet for a tenth of a second. The chosen mode's code runs on
/// every packet and is done within a few hundred milliseconds; a challenger's code runs only in probes, and by the time
/// it is done, the turns have thinned out and the next probe of it may be seconds away. Measured cross-process at
/// 1500 B, premapped, 1 s per mode, adaptive finished three runs of five copying (or half copying) at 0.7 of map-foreign's
/// throughput, its estimate of map-foreign three times too dear; with the JIT's tiers turned off it chose map-foreign
/// every time. So for its first <see cref="Youth"/> of the clock's time a class is young: its turns come at least once
/// per <see cref="YoungInterval"/> packets, so every candidate's code keeps being called, is compiled in its final tier
/// like the chosen mode's, and is judged again on that code within a few tens of milliseconds; only a far worse
/// candidate (<see cref="EarlyClearLoss"/>) skips turns. When the youth is over the turns thin out as before. (Starting
/// the turns over at the end of the youth was tried: it probed the per-grant <c>mmap</c> modes again and cost 1–3 % at
/// 64 KiB per grant.)</para>
/// <para><b>Quick looks at far losers.</b> A candidate that lost by more than <see cref="EarlyClearLoss"/> — a
/// per-grant <c>mmap</c> at 64 KiB costs ten times a copy — is probed, when its turn comes, in the first probe's short
/// blocks: enough to see that it is still far worse, at an eighth of the price. If it came within that factor, the pair
/// is probed again at once in full blocks, and that probe decides as any other. Without this, a restart (a drift) cost
/// one full block of each <c>mmap</c> mode, 2 % of a 5 s run at 64 KiB per grant.</para>
/// <para><b>Cost of learning.</b> The price of a probe is mostly not its timing but the switch: the challenger's block
/// runs in a mode that is dearer, and cold for its first packets, and the guest's window of packets in flight feels
/// it. Once a choice holds, a close candidate is probed once per <see cref="MaxInterval"/> packets and a clear loser
/// far less often, and two clock reads are taken for a few hundredths of a percent of the packets; between probes a
/// packet costs one countdown. Where two modes are within a few percent of each other, the estimates may put them
/// either way round from probe to probe, and adaptive then spends part of the time in the slightly dearer one
/// (<see cref="AdaptiveSizeClass.PacketsByMode"/> shows how much).</para>
/// <para><b>Invariants.</b> Estimates are compared only once every mode of a probe has a full window, and a window's
/// samples are all of one mode and one class. Nothing allocates after a class's first packet.</para>
/// </remarks>
public sealed class AdaptiveModeSelector
{
    /// <summary>Timed packets per mode in a probe: the end of its block.</summary>
    public const int Window = 64;

    /// <summary>The slowest samples of a window left out of its mean (a packet hit by an interrupt).</summary>
    public const int Trim = 8;

    /// <summary>Untimed packets at the start of each mode's block in a probe: long enough for the mode to reach its
    /// steady state — the guest's window of packets in flight turned over, the mode's code and data back in the
    /// caches — so a challenger is not judged cold against a warm incumbent.</summary>
    public const int WarmIn = 192;

    /// <summary>Packets per mode in a probe, one block each.</summary>
    public const int Block = WarmIn + Window;

    /// <summary>Timed packets per mode in a class's first probe, which runs every candidate — some possibly many
    /// times dearer (a per-grant map) — and only has to tell the plausible from the far worse.</summary>
    public const int FirstWindow = 16;

    /// <summary>Packets per mode in the first probe (<see cref="FirstWindow"/> timed after as many untimed).</summary>
    public const int FirstBlock = 2 * FirstWindow;

    /// <summary>Packets of a class between two turns once its code is compiled in its final tier and
    /// <see cref="ClearLoss"/> applies; also the interval a class returns to after a switch, so the new choice is
    /// checked soon.</summary>
    public const int ProbeEvery = 32768;

    /// <summary>Packets before a class's second turn; the interval doubles with each turn (a probe, or a turn a clear
    /// loser skips) up to <see cref="MaxInterval"/>, so a choice made while the code was still being compiled is soon
    /// checked again, and a choice that holds costs less and less to keep.</summary>
    public const int FirstInterval = 1024;

    /// <summary>The longest interval between two turns: with three other candidates, each is looked at once per
    /// 786,432 packets of its class (a third of a second of 64-byte packets here, a few seconds of 64 KiB ones).</summary>
    public const int MaxInterval = 262144;

    /// <summary>A candidate that lost a probe by more than this factor skips its next turns — and those intervals go
    /// without a probe — as many as it was times dearer (rounded up, less one), doubled each time it loses so, up to
    /// <see cref="MaxBackoff"/>; it is probed at its normal rate again once it comes close. A mode ten times dearer
    /// (a per-grant <c>mmap</c>) then wastes a few hundredths of a percent of netback's work, and is still looked at
    /// again now and then.</summary>
    public const double ClearLoss = 1.25;

    /// <summary><see cref="ClearLoss"/> while a class's probes are still frequent (the code may not be compiled in
    /// its final tier yet).</summary>
    public const double EarlyClearLoss = 4;

    /// <summary>The most turns a clear loser skips in a row.</summary>
    public const int MaxBackoff = 64;

    /// <summary>How much cheaper a probed mode must be to take over (hysteresis against noise).</summary>
    public const double Margin = 0.02;

    /// <summary>The factor by which a mode's cost may move from one of its probes to the next before every estimate is
    /// taken for stale: the turns start over at <see cref="FirstInterval"/> and no candidate skips one. A cost moves
    /// that much when its code is compiled in a better tier — a mode timed in its first tier can look several times
    /// dearer, the first probe comes that early, and a challenger's code, run only in probes, reaches the last tier
    /// later than the chosen mode's — or when a neighbour starts to share the core; a probe's noise moves it by a
    /// third now and then, which is why the factor is not smaller.</summary>
    public const double Drift = 2;

    /// <summary>The longest interval between two turns while a class is young (see <see cref="Youth"/>): each other
    /// candidate is looked at once per 49,152 packets of the class, often enough that its code, run only in probes, is
    /// called and compiled in its final tier like the chosen mode's.</summary>
    public const int YoungInterval = 16384;

    private static readonly NetbackMode[] CandidateModes =
        [NetbackMode.Copy, NetbackMode.MapForeign, NetbackMode.MapDestructor, NetbackMode.CopyHeaderMapRest];

    private readonly SizeClass?[] _classes = new SizeClass?[32];
    private readonly IWorkClock? _clock;
    private readonly long _youthTicks;

    /// <summary>What <see cref="Choose"/> reads between probes, by class: kept apart from <see cref="SizeClass"/> so
    /// the per-packet path touches one small struct (a countdown and a mode) and nothing else — held inline in this
    /// object, not in an array of its own, so that is one cache line and no bounds to load.</summary>
    private Countdowns _countdowns;

    /// <summary>A selector whose classes are grown up from the start: no clock is read (for tests of the turns).</summary>
    public AdaptiveModeSelector()
    {
    }

    /// <summary>A selector whose classes stay young for <paramref name="youth"/> of <paramref name="clock"/>'s time
    /// from their first packet (see <see cref="Youth"/>); the clock is read once when a class is made and once at the
    /// end of each of its probes while it is young.</summary>
    public AdaptiveModeSelector(IWorkClock clock, Duration youth)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfNegative(youth.TotalMicroseconds, nameof(youth));
        _clock = clock;
        _youthTicks = (long)(youth.TotalSeconds * clock.TicksPerSecond);
    }

    /// <summary>How long a class stays young, in the clock's ticks (0: never young).</summary>
    public long Youth => _youthTicks;

    /// <summary>The fixed modes adaptive chooses between.</summary>
    public static IReadOnlyList<NetbackMode> Candidates => CandidateModes;

    /// <summary>The size class of a packet of <paramref name="size"/> bytes (its binary logarithm).</summary>
    public static int ClassOf(int size) => BitOperations.Log2((uint)size | 1);

    /// <summary>The mode for the next packet of <paramref name="size"/> bytes; <paramref name="timed"/> says whether
    /// netback should time it and <see cref="Record"/> the cost.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public NetbackMode Choose(int size, out bool timed)
    {
        // Between probes (almost every packet): one countdown and the class's mode. A class not seen yet has a
        // countdown of zero, so its first packet takes the slow path too.
        ref Countdown d = ref _countdowns[ClassOf(size)];
        if (--d.Left > 0)
        {
            timed = false;
            return d.Mode;
        }

        return ChooseSlowly(size, out timed);
    }

    /// <summary>A probe's turn (starting the probe if the countdown ran out), or a class's first packet.</summary>
    private NetbackMode ChooseSlowly(int size, out bool timed)
    {
        int k = ClassOf(size);
        SizeClass c = _classes[k] ??= new SizeClass(this, k);
        int m;
        if (c.ProbeTurn < 0 && !c.StartPairwiseProbe())
        {
            timed = false;
            m = c.Current;
        }
        else
        {
            m = c.NextProbeTurn(out timed);
        }

        c.CountSlow(m);
        return CandidateModes[m];
    }

    /// <summary>A timed packet's cost: netback's work on one packet of <paramref name="size"/> bytes in
    /// <paramref name="mode"/>, in the work clock's ticks.</summary>
    public void Record(int size, NetbackMode mode, long ticks)
    {
        int m = Array.IndexOf(CandidateModes, mode);
        SizeClass? c = _classes[ClassOf(size)];
        if (c is null || m < 0)
        {
            throw new ArgumentException($"no packet of {size} bytes was given mode {mode}", nameof(mode));
        }

        c.Add(m, ticks);
    }

    /// <summary>What each size class learned so far, smallest first (allocates: for reports, not per packet).</summary>
    public IReadOnlyList<AdaptiveSizeClass> Report(long ticksPerSecond)
    {
        var list = new List<AdaptiveSizeClass>();
        for (int k = 0; k < _classes.Length; k++)
        {
            if (_classes[k] is not { } c)
            {
                continue;
            }

            var costs = new Dictionary<NetbackMode, double>();
            for (int m = 0; m < CandidateModes.Length; m++)
            {
                if (c.Estimate[m] >= 0)
                {
                    costs[CandidateModes[m]] = c.Estimate[m] * 1e9 / ticksPerSecond;
                }
            }

            int max = k >= 30 ? int.MaxValue : (2 << k) - 1;
            var byMode = new Dictionary<NetbackMode, long>();
            for (int m = 0; m < CandidateModes.Length; m++)
            {
                byMode[CandidateModes[m]] = c.PacketsIn(m);
            }

            list.Add(new AdaptiveSizeClass(1 << k, max, c.Settled ? CandidateModes[c.Current] : null, c.Packets, c.Probes, c.Switches, costs)
            {
                PacketsByMode = byMode,
                Restarts = c.Restarts,
                Young = c.Young,
            });
        }

        return list;
    }

    /// <summary>One size class's state.</summary>
    private sealed class SizeClass
    {
        private readonly long[][] _samples;
        private readonly int[] _count;
        private readonly int[] _set;
        private readonly int[] _skips;
        private readonly int[] _backoff;
        private readonly bool[] _far;
        private int _challenger = -1;
        private int _recheck = -1;
        private int _window = FirstWindow;
        private int _roundRobin = -1;
        private int _setSize;
        private readonly AdaptiveModeSelector _owner;
        private readonly int _k;
        private readonly long[] _byMode = new long[CandidateModes.Length];
        private readonly long _bornAt;
        private bool _moved;

        public SizeClass(AdaptiveModeSelector owner, int k)
        {
            _owner = owner;
            _k = k;
            Young = owner._youthTicks > 0;
            _bornAt = Young ? owner._clock!.Ticks : 0;
            int n = CandidateModes.Length;
            _samples = new long[n][];
            for (int m = 0; m < n; m++)
            {
                _samples[m] = new long[Window];
            }

            _count = new int[n];
            _set = new int[n];
            _skips = new int[n];
            _backoff = new int[n];
            Array.Fill(_backoff, 1);
            _far = new bool[n];
            Estimate = new double[n];
            Array.Fill(Estimate, -1);
            for (int m = 0; m < n; m++)
            {
                _set[m] = m; // the first probe compares every candidate
            }

            _setSize = n;
            ProbeTurn = 0;
            Probes = 1;
        }

        /// <summary>Ticks per packet by candidate, the trimmed mean of its last full window; negative: none yet.</summary>
        public double[] Estimate { get; }

        /// <summary>The candidate in use between probes (index into the candidates); copy until the first probe is
        /// decided.</summary>
        public int Current
        {
            get;
            private set
            {
                Flush(); // the packets counted down so far went in the mode until now
                field = value;
                Fast.Mode = CandidateModes[value];
            }
        }

        /// <summary>True once the first probe was decided.</summary>
        public bool Settled { get; private set; }

        /// <summary>Turns issued in the running probe, or -1 between probes.</summary>
        public int ProbeTurn { get; private set; }

        /// <summary>Packets until the next probe (counted down by <see cref="Choose"/>; zero or less while one
        /// runs). Set only through here, so the packets counted down are added up.</summary>
        public int UntilProbe
        {
            get => Fast.Left;
            set
            {
                Flush();
                Fast.Left = value;
                Fast.From = value;
            }
        }

        /// <summary>Every packet of the class: those counted in a mode and those the running countdown passed.</summary>
        public long Packets => _byMode.Sum() + FastSoFar;

        /// <summary>A packet that took the slow path (a probe's, a countdown's last, the first), in candidate
        /// <paramref name="m"/>.</summary>
        public void CountSlow(int m) => _byMode[m]++;

        /// <summary>Packets of the class sent in candidate <paramref name="m"/> so far.</summary>
        public long PacketsIn(int m) => _byMode[m] + (m == Current ? FastSoFar : 0);

        /// <summary>Moves the packets counted down so far into the current mode's count, so the countdown or the
        /// mode can change.</summary>
        private void Flush()
        {
            _byMode[Current] += FastSoFar;
            Fast.From = Math.Max(Fast.Left, 0);
        }

        private ref Countdown Fast => ref _owner._countdowns[_k];

        /// <summary>Packets that passed the running countdown on the fast path: all but the last of it once it ran
        /// out (that one took the slow path).</summary>
        private long FastSoFar => Fast.Left > 0 ? Fast.From - Fast.Left : Math.Max(0, Fast.From - 1);

        public long Probes { get; private set; }

        public long Switches { get; private set; }

        /// <summary>Times the turns started over because a mode's cost moved (<see cref="Drift"/>).</summary>
        public long Restarts { get; private set; }

        /// <summary>True until the end of the first probe after <see cref="Youth"/> has passed.</summary>
        public bool Young { get; private set; }

        /// <summary>Packets between the probe running (or the last) and the next.</summary>
        public int Interval { get; private set; } = FirstInterval;

        /// <summary>Pairs the chosen mode with the next other candidate — unless that one lost clearly of late and
        /// skips this turn: then no probe runs this interval. False if none started.</summary>
        public bool StartPairwiseProbe()
        {
            int other = _challenger >= 0 ? _challenger : _recheck;
            _recheck = -1;
            if (other < 0)
            {
                do
                {
                    _roundRobin = (_roundRobin + 1) % CandidateModes.Length;
                }
                while (_roundRobin == Current);

                other = _roundRobin; // the turn passes even if this one skips it
                if (_skips[other] > 0)
                {
                    _skips[other]--;
                    EndTurn();
                    return false;
                }
            }

            _set[0] = Current;
            _set[1] = other;
            _setSize = 2;
            _window = _far[other] ? FirstWindow : Window; // a far loser gets a quick look
            _count[Current] = 0;
            _count[other] = 0;
            ProbeTurn = 0;
            Probes++;
            return true;
        }

        /// <summary>The mode of the probe's next packet; the probe stops issuing after its last turn.</summary>
        public int NextProbeTurn(out bool timed)
        {
            // Blocks, last mode of the set first: a pairwise probe runs the challenger, then the chosen mode.
            int turn = ProbeTurn++;
            int block = _window == FirstWindow ? FirstBlock : Block;
            int m = _set[_setSize - 1 - (turn / block)];
            timed = turn % block >= block - _window;
            if (ProbeTurn >= block * _setSize)
            {
                ProbeTurn = -1;
                EndTurn();
            }

            return m;
        }

        /// <summary>A turn is over (probed or skipped): the next comes after the interval, which doubles.</summary>
        private void EndTurn()
        {
            UntilProbe = Interval;
            Interval = Math.Min(Young ? YoungInterval : MaxInterval, Interval * 2);
        }

        public void Add(int m, long ticks)
        {
            if (_count[m] >= _window)
            {
                return; // a late sample of a window already full
            }

            _samples[m][_count[m]++] = ticks;
            if (_count[m] < _window)
            {
                return;
            }

            long[] s = _samples[m];
            Array.Sort(s, 0, _window);
            long sum = 0;
            int kept = _window - (_window * Trim / Window);
            for (int i = 0; i < kept; i++)
            {
                sum += s[i];
            }

            double before = Estimate[m];
            Estimate[m] = sum / (double)kept;
            _moved |= before > 0 && (Estimate[m] > before * Drift || Estimate[m] < before / Drift);
            for (int i = 0; i < _setSize; i++)
            {
                if (_count[_set[i]] < _window)
                {
                    return; // the probe's other modes are still being timed
                }
            }

            Decide();
        }

        private void Decide()
        {
            if (!Settled)
            {
                // Every candidate of the first probe, or (if its packets were never all released) those measured since.
                int best = Current;
                for (int m = 0; m < Estimate.Length; m++)
                {
                    best = Estimate[m] >= 0 && (Estimate[best] < 0 || Estimate[m] < Estimate[best]) ? m : best;
                }

                Current = best;
                Settled = true;
                for (int m = 0; m < Estimate.Length; m++)
                {
                    if (m != best && Estimate[m] >= 0)
                    {
                        Judge(m); // only a far worse one (EarlyClearLoss) is held back this early
                    }
                }

                return;
            }

            if (Young && _owner._clock!.Ticks - _bornAt >= _owner._youthTicks)
            {
                Young = false; // every candidate's code has had the time to be compiled in its final tier
            }

            if (_moved)
            {
                _moved = false;
                StartOver();
            }

            int other = _set[1];
            if (_window == FirstWindow)
            {
                if (Estimate[other] > Estimate[Current] * EarlyClearLoss)
                {
                    Judge(other); // still far worse: back to skipping turns
                    return;
                }

                // It came close: it is probed in full at once, and that probe decides as any other.
                _far[other] = false;
                _recheck = other;
                UntilProbe = Math.Min(UntilProbe, 1);
                return;
            }

            if (Estimate[other] < Estimate[Current] * (1 - Margin))
            {
                if (_challenger != other)
                {
                    // One win can be noise: the same pair is probed again at once, and a second win decides.
                    _challenger = other;
                    UntilProbe = Math.Min(UntilProbe, 1);
                    return;
                }

                Current = other;
                Switches++;
                _backoff[other] = 1;
                _challenger = -1;
                ShortenTurns(ProbeEvery); // things changed: the new choice is checked soon
                return;
            }

            _challenger = -1;
            Judge(other);
        }

        /// <summary>The interval becomes at most <paramref name="interval"/>, the running countdown too.</summary>
        private void ShortenTurns(int interval)
        {
            Interval = Math.Min(Interval, interval);
            UntilProbe = Math.Min(UntilProbe, Interval);
        }

        /// <summary>A mode's cost moved by a factor of more than <see cref="Drift"/>: the turns start over.</summary>
        private void StartOver()
        {
            Restarts++;
            ShortenTurns(FirstInterval);
            Array.Clear(_skips);
            Array.Fill(_backoff, 1);
        }

        /// <summary>A candidate that lost to the chosen mode: a clear loser skips turns in proportion to how much
        /// dearer it was (a probe of it costs that much more), twice as many each time it loses so.</summary>
        private void Judge(int loser)
        {
            // While probes are still frequent the estimates come from code still being compiled, which can make a
            // mode look a few times dearer than it is; only a far worse one (a per-grant mmap) is held back then.
            double ratio = Estimate[loser] / Estimate[Current];
            _far[loser] = ratio > EarlyClearLoss;
            if (ratio > (Interval >= ProbeEvery ? ClearLoss : EarlyClearLoss))
            {
                _skips[loser] = (int)Math.Min(MaxBackoff, _backoff[loser] * Math.Ceiling(ratio - 1));
                _backoff[loser] = Math.Min(MaxBackoff, _backoff[loser] * 2);
            }
            else
            {
                _backoff[loser] = 1;
            }
        }
    }

    /// <summary>One <see cref="Countdown"/> per size class, inline.</summary>
    [InlineArray(32)]
    private struct Countdowns
    {
        private Countdown _first;
    }

    /// <summary>A class's per-packet state: packets left until the next probe and the mode until then.</summary>
    private struct Countdown
    {
        public int Left;
        public int From;
        public NetbackMode Mode;
    }
}
