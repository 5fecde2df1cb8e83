using System.Runtime.InteropServices;

namespace FragNet.Buffers;

/// <summary>
/// A caller's own page-aligned memory: an application's write buffer, a guest's memory. Its pages are lent to the
/// stack zero-copy and never enter a <see cref="PagePool"/>.
/// </summary>
/// <remarks>
/// The caller holds one reference on each page for the buffer's lifetime (the "outside holder" of rule 8); the
/// stack's frags add their own. A page whose count is 1 is back with the caller alone. <see cref="Dispose"/> drops the
/// caller's holds; the native memory is freed when the last page comes back, never while a frag can reach it.
/// </remarks>
public sealed unsafe class UserBuffer : IPageOwner, IDisposable
{
    private static long s_nextFrame = 0x4000_0000;

    private readonly byte* _memory;
    private readonly Page[] _pages;
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
            NativeMemory.AlignedFree(_memory);
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
