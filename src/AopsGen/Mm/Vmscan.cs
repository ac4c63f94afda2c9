using AopsGen.Swap;

namespace AopsGen.Mm;

/// <summary>What reclaim did with one page (mm/vmscan.c <c>shrink_page_list</c>'s outcomes).</summary>
public enum PageReclaimResult
{
    /// <summary>The page was written (or was clean in the swap cache) and its frame is free.</summary>
    Freed,
    /// <summary>The page is unmapped and its write is in flight or held in a plug; a later pass frees it.</summary>
    Writeback,
    /// <summary>The page is locked, under writeback or otherwise in use: kept (<c>keep_locked</c>).</summary>
    Busy,
    /// <summary>The page was used recently: back to the active list (<c>activate_locked</c>).</summary>
    Referenced,
    /// <summary>The write failed: the page is dirty in memory again and will be written later.</summary>
    WriteFailed,
    /// <summary>No slot is free (<c>add_to_swap</c> failed): the page stays (<c>activate_locked</c>).</summary>
    SwapFull,
    /// <summary>Nothing is mapped at that index.</summary>
    NotPresent,
}

/// <summary>
/// mm/vmscan.c: reclaim of anonymous pages — take the coldest pages off the inactive list, give each a slot
/// (<c>add_to_swap</c>), unmap it through the reverse map (<c>try_to_unmap</c>), write it through
/// <c>page.Mapping.Aops.WritePage</c> (<c>swap_aops</c>) with the writes of one round batched in a
/// <see cref="SwapPlug"/>, and free the frames whose writes have ended (<c>__remove_mapping</c>).
/// </summary>
public sealed partial class MemoryManager
{
    // pageout()'s wbc: WB_SYNC_NONE, for reclaim. Read-only on the swap path, so one serves every call.
    private static readonly WritebackControl s_pageoutWbc = WritebackControl.ForPageout();

    /// <summary>Whether the calling thread is inside reclaim or another <c>PF_MEMALLOC</c> scope
    /// (<see cref="Memalloc"/>). An allocation it makes meanwhile (a filesystem's own, from inside writepage or
    /// direct_IO) may take the reserve below the min watermark, or fails; it never reclaims again.</summary>
    public static bool InReclaim => Memalloc.Active;

    /// <summary>
    /// <c>try_to_free_pages</c> / one <c>balance_pgdat</c> pass: reclaim up to <paramref name="target"/> frames from
    /// the cold end of the LRU, refilling the inactive list from the active one as it runs low. Returns the frames
    /// freed (0 when nothing could be: every page busy, recently used, or swap full).
    /// </summary>
    public int ReclaimPages(int target)
    {
        if (Memalloc.Active)
        {
            return 0;
        }
        using (Memalloc.NoReclaimSave())
        {
            return ShrinkInactiveList(target);
        }
    }

    private int ShrinkInactiveList(int target)
    {
        // The isolated pages live on the stack, as the kernel's page_list does: no allocation, no sharing.
        var batch = new PageBatch();
        Span<Page?> isolated = batch;
        int freed = 0;
        int rounds = 0;
        while (freed < target && rounds++ < 8)
        {
            if (Lru.NrInactive < Math.Max(Lru.NrActive / 2, SwapPlug.MaxPages))
            {
                Lru.Deactivate(SwapPlug.MaxPages);
            }
            int n = Lru.IsolateInactive(isolated[..Math.Min(isolated.Length, target - freed + SwapPlug.MaxPages / 2)]);
            if (n == 0)
            {
                break;
            }
            int freedNow = ShrinkPageList(isolated[..n], force: false, out int writeback);
            freed += freedNow;
            if (freedNow == 0 && writeback == n)
            {
                // Every page taken is under writeback: wait for a completion rather than scan them again.
                Swap.ReclaimThrottle();
            }
        }
        return freed;
    }

    /// <summary>
    /// <c>madvise(MADV_PAGEOUT)</c> / <c>reclaim_pages</c>: reclaim the pages at <paramref name="indexes"/> of
    /// <paramref name="region"/> now, used recently or not: each is added to swap, unmapped and written, the
    /// writes batched in one <see cref="SwapPlug"/> (contiguous slots go out as one vectored write); then every
    /// page whose write has ended is freed. Returns the frames freed.
    /// </summary>
    public int SwapOut(AnonRegion region, ReadOnlySpan<int> indexes)
    {
        ArgumentNullException.ThrowIfNull(region);
        if (Memalloc.Active)
        {
            return 0;
        }
        using (Memalloc.NoReclaimSave())
        {
            return SwapOutIsolated(region, indexes);
        }
    }

    private int SwapOutIsolated(AnonRegion region, ReadOnlySpan<int> indexes)
    {
        var batch = new PageBatch();
        Span<Page?> isolated = batch;
        Span<bool> off = stackalloc bool[isolated.Length];
        int freed = 0;
        for (int first = 0; first < indexes.Length; first += isolated.Length)
        {
            // A batch of ptes under one page-table lock, its pages off the LRU under one LRU lock; the reference
            // taken at the pte is dropped (the list's is the caller's now), and a page another reclaimer holds is skipped.
            int present = region.GetPresent(indexes.Slice(first, Math.Min(isolated.Length, indexes.Length - first)), isolated);
            Lru.Isolate(isolated[..present], off);
            int n = 0;
            for (int i = 0; i < present; i++)
            {
                Page page = isolated[i]!;
                isolated[i] = null;
                page.Put();
                if (off[i])
                {
                    isolated[n++] = page;
                }
            }
            if (n > 0)
            {
                freed += ShrinkPageList(isolated[..n], force: true, out _);
            }
        }
        return freed;
    }

    /// <summary>
    /// Reclaim the one page mapped at <paramref name="index"/>, used recently or not, and say what became of it.
    /// Within a caller's <see cref="SwapPlug"/> its write is held back (<see cref="PageReclaimResult.Writeback"/>);
    /// otherwise it is written at once and, the write having ended, freed.
    /// </summary>
    public PageReclaimResult ShrinkPage(AnonRegion region, int index)
    {
        ArgumentNullException.ThrowIfNull(region);
        Page? page = IsolateMapped(region, index);
        if (page == null)
        {
            return region.IsPresent(index) ? PageReclaimResult.Busy : PageReclaimResult.NotPresent;
        }
        PageReclaimResult result = ShrinkIsolated(page, force: true);
        if (result == PageReclaimResult.Writeback && !page.IsWriteback)
        {
            result = FreeAfterWriteback(page);
        }
        if (result == PageReclaimResult.Freed)
        {
            page.Release();
        }
        else
        {
            Lru.PutbackOrRelease(page, active: result is PageReclaimResult.Referenced or PageReclaimResult.SwapFull);
        }
        return result;
    }

    // The page mapped at index, taken off the LRU with the list's reference now the caller's; null when nothing
    // is mapped there or another reclaimer holds the page.
    private Page? IsolateMapped(AnonRegion region, int index)
    {
        Page? page = region.GetPresent(index);
        if (page == null)
        {
            return null;
        }
        bool isolated = Lru.Isolate(page);
        page.Put();
        if (!isolated)
        {
            return null;
        }
        return page;
    }

    // shrink_page_list over isolated pages: one plug for all their writes, then a second pass that frees those
    // whose writes have ended, then everything kept goes back on its list — a page whose write is still in flight
    // too, for a later pass to free (counted in writeback). The batch takes its slots and gives back its pages'
    // SWAP_HAS_CACHE through the swap slots cache, and frees its frames as one list (free_unref_page_list): a few
    // lock round trips a batch instead of several a page. Returns the frames freed.
    private int ShrinkPageList(Span<Page?> pages, bool force, out int writeback)
    {
        writeback = 0;
        Span<PageReclaimResult> results = stackalloc PageReclaimResult[pages.Length];
        var freeBatch = new PageBatch();
        Span<Page?> freeList = freeBatch;
        int freed = 0;
        int toFree = 0;
        using (SwapSlotsCache.Start(Swap, NeedSlots(pages)))
        {
            using (SwapPlug.Start())
            {
                for (int i = 0; i < pages.Length; i++)
                {
                    results[i] = ShrinkIsolated(pages[i]!, force);
                }
            }
            for (int i = 0; i < pages.Length; i++)
            {
                Page page = pages[i]!;
                pages[i] = null;
                if (results[i] == PageReclaimResult.Writeback)
                {
                    results[i] = FreeAfterWriteback(page);
                }
                if (results[i] == PageReclaimResult.Freed)
                {
                    freed++;
                    if (page.Put() == 0)
                    {
                        freeList[toFree++] = page;
                    }
                }
                else
                {
                    writeback += page.IsWriteback ? 1 : 0;
                    Lru.PutbackOrRelease(page, active: results[i] is PageReclaimResult.Referenced or PageReclaimResult.SwapFull);
                }
            }
        }
        Ram.FreeUnrefPageList(freeList[..toFree]);
        return freed;
    }

    // Pages of the batch that add_to_swap will give a slot: mapped anonymous pages not in the swap cache yet.
    private static int NeedSlots(ReadOnlySpan<Page?> pages)
    {
        int n = 0;
        foreach (Page? page in pages)
        {
            n += page!.AnonOwner != null && !page.IsSwapCache ? 1 : 0;
        }
        return n;
    }

    // One isolated page (the caller holds the list's reference). Freed: the page is out of every cache and unlocked,
    // and the caller's reference is the last — the caller frees the frame; anything else: the page is unlocked and
    // the reference still the caller's.
    private PageReclaimResult ShrinkIsolated(Page page, bool force)
    {
        if (!page.TryLock())
        {
            return PageReclaimResult.Busy;
        }
        if (page.IsWriteback)
        {
            return Unlock(page, PageReclaimResult.Busy);
        }
        bool referenced = page.TestAndClear(PageFlags.Referenced);
        AnonRegion? owner = page.AnonOwner;
        if (owner != null && owner.Maps((int)page.Index, page))
        {
            if (referenced && !force)
            {
                return Unlock(page, PageReclaimResult.Referenced);
            }
            if (!page.IsSwapCache && !Swap.AddToSwap(page))
            {
                return Unlock(page, PageReclaimResult.SwapFull);
            }
            if (!owner.UnmapToSwap((int)page.Index, page))
            {
                return Unlock(page, PageReclaimResult.Busy);
            }
        }
        else if (!page.IsSwapCache)
        {
            // Its owner let it go (the region was unmapped meanwhile): only this reference is left.
            if (page.Count != 1)
            {
                return Unlock(page, PageReclaimResult.Busy);
            }
            page.Unlock();
            return PageReclaimResult.Freed;
        }

        if (page.TestAndClear(PageFlags.Dirty))
        {
            page.Set(PageFlags.Reclaim);
            AopsCalls.WritePage(page.Mapping!.Aops, page, s_pageoutWbc);
            if (page.IsWriteback)
            {
                return PageReclaimResult.Writeback;
            }
            // "A synchronous write - probably a ramdisk. Go ahead and try to reclaim the page."
            if (!page.TryLock())
            {
                return PageReclaimResult.Busy;
            }
        }
        return FreeLocked(page);
    }

    // The second pass: a page whose write was held in the plug, now ended.
    private PageReclaimResult FreeAfterWriteback(Page page)
    {
        if (!page.TryLock())
        {
            return PageReclaimResult.Busy;
        }
        if (page.IsWriteback)
        {
            return Unlock(page, PageReclaimResult.Busy);
        }
        return FreeLocked(page);
    }

    // __remove_mapping: a locked, clean swap-cache page that only the cache and this caller hold leaves the
    // cache; the caller's reference is then the last.
    private PageReclaimResult FreeLocked(Page page)
    {
        if (page.IsDirty)
        {
            return Unlock(page, page.Test(PageFlags.Reclaim) ? PageReclaimResult.Busy : PageReclaimResult.WriteFailed);
        }
        if (!Swap.RemoveMapping(page))
        {
            return Unlock(page, PageReclaimResult.Busy);
        }
        page.Clear(PageFlags.Reclaim);
        page.Unlock();
        return PageReclaimResult.Freed;
    }

    private static PageReclaimResult Unlock(Page page, PageReclaimResult result)
    {
        page.Unlock();
        return result;
    }
}

/// <summary>SWAP_CLUSTER_MAX page references on the stack: one round of reclaim's isolated pages.</summary>
[System.Runtime.CompilerServices.InlineArray(SwapPlug.MaxPages)]
internal struct PageBatch
{
    private Page? _first;
}
