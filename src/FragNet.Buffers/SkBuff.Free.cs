namespace FragNet.Buffers;

/// <summary>End of life: <see cref="Consume"/> (normal) and <see cref="Drop"/> (with a reason), and the release
/// of the data buffer by its last header (<c>skb_release_data</c>).</summary>
public sealed partial class SkBuff
{
    /// <summary>Frees the buffer after normal use (<c>consume_skb</c>).</summary>
    public void Consume() => Free(DropReason.Consumed);

    /// <summary>Frees the buffer as a drop, counted under <paramref name="reason"/> (<c>kfree_skb_reason</c>).</summary>
    public void Drop(DropReason reason)
    {
        if (reason is DropReason.NotDroppedYet or DropReason.Consumed)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "a drop needs a drop reason; use Consume for normal frees");
        }

        Free(reason);
    }

    /// <summary>Frees a chain of buffers linked through <see cref="Next"/> (<c>kfree_skb_list</c>): each is unlinked
    /// and consumed (<see cref="DropReason.Consumed"/>) or dropped with <paramref name="reason"/>. Returns how many.</summary>
    public static int FreeList(SkBuff? first, DropReason reason = DropReason.Consumed)
    {
        int count = 0;
        while (first is not null)
        {
            SkBuff? next = first.Next;
            first.Next = null;
            if (reason == DropReason.Consumed)
            {
                first.Consume();
            }
            else
            {
                first.Drop(reason);
            }

            first = next;
            count++;
        }

        return count;
    }

    private void Free(DropReason reason)
    {
        ThrowIfFree(); // double free of a header that is back in the cache
        if (Interlocked.Decrement(ref _users) != 0)
        {
            return;
        }

        LastReason = reason;
        _cache.CountFree(reason);
        Orphan();
        ReleaseData(_shinfo, _nohdr, reason == DropReason.Consumed ? "Free" : "Drop");
        _shinfo = null!;
        Next = null;
        _cache.FreeHeader(this);
    }

    /// <summary>Drops this header's share of <paramref name="shinfo"/>. The last share drops every frag (rule 3:
    /// only now, not per clone) and frees the frag list.</summary>
    private static void ReleaseData(SharedInfo shinfo, bool nohdr, string operation)
    {
        int share = nohdr ? (1 << SharedInfo.DataRefShift) + 1 : 1;
        int after = Interlocked.Add(ref shinfo.DataRefRaw, -share);
        if (after != 0)
        {
            if (after < 0)
            {
                throw new RefCountException($"data buffer released below zero (dataref {after}) by {operation}");
            }

            return;
        }

        FragCore.UnrefAll(shinfo.Frags.AsSpan(0, shinfo.NrFragsValue), operation);
        FreeFragList(shinfo.FragListValue);
        shinfo.Cache.FreeShared(shinfo);
    }

    /// <summary>Drops the holds on a frag-list chain (<c>kfree_skb_list</c>).</summary>
    private static void FreeFragList(SkBuff? list)
    {
        while (list is not null)
        {
            SkBuff? next = list.Next; // Free unlinks only when it drops the member's last holder
            list.Free(DropReason.Consumed);
            list = next;
        }
    }

    /// <summary>Takes one more hold on every member of a frag-list chain (<c>skb_clone_fraglist</c>).</summary>
    private static void GetFragList(SkBuff? list)
    {
        for (; list is not null; list = list.Next)
        {
            list.Get();
        }
    }
}
