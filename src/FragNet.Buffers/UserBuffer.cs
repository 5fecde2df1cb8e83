using System.Runtime.InteropServices;

namespace FragNet.Buffers;

/// <summary>
/// A caller's own page-aligned memory: an application's write buffer, a guest's memory. Its pages are lent to the
/// stack zero-copy and never enter a <see cref="PagePool"/>.
/// </summary>
/// <remarks>
/// <para>The caller holds one reference on each page for the buffer's lifetime (the "outside holder" of rule 8); the
/// stack's frags add their own. A page whose count is 1 is back with the caller alone. <see cref="Dispose"/> drops the
/// caller's holds; the native memory is freed when the last page comes back, never while a frag can reach it.</para>
/// <para>Memory the caller mapped itself (a guest's memory shared by another process) is wrapped with the
/// <see cref="UserBuffer(nint, int, string, Action?)"/> constructor: nothing is allocated or freed here, and the
/// caller's <c>released</c> callback says when the last page came back, the first moment it may unmap.</para>
/// </remarks>
public sealed unsafe class UserBuffer : IPageOwner, IDisposable
{
    private static long s_nextFrame = 0x4000_0000;

    private readonly byte* _memory;
    private readonly Page[] _pages;

    /// <summary>Null for memory this buffer allocated (freed here); for wrapped memory, what to run instead.</summary>
    private readonly Action? _external;
    private int _pagesBack;
    private int _disposed;

    public UserBuffer(int pageCount, string name = "user")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageCount);
        Name = name;
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)pageCount * Page.Size, Page.Size);
        NativeMemory.Clear(_memory, (nuint)pageCount * Page.Size);
        long first = Interlocked.Add(ref s_nextFrame, pageCount) - pageCount;
        _pages = new Page[pageCount];
        for (int i = 0; i < pageCount; i++)
        {
            _pages[i] = new Page(this, _memory + ((long)i * Page.Size), first + i, startLive: true);
        }
    }

    /// <summary>
    /// Pages over <paramref name="pageCount"/> pages of page-aligned memory at <paramref name="memory"/> that the
    /// caller mapped and keeps mapped (a <c>memfd</c> shared with another process). The memory is neither cleared nor
    /// freed here: once <see cref="Dispose"/> ran and every page came back, <paramref name="released"/> runs (once),
    /// and from then on no page of this buffer can be reached, so the caller may unmap.
    /// </summary>
    /// <exception cref="ArgumentException">The address is null or not page-aligned.</exception>
    public UserBuffer(nint memory, int pageCount, string name, Action? released)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageCount);
        if (memory == 0 || memory % Page.Size != 0)
        {
            throw new ArgumentException($"external memory at 0x{memory:x} is not page-aligned", nameof(memory));
        }

        Name = name;
        _memory = (byte*)memory;
        _external = released ?? (static () => { });
        long first = Interlocked.Add(ref s_nextFrame, pageCount) - pageCount;
        _pages = new Page[pageCount];
        for (int i = 0; i < pageCount; i++)
        {
            _pages[i] = new Page(this, _memory + ((long)i * Page.Size), first + i, startLive: true);
        }
    }

    public string Name { get; }

    /// <summary>Number of pages.</summary>
    public int PageCount => _pages.Length;

    /// <summary>Page <paramref name="index"/>.</summary>
    public Page this[int index] => _pages[index];

    /// <summary>The whole buffer as one span, for the application to fill (as <c>memset</c> on its own memory).</summary>
    public Span<byte> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return new Span<byte>(_memory, checked(_pages.Length * Page.Size));
        }
    }

    /// <summary>Pages some frag or mapping still references (count above the caller's own hold).</summary>
    public int PagesInUse
    {
        get
        {
            int n = 0;
            foreach (Page p in _pages)
            {
                if (p.RefCount > 1)
                {
                    n++;
                }
            }

            return n;
        }
    }

    /// <summary>True once every page has come back after <see cref="Dispose"/> and the memory is freed.</summary>
    public bool IsFreed => Volatile.Read(ref _pagesBack) == _pages.Length;

    void IPageOwner.ReturnPage(Page page)
    {
        if (!ReferenceEquals(page.Owner, this))
        {
            throw new RefCountException($"{page.Describe()} returned to user buffer '{Name}', which does not own it");
        }

        if (Interlocked.Increment(ref _pagesBack) == _pages.Length)
        {
            if (_external is { } released)
            {
                released();
            }
            else
            {
                NativeMemory.AlignedFree(_memory);
            }
        }
    }

    /// <summary>Drops the caller's hold on every page; memory goes when the stack has let go of the last one.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (Page page in _pages)
        {
            page.Release("UserBuffer.Dispose");
        }
    }
}
