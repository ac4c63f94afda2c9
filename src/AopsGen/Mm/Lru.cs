namespace AopsGen.Mm;

/// <summary>
/// mm/swap.c, mm/vmscan.c: the anonymous LRU lists of one memory — active and inactive, each a doubly linked
/// list threaded through the pages themselves (<c>page-&gt;lru</c>), newest at the head, reclaim taking from
/// the tail. A page on a list has PG_lru (and PG_active on the active one) and the list holds a reference to it.
/// One lock (<c>zone-&gt;lru_lock</c>) guards both; it is never held across I/O. No allocation.
/// </summary>
public sealed class Lru
{
    private readonly object _lock = new();
    private Page? _activeHead;
    private Page? _activeTail;
    private Page? _inactiveHead;
    private Page? _inactiveTail;

    /// <summary>Pages on the active list.</summary>
    public int NrActive { get; private set; }

    /// <summary>Pages on the inactive list.</summary>
    public int NrInactive { get; private set; }

    /// <summary><c>lru_cache_add</c>: put a page that is on no list at the head of the active or inactive list,
    /// taking a reference.</summary>
    public void Add(Page page, bool active)
    {
        ArgumentNullException.ThrowIfNull(page);
        lock (_lock)
        {
            if (page.Test(PageFlags.Lru))
            {
                throw new InvalidOperationException($"{page} is already on an LRU list (BUG).");
            }
            page.Get();
            Link(page, active);
        }
    }

    /// <summary><c>isolate_lru_page</c>: take a page off its list. The list's reference passes to the caller.
    /// False when the page is on no list (reclaim has it, or it was never added).</summary>
    public bool Isolate(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        lock (_lock)
        {
            if (!page.Test(PageFlags.Lru))
            {
                return false;
            }
            Unlink(page);
            return true;
        }
    }

    /// <summary><see cref="Isolate(Page)"/> of each of <paramref name="pages"/> under one lock round, as
    /// <c>isolate_lru_pages</c> takes a batch: <paramref name="isolated"/>[i] says whether page i came off its list
    /// (its list reference then the caller's).</summary>
    internal void Isolate(ReadOnlySpan<Page?> pages, Span<bool> isolated)
    {
        lock (_lock)
        {
            for (int i = 0; i < pages.Length; i++)
            {
                Page page = pages[i]!;
                isolated[i] = page.Test(PageFlags.Lru);
                if (isolated[i])
                {
                    Unlink(page);
                }
            }
        }
    }

    /// <summary><c>isolate_lru_pages</c> from the inactive tail: up to <paramref name="pages"/>.Length of the
    /// coldest pages, each with the list's reference passed to the caller. Returns how many.</summary>
    public int IsolateInactive(Span<Page?> pages)
    {
        int n = 0;
        lock (_lock)
        {
            while (n < pages.Length && _inactiveTail is { } page)
            {
                Unlink(page);
                pages[n++] = page;
            }
        }
        return n;
    }

    /// <summary><c>putback_lru_page</c>: return an isolated page (and its reference) to a list's head.</summary>
    public void Putback(Page page, bool active)
    {
        ArgumentNullException.ThrowIfNull(page);
        lock (_lock)
        {
            if (page.Test(PageFlags.Lru))
            {
                throw new InvalidOperationException($"{page} is already on an LRU list (BUG).");
            }
            Link(page, active);
        }
    }

    /// <summary>
    /// <c>putback_lru_page</c> for reclaim: the isolated page goes back on its list, unless its owner let it go while
    /// reclaim held it (the region was unmapped, or its failed read dropped, and the page is in no swap cache): then
    /// nothing can find it again, so the list's reference is dropped instead — the frame is free once the owner's
    /// reference is gone too, as the kernel's <c>put_page</c> frees it. Checked under the list's lock, which the
    /// owner's <see cref="Isolate(Page)"/> also takes after it lets the page go, so exactly one of them holds the list's
    /// reference. Returns false when the page was dropped.
    /// </summary>
    internal bool PutbackOrRelease(Page page, bool active)
    {
        bool orphan;
        lock (_lock)
        {
            orphan = page.AnonOwner == null && !page.IsSwapCache;
            if (!orphan)
            {
                Putback(page, active);
            }
        }
        if (orphan)
        {
            page.Release();
        }
        return !orphan;
    }

    /// <summary>
    /// mm/swap.c <c>folio_rotate_reclaimable</c>: a page whose writeback for reclaim just ended moves to the tail of
    /// the inactive list, so the next reclaim pass frees it first instead of scanning the whole list to find it. Only
    /// a clean, unlocked page on the inactive list moves (the kernel's checks); any other is left where it is. As in
    /// the kernel the checks are made first without the lock — a page reclaim still holds off the LRU (the common
    /// case: its batch's write ended before the batch was done) costs no lock round trip — and again under it.
    /// </summary>
    internal void RotateReclaimable(Page page)
    {
        if (!page.Test(PageFlags.Lru) || page.Test(PageFlags.Active) || page.IsLocked || page.IsDirty)
        {
            return;
        }
        lock (_lock)
        {
            if (!page.Test(PageFlags.Lru) || page.Test(PageFlags.Active) || page.IsLocked || page.IsDirty || ReferenceEquals(_inactiveTail, page))
            {
                return;
            }
            Unlink(page);
            Link(page, active: false);
            // Link put it at the head: move it from there to the tail.
            _inactiveHead = page.LruNext;
            _inactiveHead!.LruPrev = null;
            page.LruNext = null;
            page.LruPrev = _inactiveTail;
            _inactiveTail!.LruNext = page;
            _inactiveTail = page;
        }
    }

    /// <summary><c>shrink_active_list</c>: move up to <paramref name="count"/> pages from the active tail to the
    /// inactive head, clearing PG_referenced so they must be touched again to be activated again.</summary>
    public int Deactivate(int count)
    {
        int moved = 0;
        lock (_lock)
        {
            while (moved < count && _activeTail is { } page)
            {
                Unlink(page);
                page.Clear(PageFlags.Referenced);
                Link(page, active: false);
                moved++;
            }
        }
        return moved;
    }

    // Link and Unlink keep PG_lru equal to "on a list": every move between the lists goes through both.
    private void Link(Page page, bool active)
    {
        page.Set(PageFlags.Lru);
        ref Page? head = ref active ? ref _activeHead : ref _inactiveHead;
        ref Page? tail = ref active ? ref _activeTail : ref _inactiveTail;
        page.LruPrev = null;
        page.LruNext = head;
        if (head != null)
        {
            head.LruPrev = page;
        }
        else
        {
            tail = page;
        }
        head = page;
        if (active)
        {
            page.Set(PageFlags.Active);
            NrActive++;
        }
        else
        {
            page.Clear(PageFlags.Active);
            NrInactive++;
        }
    }

    private void Unlink(Page page)
    {
        bool active = page.Test(PageFlags.Active);
        ref Page? head = ref active ? ref _activeHead : ref _inactiveHead;
        ref Page? tail = ref active ? ref _activeTail : ref _inactiveTail;
        if (page.LruPrev != null)
        {
            page.LruPrev.LruNext = page.LruNext;
        }
        else
        {
            head = page.LruNext;
        }
        if (page.LruNext != null)
        {
            page.LruNext.LruPrev = page.LruPrev;
        }
        else
        {
            tail = page.LruPrev;
        }
        page.LruPrev = null;
        page.LruNext = null;
        page.Clear(PageFlags.Lru);
        if (active)
        {
            NrActive--;
        }
        else
        {
            NrInactive--;
        }
    }
}
