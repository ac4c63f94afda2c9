namespace AopsGen;

/// <summary>What reclaim did with one page (mm/vmscan.c <c>shrink_page_list</c>'s outcomes).</summary>
public enum PageReclaimResult
{
    /// <summary>The page was written (or was clean in the swap cache) and its frame is free.</summary>
    Freed,
    /// <summary>The page is unmapped and its write is in flight or held in a plug; a later pass frees it.</summary>
    Writeback,
    /// <summary>The page is locked, under writeback or otherwise in use: kept (<c>keep_locked</c>).</summary>
    Busy,
    /// <summary>The write failed: the page is dirty in memory again and will be written later.</summary>
    WriteFailed,
    /// <summary>No slot is free (<c>add_to_swap</c> failed): the page stays (<c>activate_locked</c>).</summary>
    SwapFull,
    /// <summary>Nothing is mapped at that index.</summary>
    NotPresent,
}

/// <summary>mm/vmscan.c: reclaim of anonymous pages — <c>add_to_swap</c>, unmap, <c>pageout</c> through
/// <c>page.Mapping.Aops.WritePage</c> (<c>swap_aops</c>), and freeing clean swap-cache pages.</summary>
public sealed partial class MemoryManager
{
    // pageout()'s wbc: WB_SYNC_NONE, for reclaim. Read-only on the swap path, so one serves every call.
    private static readonly WritebackControl s_pageoutWbc = WritebackControl.ForPageout();

    /// <summary>
    /// Reclaim the pages at <paramref name="indexes"/> of <paramref name="region"/>: each is added to swap,
    /// unmapped and written, the writes batched in one <see cref="SwapPlug"/> (contiguous slots go out as one
    /// vectored write); then every page whose write has ended is freed. Returns the frames freed.
    /// </summary>
    public int SwapOut(AnonRegion region, ReadOnlySpan<int> indexes)
    {
        ArgumentNullException.ThrowIfNull(region);
        int freed = 0;
        using (SwapPlug.Start())
        {
            foreach (int index in indexes)
            {
                if (ShrinkPage(region, index) == PageReclaimResult.Freed)
                {
                    freed++;
                }
            }
        }
        foreach (int index in indexes)
        {
            if (FreeSwappedPage(region, index))
            {
                freed++;
            }
        }
        return freed;
    }

    /// <summary>
    /// <c>shrink_page_list</c> for the page mapped at <paramref name="index"/>: lock it, give it a slot
    /// (<c>add_to_swap</c>), unmap it (<c>try_to_unmap</c>), write it if dirty (<c>pageout</c>), and free it when
    /// the write has already ended (a synchronous filesystem) — else it is freed by a later pass.
    /// </summary>
    public PageReclaimResult ShrinkPage(AnonRegion region, int index)
    {
        ArgumentNullException.ThrowIfNull(region);
        Page? page = region.GetPresent(index);
        if (page == null)
        {
            return PageReclaimResult.NotPresent;
        }
        if (!page.TryLock())
        {
            page.Release();
            return PageReclaimResult.Busy;
        }
        if (page.IsWriteback)
        {
            return KeepLocked(page, PageReclaimResult.Busy);
        }
        if (!page.IsSwapCache && !Swap.AddToSwap(page))
        {
            return KeepLocked(page, PageReclaimResult.SwapFull);
        }
        if (!region.UnmapToSwap(index, page))
        {
            return KeepLocked(page, PageReclaimResult.Busy);
        }
        return PageoutAndFree(page);
    }

    // pageout and __remove_mapping for a locked, unmapped swap-cache page the caller holds a reference to.
    private PageReclaimResult PageoutAndFree(Page page)
    {
        if (page.TestAndClear(PageFlags.Dirty))
        {
            page.Set(PageFlags.Reclaim);
            AopsCalls.WritePage(page.Mapping!.Aops, page, s_pageoutWbc);
            if (page.IsWriteback)
            {
                page.Release();
                return PageReclaimResult.Writeback;
            }
            // "A synchronous write - probably a ramdisk. Go ahead and try to reclaim the page."
            if (!page.TryLock())
            {
                page.Release();
                return PageReclaimResult.Busy;
            }
        }
        return FreeLocked(page);
    }

    // The second pass of reclaim: if the pte at index holds a swap entry whose page is still in the swap
    // cache — clean after its write, or dirty again after a failed one — write it if need be and free it.
    private bool FreeSwappedPage(AnonRegion region, int index)
    {
        SwapEntry entry = region.SwapEntryOf(index);
        if (entry.IsNone)
        {
            return false;
        }
        Page? page = Swap.SwapperSpace.FindGetPage(entry.Value);
        if (page == null)
        {
            return false;
        }
        if (!page.TryLock())
        {
            page.Release();
            return false;
        }
        if (page.IsWriteback)
        {
            KeepLocked(page, PageReclaimResult.Busy);
            return false;
        }
        return PageoutAndFree(page) == PageReclaimResult.Freed;
    }

    // __remove_mapping: a locked, clean swap-cache page that only the cache and this caller hold leaves the
    // cache and its frame is freed.
    private PageReclaimResult FreeLocked(Page page)
    {
        if (page.IsWriteback)
        {
            return KeepLocked(page, PageReclaimResult.Busy);
        }
        if (page.IsDirty)
        {
            return KeepLocked(page, page.Test(PageFlags.Reclaim) ? PageReclaimResult.Busy : PageReclaimResult.WriteFailed);
        }
        if (!Swap.RemoveMapping(page))
        {
            return KeepLocked(page, PageReclaimResult.Busy);
        }
        page.Clear(PageFlags.Reclaim);
        page.Unlock();
        page.Release();
        return PageReclaimResult.Freed;
    }

    private static PageReclaimResult KeepLocked(Page page, PageReclaimResult result)
    {
        page.Unlock();
        page.Release();
        return result;
    }
}
