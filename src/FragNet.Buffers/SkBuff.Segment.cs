namespace FragNet.Buffers;

/// <summary>Generic segmentation offload in software (<c>skb_segment</c>).</summary>
public sealed partial class SkBuff
{
    /// <summary>
    /// Cuts a GSO super-packet into segments of at most <see cref="GsoSize"/> payload bytes, each starting with a copy
    /// of the first <paramref name="headerLength"/> bytes (the headers, which must be linear). Returns the first
    /// segment; the rest follow through <see cref="Next"/>. This buffer is left as it was; the caller frees it.
    /// </summary>
    /// <remarks>
    /// With <paramref name="scatterGather"/> (a device with NETIF_F_SG) payload bytes in frags, including frag-list
    /// members' frags, are shared: each segment's frag is a second pointer and takes <c>FragRef</c> (rule 4).
    /// Linear payload bytes are copied. A segment whose bytes cannot be laid out as linear-then-frags within
    /// <see cref="SharedInfo.MaxSkbFrags"/> slots, or any segment without scatter-gather, is copied whole (and then
    /// carries no destructor, rule 5). Protocol fix-ups (IP id and length, TCP sequence and flags, checksums) are the
    /// protocol layer's job.
    /// </remarks>
    public SkBuff Segment(int headerLength, bool scatterGather = true)
    {
        ThrowIfFree();
        int mss = _shinfo.GsoSize;
        if (mss <= 0)
        {
            ThrowHelper.ThrowShared(this, nameof(Segment), "not a GSO packet (GsoSize is 0)");
        }

        if (headerLength < 0 || headerLength > HeadLen)
        {
            ThrowHelper.ThrowShared(this, nameof(Segment), $"the {headerLength}-byte headers must be linear (PullTail them first)");
        }

        if (headerLength == _len)
        {
            ThrowHelper.ThrowShared(this, nameof(Segment), "no payload to segment");
        }

        SkBuff? first = null;
        SkBuff? last = null;
        var cursor = new SkbPieceCursor(this, headerLength);
        for (int offset = headerLength; offset < _len;)
        {
            int segLen = Math.Min(mss, _len - offset);
            SkBuff seg = BuildSegment(ref cursor, offset, segLen, headerLength, scatterGather);
            if (last is null)
            {
                first = seg;
            }
            else
            {
                last.Next = seg;
            }

            last = seg;
            offset += segLen;
        }

        return first!;
    }

    private SkBuff BuildSegment(ref SkbPieceCursor cursor, int offset, int segLen, int headerLength, bool scatterGather)
    {
        // Plan on a copy of the cursor: how many bytes lead linearly, and how many frag slots the rest needs.
        SkbPieceCursor plan = cursor;
        int linearPrefix = 0;
        int slots = 0;
        bool shareable = scatterGather;
        SkbFrag last = default;
        for (int done = 0; done < segLen && shareable;)
        {
            SkbPieceCursor.Piece p = plan.Next(segLen - done);
            done += p.Length;
            if (!p.IsFrag)
            {
                shareable = slots == 0; // linear bytes after a frag cannot be expressed
                linearPrefix += p.Length;
                continue;
            }

            SkbFrag f = p.Frag;
            if (slots == 0 || !last.CanCoalesce(f.Page, f.OffsetValue, f.DestructorRef))
            {
                slots++;
            }

            last = f;
            shareable &= slots <= SharedInfo.MaxSkbFrags;
        }

        int linear = shareable ? linearPrefix : segLen;
        SkBuff seg = _cache.Alloc(Headroom + headerLength + linear);
        seg.Reserve(Headroom);
        LinearData[..headerLength].CopyTo(seg.Put(headerLength));
        seg.CopyHeaderFrom(this, 0);
        if (seg.IpSummed == ChecksumState.Complete)
        {
            seg.IpSummed = ChecksumState.None;
        }

        if (!shareable)
        {
            CopyBits(offset, seg.Put(segLen));
            SkipCursor(ref cursor, segLen);
            return seg;
        }

        for (int done = 0; done < segLen;)
        {
            SkbPieceCursor.Piece p = cursor.Next(segLen - done);
            done += p.Length;
            if (!p.IsFrag)
            {
                p.Linear.CopyTo(seg.Put(p.Length));
                continue;
            }

            SkbFrag f = p.Frag;
            SharedInfo sh = seg._shinfo;
            if (sh.NrFragsValue > 0 && sh.Frags[sh.NrFragsValue - 1].CanCoalesce(f.Page, f.OffsetValue, f.DestructorRef))
            {
                sh.Frags[sh.NrFragsValue - 1].SizeValue += f.SizeValue; // rule 6: same page, contiguous, same destructor
            }
            else
            {
                FragCore.Ref(f, nameof(Segment));
                sh.Frags[sh.NrFragsValue++] = f;
            }

            seg._len += f.SizeValue;
            seg._dataLen += f.SizeValue;
        }

        return seg;
    }

    private static void SkipCursor(ref SkbPieceCursor cursor, int bytes)
    {
        while (bytes > 0)
        {
            bytes -= cursor.Next(bytes).Length;
        }
    }
}
