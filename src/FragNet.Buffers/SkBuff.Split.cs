namespace FragNet.Buffers;

/// <summary>Moving bytes between buffers: split, shift and coalesce (TCP fragmenting, SACK collapsing, receive
/// coalescing).</summary>
public sealed partial class SkBuff
{
    /// <summary>
    /// Splits the packet at <paramref name="length"/> (<c>skb_split</c>, as <c>tcp_fragment</c> uses it): this buffer
    /// keeps the first <paramref name="length"/> bytes, the returned new one gets the rest with the same headroom.
    /// Whole frags move; a frag cut in two gets a second pointer and takes <c>FragRef</c> (rule 4). A shared data
    /// buffer is made private first; a frag list is linearized first.
    /// </summary>
    public SkBuff Split(int length)
    {
        ThrowIfFree();
        if (length <= 0 || length >= _len)
        {
            ThrowHelper.ThrowRange(nameof(Split), length, 0, _len);
        }

        if (_shinfo.FragListValue is not null)
        {
            Linearize();
        }

        if (IsCloned)
        {
            ExpandHead(0, 0);
        }

        int head = HeadLen;
        SkBuff n = _cache.Alloc(Headroom + Math.Max(0, head - length));
        n.Reserve(Headroom);
        n.CopyMetadataForSplit(this);
        SharedInfo from = _shinfo;
        SharedInfo to = n._shinfo;
        if (length < head)
        {
            LinearData[length..].CopyTo(n.Put(head - length));
            Array.Copy(from.Frags, to.Frags, from.NrFragsValue); // all frags move: no reference changes
            to.NrFragsValue = from.NrFragsValue;
            ClearFragSlots(from, 0);
            n._len += _dataLen;
            n._dataLen = _dataLen;
            _tail = _data + length;
            _len = length;
            _dataLen = 0;
            return n;
        }

        int kept = 0;
        int pos = head;
        for (int i = 0; i < from.NrFragsValue; i++)
        {
            SkbFrag f = from.Frags[i];
            int start = pos;
            pos += f.SizeValue;
            if (pos <= length)
            {
                from.Frags[kept++] = f;
            }
            else if (start >= length)
            {
                to.Frags[to.NrFragsValue++] = f; // moves
            }
            else
            {
                int keep = length - start;
                FragCore.Ref(f, nameof(Split)); // the tail half is a second pointer into the same page range
                to.Frags[to.NrFragsValue++] = f.Slice(keep, f.SizeValue - keep);
                f.SizeValue = keep;
                from.Frags[kept++] = f;
            }
        }

        ClearFragSlots(from, kept);
        n._len = _len - length;
        n._dataLen = n._len;
        _dataLen = length - head;
        _len = length;
        return n;
    }

    /// <summary>
    /// Moves the first <paramref name="length"/> paged bytes of <paramref name="from"/> to the end of
    /// <paramref name="to"/> (<c>skb_shift</c>, for SACK collapsing). Whole frags move, or merge into <paramref name="to"/>'s
    /// last frag when rule 6 allows (then the merged frag's reference is dropped); a frag cut in two takes
    /// <c>FragRef</c>. Returns the bytes shifted: <paramref name="length"/>, or 0 if it does not fit in
    /// <paramref name="to"/>'s frag slots or either buffer has a frag list. Both buffers are made private first.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="from"/> has linear bytes (it must be all paged).</exception>
    public static int Shift(SkBuff to, SkBuff from, int length)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(from);
        to.ThrowIfFree();
        from.ThrowIfFree();
        if (ReferenceEquals(to, from) || from._shinfo == to._shinfo)
        {
            ThrowHelper.ThrowShared(to, nameof(Shift), "cannot shift within one data buffer");
        }

        if (length <= 0 || length > from._len)
        {
            ThrowHelper.ThrowRange(nameof(Shift), 0, length, from._len);
        }

        if (from.HeadLen != 0)
        {
            ThrowHelper.ThrowShared(from, nameof(Shift), "the source must have no linear data");
        }

        if (to._shinfo.FragListValue is not null || from._shinfo.FragListValue is not null)
        {
            return 0;
        }

        SkbFrag first = from._shinfo.Frags[0];
        bool mergeFirst = to.CanCoalesce(first.Page, first.OffsetValue, first.DestructorRef);
        int needed = 0;
        for (int i = 0, todo = length; todo > 0; i++)
        {
            if (i > 0 || !mergeFirst)
            {
                needed++;
            }

            todo -= from._shinfo.Frags[i].SizeValue;
        }

        if (to.NrFrags + needed > SharedInfo.MaxSkbFrags)
        {
            return 0;
        }

        if (to.IsCloned)
        {
            to.ExpandHead(0, 0);
        }

        if (from.IsCloned)
        {
            from.ExpandHead(0, 0);
        }

        SharedInfo src = from._shinfo;
        SharedInfo dst = to._shinfo;
        int consumed = 0;
        for (int todo = length; todo > 0;)
        {
            ref SkbFrag f = ref src.Frags[consumed];
            bool merge = consumed == 0 && mergeFirst;
            if (f.SizeValue <= todo)
            {
                todo -= f.SizeValue;
                if (merge)
                {
                    dst.Frags[dst.NrFragsValue - 1].SizeValue += f.SizeValue;
                    FragCore.Unref(f, nameof(Shift)); // merged away: one frag fewer
                }
                else
                {
                    dst.Frags[dst.NrFragsValue++] = f; // moves
                }

                consumed++;
            }
            else
            {
                if (merge)
                {
                    dst.Frags[dst.NrFragsValue - 1].SizeValue += todo;
                }
                else
                {
                    FragCore.Ref(f, nameof(Shift));
                    dst.Frags[dst.NrFragsValue++] = f.Slice(0, todo);
                }

                f.OffsetValue += todo;
                f.SizeValue -= todo;
                todo = 0;
            }
        }

        Array.Copy(src.Frags, consumed, src.Frags, 0, src.NrFragsValue - consumed);
        Array.Clear(src.Frags, src.NrFragsValue - consumed, consumed);
        src.NrFragsValue -= consumed;
        to._len += length;
        to._dataLen += length;
        from._len -= length;
        from._dataLen -= length;
        return length;
    }

    /// <summary>
    /// Appends all of <paramref name="from"/> to <paramref name="to"/> and consumes <paramref name="from"/>
    /// (<c>skb_try_coalesce</c> for receive queues). A small linear <paramref name="from"/> is copied into the tailroom;
    /// otherwise its frags are appended — moved, or, if its data buffer is shared, given second pointers with
    /// <c>FragRef</c>. Its first frag merges into <paramref name="to"/>'s last only under rule 6 (same page, contiguous,
    /// same destructor). Returns false, changing nothing, when it cannot: <paramref name="to"/> cloned,
    /// <paramref name="from"/> has linear bytes that do not fit, too many frags, or a frag list.
    /// </summary>
    public static bool TryCoalesce(SkBuff to, SkBuff from)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(from);
        to.ThrowIfFree();
        from.ThrowIfFree();
        if (ReferenceEquals(to, from) || to.IsCloned || to.IsShared || from.IsShared
            || to._shinfo.FragListValue is not null || from._shinfo.FragListValue is not null)
        {
            return false;
        }

        if (from._len == 0)
        {
            from.Consume();
            return true;
        }

        if (!to.IsNonlinear && from._len <= to.Tailroom)
        {
            from.CopyBits(0, to.Put(from._len));
            from.Consume();
            return true;
        }

        if (from.HeadLen != 0)
        {
            return false;
        }

        SharedInfo src = from._shinfo;
        SharedInfo dst = to._shinfo;
        SkbFrag first = src.Frags[0];
        bool merge = to.CanCoalesce(first.Page, first.OffsetValue, first.DestructorRef);
        if (dst.NrFragsValue + src.NrFragsValue - (merge ? 1 : 0) > SharedInfo.MaxSkbFrags)
        {
            return false;
        }

        bool fromShared = from.IsCloned;
        for (int i = 0; i < src.NrFragsValue; i++)
        {
            SkbFrag f = src.Frags[i];
            if (i == 0 && merge)
            {
                dst.Frags[dst.NrFragsValue - 1].SizeValue += f.SizeValue;
                if (!fromShared)
                {
                    FragCore.Unref(f, nameof(TryCoalesce)); // merged away: one frag fewer
                }
            }
            else
            {
                if (fromShared)
                {
                    FragCore.Ref(f, nameof(TryCoalesce)); // the clone keeps its pointer; this is a second one
                }

                dst.Frags[dst.NrFragsValue++] = f;
            }
        }

        to._len += from._len;
        to._dataLen += from._len;
        if (!fromShared)
        {
            ClearFragSlots(src, 0);
            from._dataLen = 0;
            from._len = 0;
        }

        from.Consume();
        return true;
    }

    private void CopyMetadataForSplit(SkBuff old)
    {
        Protocol = old.Protocol;
        Priority = old.Priority;
        Mark = old.Mark;
        Timestamp = old.Timestamp;
        IpSummed = old.IpSummed == ChecksumState.Partial ? ChecksumState.Partial : ChecksumState.None;
    }
}
