namespace FragNet.Buffers;

/// <summary>
/// A fragment destructor (the seed's <c>struct skb_frag_destructor { atomic_t ref; int (*destroy)(void *data);
/// void *data; }</c>): tells the lender of pages exactly when the network stack has let go of them.
/// </summary>
/// <remarks>
/// <para>
/// Brief rules 1, 2 and 8, which this type and <see cref="SkBuff"/>'s fragment API keep together:
/// the creator holds the initial reference and drops it with <see cref="Release"/> once it has handed its pages over;
/// every live frag that carries the destructor holds one more (taken and dropped only with the frag's page reference,
/// through <c>FragRef</c>/<c>FragUnref</c>); <see cref="Destroy"/> runs exactly once, when the count reaches zero, and
/// never before. At every instant:
/// </para>
/// <code>
///   Ref == (CreatorHolds ? 1 : 0) + live frags carrying it + device mappings of those frags
/// </code>
/// <para>
/// "Released" is neither "sent" nor "acknowledged": a retransmit queue, a clone in a NIC ring or a segment waiting in
/// a qdisc all hold it. The callback runs on whichever thread drops the last reference.
/// </para>
/// </remarks>
public sealed class FragDestructor : RefCounted
{
    private static long s_nextId;

    private readonly Action<object?> _destroy;
    private int _creatorHolds = 1;
    private int _destroyCount;

    /// <summary>Creates a destructor whose creator holds the initial reference.</summary>
    /// <param name="destroy">Called once with <paramref name="data"/> when the last reference is dropped.</param>
    /// <param name="data">The lender's token (a request, a grant slot).</param>
    /// <param name="name">A name for reports.</param>
    public FragDestructor(Action<object?> destroy, object? data = null, string? name = null)
        : base(startLive: true)
    {
        ArgumentNullException.ThrowIfNull(destroy);
        _destroy = destroy;
        Data = data;
        Id = Interlocked.Increment(ref s_nextId);
        Name = name ?? $"destructor#{Id}";
    }

    /// <summary>A process-unique id.</summary>
    public long Id { get; }

    /// <summary>The name given at creation.</summary>
    public string Name { get; }

    /// <summary>The lender's token, passed to the callback.</summary>
    public object? Data { get; }

    /// <summary>True until the creator drops its initial reference.</summary>
    public bool CreatorHolds => Volatile.Read(ref _creatorHolds) != 0;

    /// <summary>True once the callback has run.</summary>
    public bool IsDestroyed => Volatile.Read(ref _destroyCount) != 0;

    /// <summary>How many times the callback ran (exactly 0 or 1 unless the core is broken).</summary>
    public int DestroyCount => Volatile.Read(ref _destroyCount);

    /// <summary>The creator drops its initial reference: it has handed all its pages to the stack.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _creatorHolds, 0) == 0)
        {
            throw Misuse("creator released its initial reference twice");
        }

        ReleaseRef("Creator.Release");
    }

    /// <summary>
    /// Starts a new life of a destructor whose <c>Destroy</c> has run, for a lender that keeps one per slot instead of
    /// making one per use (netback keeps one per pending packet): the creator holds the initial reference again,
    /// <c>Destroy</c> may run once more, and <see cref="RefCounted.Generation"/> changes. Rules 1, 2 and 8 hold per
    /// life: a frag can only carry the destructor with a reference taken in the life it was made in, and no reference
    /// survives a <c>Destroy</c>.
    /// </summary>
    /// <exception cref="RefCountException">The destructor is still referenced, or its <c>Destroy</c> has not run.</exception>
    public void Rearm()
    {
        if (Volatile.Read(ref _destroyCount) != 1)
        {
            throw Misuse("rearmed before its Destroy ran");
        }

        Revive("Rearm"); // throws while anything still holds a reference
        Volatile.Write(ref _destroyCount, 0);
        Volatile.Write(ref _creatorHolds, 1);
    }

    /// <summary>Runs the callback; called by the core when the count reaches zero, and never otherwise.</summary>
    private void Destroy()
    {
        if (Interlocked.Increment(ref _destroyCount) != 1)
        {
            throw Misuse("Destroy ran twice");
        }

        Mark("Destroy");
        _destroy(Data);
    }

    public override string Describe() => Name;

    protected override void OnReleased() => Destroy();
}
