namespace FragNet.Buffers;

/// <summary>The copy path of a send queue: bytes copied into the paged area (<c>skb_copy_to_page_nocache</c> with
/// <c>sk_page_frag</c>).</summary>
public sealed partial class SkBuff
{
    /// <summary>
    /// Appends a copy of <paramref name="data"/> to the paged area while <see cref="Len"/> stays within
    /// <paramref name="maxLen"/>, through a socket's <see cref="PageFrag"/>: the bytes go into the free part of its
    /// page, merged into the last frag when that frag ends exactly there (same page, no destructor, data buffer not
    /// shared), else as a new frag taking its own page reference. Returns the bytes copied: fewer than asked when the
    /// pool runs dry, the frag slots fill up, the data buffer is shared or <paramref name="maxLen"/> is reached.
    /// </summary>
    public int AppendCopy(ReadOnlySpan<byte> data, int maxLen, PageFrag pageFrag)
    {
        ArgumentNullException.ThrowIfNull(pageFrag);
        ThrowIfFree();
        int copied = 0;
        while (!data.IsEmpty && _len < maxLen && !IsCloned && pageFrag.Refill())
        {
            Page page = pageFrag.Page!;
            int offset = pageFrag.Offset;
            if (_shinfo.NrFragsValue == SharedInfo.MaxSkbFrags && !CanCoalesce(page, offset, null))
            {
                break;
            }

            int n = Math.Min(Math.Min(data.Length, Page.Size - offset), maxLen - _len);
            data[..n].CopyTo(page.Span[offset..]);
            AppendFrag(page, offset, n);
            pageFrag.Advance(n);
            data = data[n..];
            copied += n;
        }

        return copied;
    }

    /// <summary>
    /// <see cref="OrphanFrags()"/> for one lender: if this buffer holds a frag of <paramref name="only"/> (or, when
    /// null, any lent frag), copies every lent frag out. Returns the lent payload bytes copied (0 when the buffer holds
    /// none of them), or -1 if the pool could not supply the pages (nothing changed).
    /// </summary>
    public long OrphanFragsOf(FragDestructor? only)
    {
        ThrowIfFree();
        long lent = 0;
        bool mine = false;
        for (int i = 0; i < _shinfo.NrFragsValue; i++)
        {
            SkbFrag f = _shinfo.Frags[i];
            if (NeedsOrphan(f))
            {
                lent += f.SizeValue;
                mine |= only is null || ReferenceEquals(f.DestructorRef, only);
            }
        }

        if (!mine)
        {
            return 0;
        }

        return OrphanFrags() ? lent : -1;
    }
}
