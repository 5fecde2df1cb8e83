namespace FragNet.Buffers.Verification;

/// <summary>
/// The model-based checker: applies <see cref="SkbOp"/> steps to real buffers and to a flat reference model (one byte
/// array per buffer) and, after every step, compares them and checks the reference rules of the brief.
/// </summary>
/// <remarks>
/// <para>Checked after every step: the bytes of every buffer the step touched equal the model's; geometry
/// (<c>Len == HeadLen + DataLen</c>, frag ranges, frag-list lengths); rule 8 for every page and destructor
/// (<c>count == outside holders + live frags + mappings</c>); rule 3 for every data buffer (<c>DataRef</c> equals the
/// headers pointing at it). Every 64 steps all live buffers' bytes are compared, through the copy, the zero-copy
/// view and the checksum.</para>
/// <para>Lenders behave like the talk's application: when a destructor runs, its pages must be referenced by nobody
/// but the lender, and the lender at once overwrites them with 0x55; pool pages are poisoned when freed and a foreign
/// page goes back to the pool when its page destructor runs. A buffer still reaching such memory shows wrong bytes or
/// trips the page-life check, which is a violation. At the end everything is freed and the run must show every page
/// back, every destructor run exactly once, no buffer and no mapping left.</para>
/// </remarks>
public sealed class SkbModel : IDisposable
{
    /// <summary>Live buffers above which creating steps turn into frees.</summary>
    public const int MaxLive = 24;

    private const int PoolPages = 1024;
    private const int LenderPageCount = 128;
    private const byte RewriteByte = 0x55; // what the application writes into its buffer once the stack let go

    private static readonly DropReason[] DropReasons =
        [DropReason.NotSpecified, DropReason.QueueFull, DropReason.TcpChecksum, DropReason.FaultInjected, DropReason.Timeout];

    private readonly PagePool _pool;
    private readonly SkbCache _cache;
    private readonly UserBuffer _lender;
    private readonly DmaDevice _dma;
    private readonly List<Entry> _live = [];
    private readonly List<Entry> _touched = [];
    private readonly List<LentRecord> _destructors = [];
    private readonly List<ForeignRecord> _foreign = [];
    private readonly List<MappingRecord> _mappings = [];
    private readonly Stack<int> _freeLenderPages = new();
    private readonly Dictionary<string, long> _counts = [];
    private readonly Dictionary<string, long> _skipped = [];
    private readonly SortedSet<string> _shapes = [];
    private readonly Dictionary<Page, int> _pageRefs = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<FragDestructor, int> _destructorRefs = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SharedInfo, int> _headers = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<SkBuff, int> _memberHolders = new(ReferenceEqualityComparer.Instance);
    private byte[] _scratch = new byte[1 << 17];
    private string? _callbackViolation;
    private int _step;
    private bool _finished;

    public SkbModel()
    {
        _pool = new PagePool(PoolPages, "model-pool") { PoisonOnFree = true };
        _cache = new SkbCache(_pool, "model-skb");
        _lender = new UserBuffer(LenderPageCount, "model-lender");
        _dma = new DmaDevice("model-nic", 4096);
        for (int i = LenderPageCount - 1; i >= 0; i--)
        {
            _freeLenderPages.Push(i);
        }
    }

    /// <summary>The first violation, once one happened; the model stops applying steps after it.</summary>
    public string? Violation { get; private set; }

    /// <summary>The step the violation happened at.</summary>
    public int ViolationStep { get; private set; } = -1;

    /// <summary>Steps applied so far.</summary>
    public int Steps => _step;

    /// <summary>Runs <paramref name="ops"/> in a fresh model and reports (without shrinking).</summary>
    public static SkbModelReport Run(IReadOnlyList<SkbOp> ops, int seed = 0)
    {
        using var model = new SkbModel();
        foreach (SkbOp op in ops)
        {
            if (!model.Apply(op))
            {
                break;
            }
        }

        return model.Finish(seed, ops);
    }

    /// <summary>Applies one step; returns false once a violation has been found.</summary>
    public bool Apply(SkbOp op)
    {
        if (Violation is not null || _finished)
        {
            return false;
        }

        _touched.Clear();
        try
        {
            string? skippedWhy = ApplyCore(op);
            Count(skippedWhy is null ? _counts : _skipped, op.Kind.ToString());
            CheckCallbacks();
            foreach (Entry e in _touched)
            {
                if (_live.Contains(e))
                {
                    CheckEntry(e, deep: false);
                }
            }

            CheckReferenceRules();
            if (_step % 64 == 63)
            {
                foreach (Entry e in _live)
                {
                    CheckEntry(e, deep: true);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Violation = $"{ex.GetType().Name}: {ex.Message}";
            ViolationStep = _step;
        }

        _step++;
        return Violation is null;
    }

    /// <summary>Frees everything, then checks that every page came back and every destructor ran exactly once.</summary>
    public SkbModelReport Finish(int seed, IReadOnlyList<SkbOp>? ops = null)
    {
        int violations = Violation is null ? 0 : 1;
        if (!_finished)
        {
            _finished = true;
            try
            {
                TearDown();
                CheckCallbacks();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                if (Violation is null)
                {
                    Violation = $"teardown: {ex.GetType().Name}: {ex.Message}";
                    ViolationStep = _step;
                    violations = 1;
                }
            }
        }

        int lenderLeaks = 0;
        for (int i = 0; i < LenderPageCount; i++)
        {
            lenderLeaks += _lender[i].RefCount == 1 ? 0 : 1;
        }

        int destructorRuns = _destructors.Sum(d => d.Runs);
        SkbViolation? first = null;
        if (Violation is not null)
        {
            SkbOp at = ops is not null && ViolationStep >= 0 && ViolationStep < ops.Count ? ops[ViolationStep] : default;
            IEnumerable<SkbOp> repro = ops is null ? [] : ops.Take(ViolationStep + 1);
            first = new SkbViolation(ViolationStep, at.ToString(), Violation, repro.Select(o => o.ToString()).ToArray());
        }

        return new SkbModelReport
        {
            Ops = _step,
            Seed = seed,
            Shapes = _shapes.ToArray(),
            Operations = new SortedDictionary<string, long>(_counts),
            Skipped = new SortedDictionary<string, long>(_skipped),
            Violations = violations,
            LeakedPages = _pool.Outstanding + lenderLeaks,
            LeakedDestructors = _destructors.Count(d => d.Runs != 1),
            LeakedBuffers = _cache.Live,
            LeakedMappings = _dma.Outstanding,
            DestructorsCreated = _destructors.Count,
            DestructorRuns = destructorRuns,
            ForeignPagesCreated = _foreign.Count,
            ForeignDestructorRuns = _foreign.Sum(f => f.Runs),
            FirstViolation = first,
        };
    }

    public void Dispose()
    {
        if (!_finished)
        {
            Finish(0);
        }

        _lender.Dispose();
        if (_pool.Outstanding == 0)
        {
            _pool.Dispose();
        }
    }

    // ---- steps ----

    /// <summary>Applies a step; returns null when done, or why it was skipped.</summary>
    private string? ApplyCore(SkbOp op)
    {
        SkbOpKind kind = op.Kind;
        bool creates = kind is SkbOpKind.Create or SkbOpKind.Clone or SkbOpKind.PskbCopy or SkbOpKind.Copy
            or SkbOpKind.Segment or SkbOpKind.Split;
        if (creates && _live.Count >= MaxLive)
        {
            kind = SkbOpKind.Free;
        }

        if (kind == SkbOpKind.Create)
        {
            return Create(op);
        }

        if (kind == SkbOpKind.ReleaseCreator)
        {
            LentRecord[] holding = _destructors.Where(d => d.Destructor.CreatorHolds).ToArray();
            if (holding.Length == 0)
            {
                return "no destructor held by its creator";
            }

            holding[(int)((uint)op.A % holding.Length)].Destructor.Release();
            return null;
        }

        if (kind == SkbOpKind.DmaUnmap)
        {
            if (_mappings.Count == 0)
            {
                return "nothing mapped";
            }

            int k = (int)((uint)op.A % _mappings.Count);
            MappingRecord m = _mappings[k];
            _mappings.RemoveAt(k);
            if (!_dma.Read(m.Mapping).SequenceEqual(m.Expected))
            {
                throw new InvalidOperationException("a DMA mapping's bytes changed while the device held them");
            }

            _dma.Unmap(m.Mapping);
            return null;
        }

        if (_live.Count == 0)
        {
            return "no live buffer";
        }

        Entry a = _live[(int)((uint)op.A % _live.Count)];
        Entry b = _live[(int)((uint)op.B % _live.Count)];
        SkBuff skb = a.Skb;
        int len = skb.Len;
        uint c = (uint)op.C;
        switch (kind)
        {
            case SkbOpKind.Clone:
                Add(skb.Clone(), a.Expected);
                return null;
            case SkbOpKind.PskbCopy:
                Add(skb.PskbCopy(), a.Expected);
                return null;
            case SkbOpKind.Copy:
                Add(skb.Copy(), a.Expected);
                return null;
            case SkbOpKind.Unshare:
                a.Skb = skb.Unshare();
                Touch(a);
                return null;
            case SkbOpKind.ExpandHead:
                skb.ExpandHead((int)(c % 200), (int)((uint)op.B % 300));
                Touch(a);
                return null;
            case SkbOpKind.PullTail:
            {
                int n = (int)(c % (uint)(len + 2));
                bool ok = skb.PullTail(n);
                if (ok != (n <= len) || (ok && skb.HeadLen < n))
                {
                    throw new InvalidOperationException($"PullTail({n}) on len {len} returned {ok} with head {skb.HeadLen}");
                }

                Touch(a);
                return null;
            }

            case SkbOpKind.Pull:
            {
                int n = (int)(c % (uint)(len + 2));
                bool ok = skb.Pull(n);
                if (ok != (n <= len))
                {
                    throw new InvalidOperationException($"Pull({n}) on len {len} returned {ok}");
                }

                if (ok)
                {
                    a.Expected = a.Expected[n..];
                }

                Touch(a);
                return null;
            }

            case SkbOpKind.Push:
            {
                int n = 1 + (int)(c % 64);
                skb.CowHead(n);
                Span<byte> room = skb.Push(n);
                Fill(room, op.B);
                a.Expected = [.. room, .. a.Expected];
                Touch(a);
                return null;
            }

            case SkbOpKind.Trim:
            {
                int n = (int)(c % (uint)(len + 1));
                skb.Trim(n);
                a.Expected = a.Expected[..n];
                Touch(a);
                return null;
            }

            case SkbOpKind.Linearize:
                skb.Linearize();
                if (skb.IsNonlinear || skb.FragList is not null)
                {
                    throw new InvalidOperationException("Linearize left paged bytes");
                }

                Touch(a);
                return null;
            case SkbOpKind.Segment:
                return Segment(a, op);
            case SkbOpKind.Split:
            {
                if (len < 2)
                {
                    return "too short to split";
                }

                int n = 1 + (int)(c % (uint)(len - 1));
                SkBuff tail = skb.Split(n);
                Add(tail, a.Expected[n..]);
                a.Expected = a.Expected[..n];
                Touch(a);
                return null;
            }

            case SkbOpKind.Shift:
            {
                SkBuff from = b.Skb;
                if (ReferenceEquals(a, b) || from.Shinfo == skb.Shinfo || from.Len == 0)
                {
                    return "needs two buffers with different data and bytes to shift";
                }

                if (from.HeadLen != 0)
                {
                    // skb_shift takes paged bytes only: drop the source's linear bytes first (as a pull would).
                    int head = from.HeadLen;
                    from.Pull(head);
                    b.Expected = b.Expected[head..];
                    Touch(b);
                    if (from.Len == 0)
                    {
                        return "source had only linear bytes";
                    }
                }

                int n = 1 + (int)(c % (uint)from.Len);
                int shifted = SkBuff.Shift(skb, from, n);
                if (shifted != 0 && shifted != n)
                {
                    throw new InvalidOperationException($"Shift returned {shifted}, asked {n}");
                }

                a.Expected = [.. a.Expected, .. b.Expected.AsSpan(0, shifted)];
                b.Expected = b.Expected[shifted..];
                Touch(a);
                Touch(b);
                return null;
            }

            case SkbOpKind.TryCoalesce:
            {
                if (ReferenceEquals(a, b))
                {
                    return "needs two buffers";
                }

                if (SkBuff.TryCoalesce(skb, b.Skb))
                {
                    a.Expected = [.. a.Expected, .. b.Expected];
                    _live.Remove(b);
                }

                Touch(a);
                return null;
            }

            case SkbOpKind.OrphanFrags:
                if (skb.OrphanFrags() && skb.HasLentFrags())
                {
                    throw new InvalidOperationException("OrphanFrags succeeded but lent frags remain");
                }

                Touch(a);
                return null;
            case SkbOpKind.AppendToFragList:
            {
                SkBuff child = b.Skb;
                if (ReferenceEquals(a, b) || skb.IsCloned || child.FragList is not null || child.Shinfo == skb.Shinfo)
                {
                    return "needs a private parent and a separate child without a frag list";
                }

                for (SkBuff? m = skb.FragList; m is not null; m = m.Next)
                {
                    if (m.IsShared)
                    {
                        return "parent's frag list is shared";
                    }
                }

                skb.AppendToFragList(child);
                a.Expected = [.. a.Expected, .. b.Expected];
                _live.Remove(b);
                Touch(a);
                return null;
            }

            case SkbOpKind.DmaMap:
            {
                if (skb.NrFrags == 0)
                {
                    return "no frag to map";
                }

                int f = (int)(c % (uint)skb.NrFrags);
                int size = skb.FragSize(f);
                int off = (int)((uint)op.B % (uint)size);
                int mapLen = 1 + (int)((uint)op.B / 7 % (uint)(size - off));
                DmaMapping mapping = skb.FragDmaMap(_dma, f, off, mapLen, DmaDirection.ToDevice);
                _mappings.Add(new MappingRecord(mapping, skb.FragSpan(f).Slice(off, mapLen).ToArray(),
                    skb.FragPage(f), skb.FragDestructorOf(f)));
                return null;
            }

            case SkbOpKind.Free:
                if (c % 3 == 0)
                {
                    skb.Drop(DropReasons[(int)(c / 3 % (uint)DropReasons.Length)]);
                }
                else
                {
                    skb.Consume();
                }

                _live.Remove(a);
                return null;
            default:
                throw new InvalidOperationException($"unknown step {kind}");
        }
    }

    private string? Segment(Entry a, SkbOp op)
    {
        SkBuff skb = a.Skb;
        int header = Math.Min(skb.HeadLen, (int)((uint)op.B % 80));
        int payload = skb.Len - header;
        if (payload <= 0)
        {
            return "no payload";
        }

        int mss = Math.Max((payload + 15) / 16, 1 + (int)((uint)op.C % 3000));
        skb.GsoSize = mss;
        bool sg = op.C % 4 != 0;
        SkBuff? seg = skb.Segment(header, sg);
        skb.GsoSize = 0;
        int offset = header;
        while (seg is not null)
        {
            SkBuff? next = seg.Next;
            seg.Next = null;
            int segLen = Math.Min(mss, skb.Len - offset);
            Add(seg, [.. a.Expected.AsSpan(0, header), .. a.Expected.AsSpan(offset, segLen)]);
            if (!sg && seg.IsNonlinear)
            {
                throw new InvalidOperationException("segment without scatter-gather is not linear");
            }

            offset += segLen;
            seg = next;
        }

        if (offset != skb.Len)
        {
            throw new InvalidOperationException($"segments covered {offset} of {skb.Len} bytes");
        }

        return null;
    }

    // ---- shapes ----

    private string? Create(SkbOp op)
    {
        var shape = (SkbShape)((uint)op.A % 7);
        var rng = new Rng(op.B ^ (op.C * 31));
        var expected = new List<byte>();
        SkBuff? skb = null;
        try
        {
            switch (shape)
            {
                case SkbShape.Linear:
                    skb = BuildLinear(ref rng, expected, rng.Next(1, 3000));
                    break;
                case SkbShape.Frags:
                case SkbShape.Cloned:
                    skb = BuildFrags(ref rng, expected, rng.Next(0, 200), rng.Next(1, 8));
                    break;
                case SkbShape.HeaderSplit:
                    skb = BuildFrags(ref rng, expected, 0, rng.Next(1, 6));
                    break;
                case SkbShape.Destructor:
                    skb = BuildDestructor(ref rng, expected);
                    break;
                case SkbShape.Foreign:
                    skb = BuildForeign(ref rng, expected);
                    break;
                case SkbShape.FragList:
                    skb = BuildFrags(ref rng, expected, rng.Next(20, 120), rng.Next(0, 4));
                    for (int m = rng.Next(1, 4); m > 0; m--)
                    {
                        var memberBytes = new List<byte>();
                        SkBuff member = rng.Next(0, 2) == 0
                            ? BuildLinear(ref rng, memberBytes, rng.Next(1, 1500))
                            : BuildFrags(ref rng, memberBytes, rng.Next(0, 100), rng.Next(1, 4));
                        skb.AppendToFragList(member);
                        expected.AddRange(memberBytes);
                    }

                    break;
            }
        }
        catch (PagePoolExhaustedException)
        {
            skb?.Consume();
            return "page pool exhausted";
        }

        _shapes.Add(ShapeName(shape));
        byte[] bytes = [.. expected];
        Entry e = Add(skb!, bytes);
        if (shape == SkbShape.Cloned)
        {
            Add(skb!.Clone(), bytes);
        }

        Touch(e);
        return null;
    }

    /// <summary>The shape's name as the CLI reports it.</summary>
    public static string ShapeName(SkbShape shape) => shape switch
    {
        SkbShape.HeaderSplit => "header-split",
        SkbShape.FragList => "fraglist",
        _ => shape.ToString().ToLowerInvariant(),
    };

    private SkBuff BuildLinear(ref Rng rng, List<byte> expected, int length)
    {
        int headroom = rng.Next(0, 128);
        SkBuff skb = _cache.Alloc(headroom + length + rng.Next(0, 256));
        skb.Reserve(headroom);
        Span<byte> data = skb.Put(length);
        Fill(data, rng.Next());
        expected.AddRange(data);
        return skb;
    }

    private SkBuff BuildFrags(ref Rng rng, List<byte> expected, int headLength, int frags)
    {
        SkBuff skb = BuildLinearHeadOnly(ref rng, expected, headLength);
        for (int i = 0; i < frags; i++)
        {
            Page page = _pool.Alloc();
            Fill(page.Span, rng.Next());
            int off = rng.Next(0, 4000);
            int size = rng.Next(1, Page.Size - off + 1);
            skb.FillPageDesc(skb.NrFrags, page, off, Math.Min(size, Page.Size - off));
            expected.AddRange(page.Span.Slice(off, Math.Min(size, Page.Size - off)));
            int end = off + Math.Min(size, Page.Size - off);
            if (end < Page.Size - 1 && rng.Next(0, 3) == 0 && skb.NrFrags < SharedInfo.MaxSkbFrags)
            {
                // A second range of the same page: contiguous (coalesces) or after a gap (a new frag, a second ref).
                int gap = rng.Next(0, 2) == 0 ? 0 : rng.Next(1, Math.Min(64, Page.Size - end));
                int more = rng.Next(1, Page.Size - end - gap + 1);
                if (end + gap + more <= Page.Size && more > 0)
                {
                    skb.AppendFrag(page, end + gap, more);
                    expected.AddRange(page.Span.Slice(end + gap, more));
                }
            }
        }

        return skb;
    }

    private SkBuff BuildLinearHeadOnly(ref Rng rng, List<byte> expected, int headLength)
    {
        int headroom = rng.Next(0, 160);
        SkBuff skb = _cache.Alloc(headroom + headLength);
        skb.Reserve(headroom);
        if (headLength > 0)
        {
            Span<byte> head = skb.Put(headLength);
            Fill(head, rng.Next());
            expected.AddRange(head);
        }

        return skb;
    }

    private SkBuff BuildDestructor(ref Rng rng, List<byte> expected)
    {
        SkBuff skb = BuildLinearHeadOnly(ref rng, expected, rng.Next(0, 100));
        int lenders = rng.Next(1, 3);
        for (int l = 0; l < lenders; l++)
        {
            int pages = Math.Min(rng.Next(1, 4), _freeLenderPages.Count);
            if (pages == 0)
            {
                break;
            }

            var rec = new LentRecord(new int[pages]);
            for (int p = 0; p < pages; p++)
            {
                rec.Pages[p] = _freeLenderPages.Pop();
                Fill(_lender[rec.Pages[p]].Span, rng.Next());
            }

            rec.Destructor = new FragDestructor(OnLenderDestroy, rec, $"lender#{_destructors.Count}");
            _destructors.Add(rec);
            foreach (int p in rec.Pages)
            {
                Page page = _lender[p];
                int off = 0;
                for (int r = rng.Next(1, 3); r > 0 && off < Page.Size && skb.NrFrags < SharedInfo.MaxSkbFrags - 2; r--)
                {
                    off += rng.Next(0, 2) == 0 ? 0 : rng.Next(1, 200); // contiguous ranges coalesce, gaps do not
                    if (off >= Page.Size)
                    {
                        break;
                    }

                    int size = rng.Next(1, Math.Min(2500, Page.Size - off) + 1);
                    skb.AppendFrag(page, off, size, rec.Destructor);
                    expected.AddRange(page.Span.Slice(off, size));
                    off += size;
                }
            }

            if (rng.Next(0, 2) == 0 && skb.NrFrags < SharedInfo.MaxSkbFrags)
            {
                Page own = _pool.Alloc(); // a stack-owned frag between lent ones
                Fill(own.Span, rng.Next());
                skb.FillPageDesc(skb.NrFrags, own, 0, 700);
                expected.AddRange(own.Span[..700]);
            }

            if (rng.Next(0, 2) == 0)
            {
                rec.Destructor.Release(); // handed over at once; otherwise a later ReleaseCreator step does it
            }
        }

        return skb;
    }

    private SkBuff BuildForeign(ref Rng rng, List<byte> expected)
    {
        SkBuff skb = BuildLinearHeadOnly(ref rng, expected, rng.Next(0, 100));
        for (int i = rng.Next(1, 5); i > 0; i--)
        {
            Page page = _pool.Alloc();
            Fill(page.Span, rng.Next());
            var rec = new ForeignRecord(page);
            _foreign.Add(rec);
            page.SetForeign(rec.OnRelease);
            int off = rng.Next(0, 2048);
            int size = rng.Next(1, Page.Size - off + 1);
            skb.AppendFrag(page, off, size);
            expected.AddRange(page.Span.Slice(off, size));
            page.Release(); // the mapper hands the page over; the frag's reference is the only one
        }

        return skb;
    }

    private void OnLenderDestroy(object? data)
    {
        var rec = (LentRecord)data!;
        rec.Runs++;
        if (rec.Runs > 1)
        {
            _callbackViolation ??= $"{rec.Destructor.Name} destroyed {rec.Runs} times";
        }

        foreach (int p in rec.Pages)
        {
            Page page = _lender[p];
            if (page.RefCount != 1)
            {
                _callbackViolation ??= $"{rec.Destructor.Name} ran while {page.Describe()} still had {page.RefCount - 1} stack reference(s)";
                continue; // keep the page out of circulation: it is still reachable
            }

            page.Span.Fill(RewriteByte); // the application rewrites its buffer, as in the talk
            _freeLenderPages.Push(p);
        }
    }

    // ---- checks ----

    private void CheckCallbacks()
    {
        if (_callbackViolation is not null)
        {
            throw new InvalidOperationException(_callbackViolation);
        }

        foreach (ForeignRecord f in _foreign)
        {
            if (f.Runs > 1)
            {
                throw new InvalidOperationException($"foreign destructor of {f.Page.Describe()} ran {f.Runs} times");
            }
        }
    }

    private void CheckEntry(Entry e, bool deep)
    {
        SkBuff skb = e.Skb;
        if (skb.Len != e.Expected.Length)
        {
            throw new InvalidOperationException($"length {skb.Len}, model {e.Expected.Length}: {skb}");
        }

        CheckGeometry(skb, top: true);
        if (_scratch.Length < skb.Len)
        {
            _scratch = new byte[skb.Len * 2];
        }

        Span<byte> actual = _scratch.AsSpan(0, skb.Len);
        skb.CopyBits(0, actual);
        if (!actual.SequenceEqual(e.Expected))
        {
            int at = actual.CommonPrefixLength(e.Expected);
            throw new InvalidOperationException(
                $"bytes differ at {at}: buffer 0x{actual[at]:X2}, model 0x{e.Expected[at]:X2} ({skb})");
        }

        if (!deep)
        {
            return;
        }

        int seen = 0;
        foreach (ReadOnlySpan<byte> piece in skb.Bytes())
        {
            if (!piece.SequenceEqual(e.Expected.AsSpan(seen, piece.Length)))
            {
                throw new InvalidOperationException($"zero-copy view differs within [{seen}, {seen + piece.Length})");
            }

            seen += piece.Length;
        }

        if (seen != skb.Len)
        {
            throw new InvalidOperationException($"zero-copy view covered {seen} of {skb.Len} bytes");
        }

        if (skb.Len > 0)
        {
            int off = skb.Len / 3;
            ushort sum = skb.Checksum(off, skb.Len - off);
            ushort reference = ReferenceSum(e.Expected.AsSpan(off));
            if (sum != reference && !(sum == 0xFFFF && reference == 0) && !(sum == 0 && reference == 0xFFFF))
            {
                throw new InvalidOperationException($"checksum 0x{sum:X4}, reference 0x{reference:X4}");
            }
        }
    }

    private static void CheckGeometry(SkBuff skb, bool top)
    {
        if (skb.HeadLen < 0 || skb.Len != skb.HeadLen + skb.DataLen || skb.NrFrags > SharedInfo.MaxSkbFrags)
        {
            throw new InvalidOperationException($"geometry broken: {skb}");
        }

        int paged = 0;
        for (int i = 0; i < skb.NrFrags; i++)
        {
            SkbFrag f = skb.Frag(i);
            if (f.Offset < 0 || f.Size <= 0 || f.Offset + f.Size > Page.Size)
            {
                throw new InvalidOperationException($"frag {i} out of its page: {f}");
            }

            paged += f.Size;
        }

        for (SkBuff? m = skb.FragList; m is not null; m = m.Next)
        {
            if (!top || m.FragList is not null)
            {
                throw new InvalidOperationException("frag list nested more than one level");
            }

            CheckGeometry(m, top: false);
            paged += m.Len;
        }

        if (paged != skb.DataLen)
        {
            throw new InvalidOperationException($"DataLen {skb.DataLen} but frags and frag list hold {paged}");
        }
    }

    /// <summary>Rules 3 and 8 over everything live.</summary>
    private void CheckReferenceRules()
    {
        _pageRefs.Clear();
        _destructorRefs.Clear();
        _headers.Clear();
        _memberHolders.Clear();
        foreach (Entry e in _live)
        {
            CountHeader(e.Skb);
        }

        foreach (MappingRecord m in _mappings)
        {
            Increment(_pageRefs, m.Page);
            if (m.Destructor is not null)
            {
                Increment(_destructorRefs, m.Destructor);
            }
        }

        foreach ((SharedInfo sh, int headers) in _headers)
        {
            if (sh.DataRef != headers)
            {
                throw new InvalidOperationException($"rule 3: dataref {sh.DataRef} but {headers} header(s) point at the buffer");
            }
        }

        foreach ((SkBuff member, int holders) in _memberHolders)
        {
            if (member.Users != holders)
            {
                throw new InvalidOperationException($"frag-list member has {member.Users} users but {holders} data buffer(s) hold it");
            }
        }

        foreach ((Page page, int frags) in _pageRefs)
        {
            int outside = ReferenceEquals(page.Owner, _lender) ? 1 : 0;
            if (page.RefCount != outside + frags)
            {
                throw new InvalidOperationException($"rule 8: {page.Describe()} count {page.RefCount}, expected {outside} + {frags} frag(s)");
            }
        }

        for (int i = 0; i < LenderPageCount; i++)
        {
            Page page = _lender[i];
            if (!_pageRefs.ContainsKey(page) && page.RefCount != 1)
            {
                throw new InvalidOperationException($"rule 8: {page.Describe()} count {page.RefCount} with no frag on it");
            }
        }

        foreach (LentRecord rec in _destructors)
        {
            FragDestructor d = rec.Destructor;
            _destructorRefs.TryGetValue(d, out int frags);
            if (rec.Runs > 0)
            {
                if (frags != 0)
                {
                    throw new InvalidOperationException($"rule 7: {d.Name} ran but {frags} live frag(s) still carry it");
                }

                continue;
            }

            int expected = (d.CreatorHolds ? 1 : 0) + frags;
            if (d.RefCount != expected || expected == 0)
            {
                throw new InvalidOperationException($"rule 8: {d.Name} ref {d.RefCount}, expected {expected} (destroyed {rec.Runs})");
            }
        }
    }

    private void CountHeader(SkBuff skb)
    {
        SharedInfo sh = skb.SharedUnchecked;
        if (Increment(_headers, sh) > 1)
        {
            return; // frags of a shared data buffer are counted once (rule 3)
        }

        for (int i = 0; i < sh.NrFrags; i++)
        {
            SkbFrag f = skb.Frag(i);
            Increment(_pageRefs, f.Page);
            if (f.Destructor is not null)
            {
                Increment(_destructorRefs, f.Destructor);
            }
        }

        for (SkBuff? m = sh.FragList; m is not null; m = m.Next)
        {
            if (Increment(_memberHolders, m) == 1)
            {
                CountHeader(m);
            }
        }
    }

    private static int Increment<TKey>(Dictionary<TKey, int> counts, TKey key)
        where TKey : notnull
    {
        counts.TryGetValue(key, out int n);
        counts[key] = ++n;
        return n;
    }

    private void TearDown()
    {
        foreach (Entry e in _live)
        {
            e.Skb.Consume();
        }

        _live.Clear();
        foreach (MappingRecord m in _mappings)
        {
            _dma.Unmap(m.Mapping);
        }

        _mappings.Clear();
        foreach (LentRecord rec in _destructors)
        {
            if (rec.Destructor.CreatorHolds)
            {
                rec.Destructor.Release();
            }
        }
    }

    // ---- helpers ----

    private Entry Add(SkBuff skb, byte[] expected)
    {
        var e = new Entry(skb, expected);
        _live.Add(e);
        Touch(e);
        return e;
    }

    private void Touch(Entry e) => _touched.Add(e);

    private static void Count(Dictionary<string, long> counts, string key)
    {
        counts.TryGetValue(key, out long n);
        counts[key] = n + 1;
    }

    /// <summary>A deterministic fill from a seed (xorshift32), independent of the code under test.</summary>
    private static void Fill(Span<byte> span, int seed)
    {
        uint x = (uint)seed | 1;
        for (int i = 0; i < span.Length; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            span[i] = (byte)x;
        }
    }

    /// <summary>RFC 1071 the slow way: big-endian 16-bit words, odd byte padded with zero.</summary>
    private static ushort ReferenceSum(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        for (int i = 0; i < data.Length; i += 2)
        {
            sum += ((uint)data[i] << 8) | (i + 1 < data.Length ? data[i + 1] : 0u);
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        return (ushort)sum;
    }

    private sealed class Entry(SkBuff skb, byte[] expected)
    {
        public SkBuff Skb { get; set; } = skb;

        public byte[] Expected { get; set; } = expected;
    }

    private sealed class LentRecord(int[] pages)
    {
        public int[] Pages { get; } = pages;

        public FragDestructor Destructor { get; set; } = null!;

        public int Runs { get; set; }
    }

    private sealed class ForeignRecord(Page page)
    {
        public Page Page { get; } = page;

        public int Runs { get; private set; }

        public void OnRelease(Page released)
        {
            Runs++;
            released.ReturnForeign(); // unmapped: the frame goes back to the local pool
        }
    }

    private sealed record MappingRecord(DmaMapping Mapping, byte[] Expected, Page Page, FragDestructor? Destructor);

    /// <summary>Small deterministic generator for shape parameters.</summary>
    private struct Rng(int seed)
    {
        private uint _state = (uint)seed * 2654435761u | 1;

        public int Next()
        {
            _state ^= _state << 13;
            _state ^= _state >> 17;
            _state ^= _state << 5;
            return (int)(_state & 0x7FFF_FFFF);
        }

        /// <summary>A value in [min, max).</summary>
        public int Next(int min, int max) => max <= min ? min : min + (int)((uint)Next() % (uint)(max - min));
    }
}
