namespace FragNet.Buffers;

/// <summary>
/// A socket's page for its copy path (Linux <c>struct page_frag</c>, <c>sk_page_frag</c>): each send is copied into
/// the free part of this page, and every queue buffer that carries some of it takes its own page reference
/// (<see cref="SkBuff.AppendCopy(ReadOnlySpan{byte}, int, PageFrag)"/>). A run of small writes — each leaving in its
/// own segment, so each in its own queue buffer — fills one page instead of taking one each, and a queue buffer that
/// ends mid-page leaves the rest of the page to the next one.
/// </summary>
/// <remarks>
/// The bytes of the page past <see cref="Offset"/> belong to no frag, so writing them is safe while clones of
/// earlier buffers are in flight: every frag on this page covers bytes before <see cref="Offset"/>, and nothing else
/// writes to the page. The frag holds one page reference of its own while it has a page; the socket drops it with
/// <see cref="Release"/> when it closes.
/// </remarks>
public sealed class PageFrag
{
    private readonly PagePool _pool;
    private Page? _page;

    public PageFrag(PagePool pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        _pool = pool;
    }

    /// <summary>The current page, if any.</summary>
    public Page? Page => _page;

    /// <summary>Where the next copy goes in <see cref="Page"/>.</summary>
    public int Offset { get; private set; }

    /// <summary>Makes sure there is a page with room: keeps the current one while it has free bytes, else drops it and
    /// takes a fresh one. False, with no page, when the pool is dry.</summary>
    internal bool Refill()
    {
        if (_page is not null && Offset < Buffers.Page.Size)
        {
            return true;
        }

        Release();
        if (!_pool.TryAlloc(out Page page))
        {
            return false;
        }

        _page = page;
        Offset = 0;
        return true;
    }

    /// <summary>Marks <paramref name="bytes"/> after <see cref="Offset"/> as used.</summary>
    internal void Advance(int bytes) => Offset += bytes;

    /// <summary>Drops the frag's own reference on its page (buffers carrying parts of it keep theirs).</summary>
    public void Release()
    {
        if (_page is not null)
        {
            _page.Release("PageFrag.Release");
            _page = null;
        }

        Offset = 0;
    }
}
