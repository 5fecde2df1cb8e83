using System.Runtime.CompilerServices;

namespace FragNet.Buffers;

/// <summary>The paged-fragment API: the only way to reach or change a frag (the talk's chokepoint).</summary>
public sealed partial class SkBuff
{
    /// <summary>A snapshot of frag <paramref name="i"/>.</summary>
    public SkbFrag Frag(int i) => FragAt(i);

    /// <summary>The page of frag <paramref name="i"/> (<c>skb_frag_page</c>); throws if the page was released.</summary>
    public Page FragPage(int i)
    {
        ref SkbFrag f = ref FragAt(i);
        f.Page.CheckLife(f.PageGeneration, nameof(FragPage));
        return f.Page;
    }

    /// <summary>Offset of frag <paramref name="i"/> in its page (<c>skb_frag_off</c>).</summary>
    public int FragOffset(int i) => FragAt(i).OffsetValue;

    /// <summary>Size of frag <paramref name="i"/> (<c>skb_frag_size</c>).</summary>
    public int FragSize(int i) => FragAt(i).SizeValue;

    /// <summary>The destructor frag <paramref name="i"/> carries, if any.</summary>
    public FragDestructor? FragDestructorOf(int i) => FragAt(i).DestructorRef;

    /// <summary>The bytes of frag <paramref name="i"/> (<c>skb_frag_address</c>); checked against the page's life.</summary>
    public Span<byte> FragSpan(int i) => FragAt(i).Bytes(nameof(FragSpan));

    /// <summary>Takes one more page and destructor reference for frag <paramref name="i"/> (<c>skb_frag_ref</c>).
    /// Whoever calls this owns a matching <see cref="FragUnref(int, string)"/>.</summary>
    public void FragRef(int i, [CallerMemberName] string operation = "") => FragCore.Ref(FragAt(i), operation);

    /// <summary>Drops one page and destructor reference of frag <paramref name="i"/> (<c>skb_frag_unref</c>).</summary>
    public void FragUnref(int i, [CallerMemberName] string operation = "") => FragCore.Unref(FragAt(i), operation);

    /// <summary>Takes one more reference for every frag (the per-skb form of <see cref="FragRef(int, string)"/>).</summary>
    public void FragsRefAll([CallerMemberName] string operation = "")
    {
        ThrowIfFree();
        FragCore.RefAll(_shinfo.Frags.AsSpan(0, _shinfo.NrFragsValue), operation);
    }

    /// <summary>Drops one reference of every frag (the per-skb form of <see cref="FragUnref(int, string)"/>).</summary>
    public void FragsUnrefAll([CallerMemberName] string operation = "")
    {
        ThrowIfFree();
        FragCore.UnrefAll(_shinfo.Frags.AsSpan(0, _shinfo.NrFragsValue), operation);
    }

    /// <summary>Maps <paramref name="size"/> bytes of frag <paramref name="i"/> from <paramref name="offset"/> for a
    /// device (<c>skb_frag_dma_map</c>). The mapping holds the frag until <see cref="DmaDevice.Unmap"/>.</summary>
    public DmaMapping FragDmaMap(DmaDevice device, int i, int offset, int size, DmaDirection direction)
    {
        ArgumentNullException.ThrowIfNull(device);
        ref SkbFrag f = ref FragAt(i);
        if (offset < 0 || size <= 0 || offset + size > f.SizeValue)
        {
            ThrowHelper.ThrowRange(nameof(FragDmaMap), offset, size, f.SizeValue);
        }

        return device.Map(f, offset, size, direction);
    }

    /// <summary>True if a range of <paramref name="page"/> at <paramref name="offset"/> with <paramref name="destructor"/>
    /// would merge into the last frag (<c>skb_can_coalesce</c>; rule 6: same page, contiguous, same destructor).</summary>
    public bool CanCoalesce(Page page, int offset, FragDestructor? destructor)
    {
        ThrowIfFree();
        int n = _shinfo.NrFragsValue;
        return n > 0 && _shinfo.Frags[n - 1].CanCoalesce(page, offset, destructor);
    }

    /// <summary>Appends a range of a page the caller lends (the sendpage path): the new frag takes its own page
    /// reference and, with a destructor, its own destructor reference; the caller keeps its holds. Merges into the last
    /// frag instead when <see cref="CanCoalesce"/> (then no new reference is taken).</summary>
    /// <exception cref="InvalidOperationException">All <see cref="SharedInfo.MaxSkbFrags"/> slots are used, or the data
    /// buffer is shared (clone it privately first).</exception>
    public void AppendFrag(Page page, int offset, int size, FragDestructor? destructor = null)
    {
        ArgumentNullException.ThrowIfNull(page);
        CheckPageRange(page, offset, size);
        EnsureFragsWritable(nameof(AppendFrag));
        if (CanCoalesce(page, offset, destructor))
        {
            _shinfo.Frags[_shinfo.NrFragsValue - 1].SizeValue += size;
        }
        else
        {
            if (_shinfo.NrFragsValue == SharedInfo.MaxSkbFrags)
            {
                ThrowHelper.ThrowShared(this, nameof(AppendFrag), $"all {SharedInfo.MaxSkbFrags} frag slots are in use");
            }

            var frag = new SkbFrag(page, offset, size, destructor);
            FragCore.Ref(frag, nameof(AppendFrag));
            _shinfo.Frags[_shinfo.NrFragsValue++] = frag;
        }

        _len += size;
        _dataLen += size;
    }

    /// <summary>
    /// Appends a caller's memory that runs across consecutive pages — <paramref name="pages"/>[0] from
    /// <paramref name="offset"/>, each next page from its start, <paramref name="length"/> bytes in all (an iovec of
    /// page pieces, MSG_ZEROCOPY's <c>sendmsg</c>) — as <see cref="AppendFrag"/> on each piece in turn would: one frag
    /// per piece with its own page reference, the first merged into the last frag when it can be. The destructor's
    /// references are taken in one step (<see cref="FragCore.RefAll"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The pieces need more frag slots than are free, or the data buffer is
    /// shared.</exception>
    public void AppendFrags(ReadOnlySpan<Page> pages, int offset, int length, FragDestructor? destructor = null)
    {
        if (offset < 0 || offset >= Page.Size || length <= 0 || length > pages.Length * Page.Size - offset)
        {
            ThrowHelper.ThrowRange(nameof(AppendFrags), offset, length, pages.Length * Page.Size);
        }

        EnsureFragsWritable(nameof(AppendFrags));
        int pieces = (offset + length + Page.Size - 1) / Page.Size;
        bool merges = CanCoalesce(pages[0], offset, destructor);
        int start = _shinfo.NrFragsValue;
        if (start + pieces - (merges ? 1 : 0) > SharedInfo.MaxSkbFrags)
        {
            ThrowHelper.ThrowShared(this, nameof(AppendFrags), $"{pieces} pieces do not fit the {SharedInfo.MaxSkbFrags - start} free frag slots");
        }

        if (merges)
        {
            int first = Math.Min(Page.Size - offset, length);
            AppendFrag(pages[0], offset, first, destructor);
            if (first == length)
            {
                return;
            }

            pages = pages[1..];
            length -= first;
            offset = 0;
            pieces--;
            start = _shinfo.NrFragsValue;
        }

        Span<SkbFrag> slots = _shinfo.Frags.AsSpan(start, pieces);
        for (int i = 0, left = length; i < pieces; i++)
        {
            ArgumentNullException.ThrowIfNull(pages[i]);
            int size = Math.Min(Page.Size - offset, left);
            slots[i] = new SkbFrag(pages[i], offset, size, destructor);
            left -= size;
            offset = 0;
        }

        try
        {
            FragCore.RefAll(slots, nameof(AppendFrags));
        }
        catch
        {
            slots.Clear();
            throw;
        }

        _shinfo.NrFragsValue = start + pieces;
        _len += length;
        _dataLen += length;
    }

    /// <summary>Fills frag slot <paramref name="i"/> (which must be the next free one) with a page whose reference the
    /// caller gives to the buffer (<c>skb_fill_page_desc</c>): for pages the stack allocated itself. No destructor.</summary>
    public void FillPageDesc(int i, Page page, int offset, int size)
    {
        ArgumentNullException.ThrowIfNull(page);
        CheckPageRange(page, offset, size);
        EnsureFragsWritable(nameof(FillPageDesc));
        if (i != _shinfo.NrFragsValue || i >= SharedInfo.MaxSkbFrags)
        {
            ThrowHelper.ThrowFrag(this, i);
        }

        page.CheckLife(page.Generation, nameof(FillPageDesc));
        _shinfo.Frags[i] = new SkbFrag(page, offset, size, null);
        _shinfo.NrFragsValue = i + 1;
        _len += size;
        _dataLen += size;
    }

    /// <summary>Sets the size of frag <paramref name="i"/> (<c>skb_frag_size_set</c>), keeping Len and DataLen true.</summary>
    public void FragSizeSet(int i, int size) => FragSizeAdd(i, size - FragSize(i));

    /// <summary>Grows frag <paramref name="i"/> by <paramref name="delta"/> bytes (<c>skb_frag_size_add</c>).</summary>
    public void FragSizeAdd(int i, int delta)
    {
        EnsureFragsWritable(nameof(FragSizeAdd));
        ref SkbFrag f = ref FragAt(i);
        int size = f.SizeValue + delta;
        if (size <= 0 || f.OffsetValue + size > Page.Size)
        {
            ThrowHelper.ThrowRange(nameof(FragSizeAdd), f.OffsetValue, size, Page.Size);
        }

        f.SizeValue = size;
        _len += delta;
        _dataLen += delta;
    }

    /// <summary>Shrinks frag <paramref name="i"/> by <paramref name="delta"/> bytes (<c>skb_frag_size_sub</c>).</summary>
    public void FragSizeSub(int i, int delta) => FragSizeAdd(i, -delta);

    /// <summary>Drops <paramref name="delta"/> bytes from the front of frag <paramref name="i"/> (<c>skb_frag_off_add</c>
    /// with the matching size change).</summary>
    public void FragOffsetAdd(int i, int delta)
    {
        EnsureFragsWritable(nameof(FragOffsetAdd));
        ref SkbFrag f = ref FragAt(i);
        if (delta < 0 || delta >= f.SizeValue)
        {
            ThrowHelper.ThrowRange(nameof(FragOffsetAdd), f.OffsetValue, delta, f.SizeValue);
        }

        f.OffsetValue += delta;
        f.SizeValue -= delta;
        _len -= delta;
        _dataLen -= delta;
    }

    /// <summary>Chains <paramref name="child"/> after the frags (frag list); the buffer takes over the caller's hold.
    /// Frag lists are one level deep: the child must not have one itself.</summary>
    public void AppendToFragList(SkBuff child)
    {
        ArgumentNullException.ThrowIfNull(child);
        child.ThrowIfFree();
        EnsureFragsWritable(nameof(AppendToFragList));
        if (child.FragList is not null || child._shinfo == _shinfo || child.Next is not null)
        {
            ThrowHelper.ThrowShared(child, nameof(AppendToFragList), "frag-list members must be single, unlinked buffers without their own frag list");
        }

        for (SkBuff? m = _shinfo.FragListValue; m is not null; m = m.Next)
        {
            if (m.IsShared)
            {
                ThrowHelper.ThrowShared(this, nameof(AppendToFragList), "the frag list is shared with a copy (PskbCopy); linearize first");
            }
        }

        if (_shinfo.FragListValue is null)
        {
            _shinfo.FragListValue = child;
        }
        else
        {
            SkBuff last = _shinfo.FragListValue;
            while (last.Next is not null)
            {
                last = last.Next;
            }

            last.Next = child;
        }

        _len += child._len;
        _dataLen += child._len;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref SkbFrag FragAt(int i)
    {
        ThrowIfFree();
        if ((uint)i >= (uint)_shinfo.NrFragsValue)
        {
            ThrowHelper.ThrowFrag(this, i);
        }

        return ref _shinfo.Frags[i];
    }

    private static void CheckPageRange(Page page, int offset, int size)
    {
        if (offset < 0 || size <= 0 || offset + size > Page.Size)
        {
            ThrowHelper.ThrowRange("frag", offset, size, Page.Size);
        }
    }

    /// <summary>Changing the frag array needs a private data buffer: a clone would see the change.</summary>
    private void EnsureFragsWritable(string operation)
    {
        ThrowIfFree();
        if (IsCloned)
        {
            ThrowHelper.ThrowShared(this, operation, "the data buffer is shared with a clone; make it private first (ExpandHead(0, 0))");
        }
    }

    /// <summary>Sum of the frag sizes (the paged bytes before the frag list).</summary>
    private int FragBytes()
    {
        int sum = 0;
        for (int i = 0; i < _shinfo.NrFragsValue; i++)
        {
            sum += _shinfo.Frags[i].SizeValue;
        }

        return sum;
    }
}
