using System.Runtime.CompilerServices;

namespace FragNet.Buffers;

/// <summary>Giving lent pages back early: copy them out (<c>skb_orphan_frags</c> / <c>skb_copy_ubufs</c>).</summary>
public sealed partial class SkBuff
{
    /// <summary>
    /// Copies every frag that is on lent memory — it carries a destructor, or its page is foreign — into new pages
    /// from the cache's pool and drops the old frag (<c>FragUnref</c>), so this buffer no longer holds the lender's
    /// pages (rule 5: the copies carry no destructor). A cloned data buffer is made private first, as Linux does: the
    /// clones keep their own pointers until they are freed. A frag list is linearized instead (no pages needed).
    /// Returns false, changing nothing, if the pool cannot supply the pages (counted as a pool exhaustion).
    /// </summary>
    public bool OrphanFrags()
    {
        ThrowIfFree();
        if (_shinfo.FragListValue is not null)
        {
            Linearize();
            return true;
        }

        int needed = 0;
        for (int i = 0; i < _shinfo.NrFragsValue; i++)
        {
            needed += NeedsOrphan(_shinfo.Frags[i]) ? 1 : 0;
        }

        if (needed == 0)
        {
            return true;
        }

        ThrowIfSharedHeader(nameof(OrphanFrags));
        PageSlots pages = default;
        for (int k = 0; k < needed; k++)
        {
            if (!_cache.Pages.TryAlloc(out pages[k]))
            {
                for (int j = 0; j < k; j++)
                {
                    pages[j].Release(nameof(OrphanFrags));
                }

                return false;
            }
        }

        if (IsCloned)
        {
            ExpandHead(0, 0);
        }

        SharedInfo sh = _shinfo;
        for (int i = 0, k = 0; i < sh.NrFragsValue; i++)
        {
            SkbFrag old = sh.Frags[i];
            if (!NeedsOrphan(old))
            {
                continue;
            }

            Page page = pages[k++];
            old.Bytes(nameof(OrphanFrags)).CopyTo(page.Span);
            sh.Frags[i] = new SkbFrag(page, 0, old.SizeValue, null); // the allocation's reference becomes the frag's
            FragCore.Unref(old, nameof(OrphanFrags));
        }

        return true;
    }

    /// <summary>True if any frag still references lent memory (a destructor or a foreign page).</summary>
    public bool HasLentFrags()
    {
        ThrowIfFree();
        for (int i = 0; i < _shinfo.NrFragsValue; i++)
        {
            if (NeedsOrphan(_shinfo.Frags[i]))
            {
                return true;
            }
        }

        for (SkBuff? m = _shinfo.FragListValue; m is not null; m = m.Next)
        {
            if (m.HasLentFrags())
            {
                return true;
            }
        }

        return false;
    }

    private static bool NeedsOrphan(in SkbFrag f) => f.DestructorRef is not null || f.Page.IsForeign;

    [InlineArray(SharedInfo.MaxSkbFrags)]
    private struct PageSlots
    {
        private Page _first;
    }
}
