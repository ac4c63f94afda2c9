using System.Threading;
using AopsGen.Mm;

namespace AopsGen.Swap;

/// <summary>
/// mm/swap_state.c: <c>swap_aops</c>, the ops of <c>swapper_space</c>. Declared with the attributes like any
/// filesystem's table; the generator emits <c>SwapAops.Operations</c>. Reclaim writes a swap-cache page with
/// <c>page.Mapping.Aops.WritePage</c> as it writes any other page; these ops route it to the area that holds
/// it, through the backend swapon chose for the area.
/// </summary>
[AddressSpaceOperations("swap_aops")]
internal static partial class SwapAops
{
    /// <summary><c>.writepage = swap_writepage</c> (mm/page_io.c).</summary>
    [WritePage]
    internal static int WritePage(Page page, WritebackControl wbc) => SwapCore.Of(page).SwapWritepage(page, wbc);

    /// <summary><c>.set_page_dirty = swap_set_page_dirty</c> (3.6; 6.x <c>swap_dirty_folio</c>): the swap file's
    /// <c>set_page_dirty</c> when the area's I/O goes through its filesystem, otherwise <c>__set_page_dirty_no_writeback</c>.</summary>
    [SetPageDirty]
    internal static bool SetPageDirty(Page page) => SwapCore.Of(page).SwapSetPageDirty(page);

    /// <summary><c>.sync_page = block_sync_page</c> (2.6): "unplug the block queues" — here, submit the swap
    /// I/O this thread's <see cref="SwapPlug"/> holds back, so a waiter on one of its pages is not left waiting.</summary>
    [SyncPage]
    internal static void SyncPage(Page page) => SwapPlug.Unplug();
}

/// <summary>mm/swap_state.c: the swap cache — <c>swapper_space</c> and the calls that add, find and delete its
/// pages, keyed by swap entry.</summary>
public sealed partial class SwapCore
{
    /// <summary><c>swapper_space</c>: the swap cache. Its pages are keyed by their swap entry (kept in
    /// <see cref="Page.Private"/>), carry PG_swapcache, and have this as their <see cref="Page.Mapping"/>, so
    /// <c>page.Mapping.Aops</c> is <c>swap_aops</c>.</summary>
    public AddressSpace SwapperSpace { get; }

    /// <summary>The swap path's event counters (<c>pswpin</c>, <c>pswpout</c>, swap-cache hits, ...).</summary>
    public VmEvents Events { get; } = new();

    /// <summary>The swap core whose swap cache holds <paramref name="page"/>.</summary>
    internal static SwapCore Of(Page page)
        => page.Mapping?.PrivateData as SwapCore ?? throw new InvalidOperationException($"{page} is not in a swap cache.");

    /// <summary>
    /// <c>add_to_swap_cache</c>: put a locked, swap-backed page that is in no cache into the swap cache at
    /// <paramref name="entry"/>, taking a reference. The caller holds the slot's SWAP_HAS_CACHE (from
    /// <see cref="GetSwapPage"/> or <see cref="SwapcachePrepare"/>), so no other page can be there; returns 0, or
    /// -EEXIST if one is (a caller bug in the kernel, answered here rather than corrupting the cache).
    /// </summary>
    public int AddToSwapCache(Page page, SwapEntry entry)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!page.IsLocked || page.IsSwapCache || !page.Test(PageFlags.SwapBacked))
        {
            throw new InvalidOperationException($"add_to_swap_cache of {page}: it must be locked, swap-backed and not in the swap cache (VM_BUG_ON).");
        }
        page.Set(PageFlags.SwapCache);
        int error = SwapperSpace.AddPage(page, entry.Value);
        if (error != 0)
        {
            page.Clear(PageFlags.SwapCache);
            return error;
        }
        Events.Count(VmEvent.SwapCacheAdd);
        return 0;
    }

    /// <summary>
    /// <c>delete_from_swap_cache</c>: take a locked page that is not under writeback out of the swap cache,
    /// release its slot's SWAP_HAS_CACHE (<c>swapcache_free</c>) and drop the cache's reference.
    /// </summary>
    public void DeleteFromSwapCache(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!page.IsLocked || !page.IsSwapCache || page.IsWriteback)
        {
            throw new InvalidOperationException($"delete_from_swap_cache of {page}: it must be locked, in the swap cache and not under writeback (VM_BUG_ON).");
        }
        var entry = new SwapEntry(page.Private);
        if (!SwapperSpace.DeletePage(page))
        {
            throw new InvalidOperationException($"{page} has PG_swapcache but is not in {SwapperSpace} at {entry}.");
        }
        page.Clear(PageFlags.SwapCache);
        page.Private = 0;
        SwapcacheFree(entry);
        Events.Count(VmEvent.SwapCacheDelete);
    }

    /// <summary>
    /// <c>add_to_swap</c>: give a locked, uptodate, swap-backed page a slot and put it in the swap cache,
    /// dirty, so reclaim writes it out. Returns false when swap is full.
    /// </summary>
    public bool AddToSwap(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        SwapEntry entry = SwapSlotsCache.GetSwapPage(this);
        if (entry.IsNone)
        {
            return false;
        }
        if (AddToSwapCache(page, entry) != 0)
        {
            SwapcacheFree(entry);
            return false;
        }
        page.Set(PageFlags.Dirty);
        return true;
    }

    /// <summary><c>lookup_swap_cache</c>: the page cached for <paramref name="entry"/>, with a reference taken, or
    /// null; counts hits and misses.</summary>
    public Page? LookupSwapCache(SwapEntry entry)
    {
        Page? page = SwapperSpace.FindGetPage(entry.Value);
        Events.Count(page is null ? VmEvent.SwapCacheMiss : VmEvent.SwapCacheHit);
        return page;
    }

    /// <summary><c>page_cluster</c> (/proc/sys/vm/page-cluster): a fault reads ahead at most the aligned cluster of
    /// 2^PageCluster slots around its own, as much of it as <see cref="SwapinNrPages"/> judges useful; 0 reads only
    /// the faulting slot.</summary>
    public int PageCluster { get; set; } = 3;

    /// <summary>
    /// <c>read_swap_cache_async</c>: the swap-cache page of <paramref name="entry"/>, with a reference taken —
    /// the one cached, or a frame from <paramref name="frames"/> added to the cache and read (the read may still
    /// be in flight: lock the page to wait for it, then check <see cref="Page.IsUptodate"/>). Returns null with
    /// <paramref name="error"/> -ENOMEM when no frame is free, or -ENOENT when the slot was freed meanwhile.
    /// </summary>
    public Page? ReadSwapCacheAsync(SwapEntry entry, PageFrames frames, out int error)
    {
        ArgumentNullException.ThrowIfNull(frames);
        Page? page = LookupOrAddSwapCachePage(entry, frames, reclaim: false, out error, out bool allocated);
        if (allocated)
        {
            SwapReadpage(page!);
        }
        return page;
    }

    private long _readaheadHits;
    private long _prevOffset;
    private int _lastReadaheadPages;

    /// <summary>A fault found a page that readahead had brought in (<c>swapin_readahead_hits</c>).</summary>
    internal void CountReadaheadHit(SwapEntry entry)
    {
        Interlocked.Increment(ref _readaheadHits);
        Events.Count(VmEvent.SwapReadaheadHit);
        AsyncReadahead(entry, (ulong)Volatile.Read(ref _lastReadaheadPages));
    }

    /// <summary>
    /// mm/swap_state.c <c>swapin_nr_pages</c> (Linux 4.x–6.x): the readahead window for a fault at
    /// <paramref name="offset"/>, at most 2^<see cref="PageCluster"/> pages — the hits since the last fault plus 2,
    /// rounded up to a power of two (at least 4); with no hits, 2 pages when the fault is next to the previous one
    /// and 1 (no readahead) otherwise; never less than half the last window. A random workload thus stops reading
    /// pages it will not use, a sequential one reads whole clusters.
    /// </summary>
    internal ulong SwapinNrPages(ulong offset, out long hits)
    {
        int maxPages = 1 << PageCluster;
        hits = 0;
        if (maxPages <= 1)
        {
            return 1;
        }
        hits = Interlocked.Exchange(ref _readaheadHits, 0);
        ulong prev = (ulong)Volatile.Read(ref _prevOffset);
        long pages = hits + 2;
        if (pages == 2)
        {
            if (offset != prev + 1 && offset != prev - 1)
            {
                pages = 1;
            }
        }
        else
        {
            long roundup = 4;
            while (roundup < pages)
            {
                roundup <<= 1;
            }
            pages = roundup;
        }
        pages = Math.Min(pages, maxPages);
        pages = Math.Max(pages, Volatile.Read(ref _lastReadaheadPages) / 2);
        if (hits == 0)
        {
            Volatile.Write(ref _prevOffset, (long)offset);
        }
        Volatile.Write(ref _lastReadaheadPages, (int)pages);
        return (ulong)pages;
    }

    /// <summary>
    /// mm/swap_state.c <c>swapin_readahead</c>: for a fault on <paramref name="entry"/>, read the aligned window of
    /// <see cref="SwapinNrPages"/> slots (up to 2^<see cref="PageCluster"/>) around it that are in use, in one plug — contiguous slots become one
    /// vectored read — and return the faulting slot's page (with a reference) as <see cref="ReadSwapCacheAsync(SwapEntry, PageFrames, out int)"/>
    /// does. Readahead takes only free frames; the faulting page may reclaim for one.
    /// </summary>
    internal Page? SwapinReadahead(SwapEntry entry, PageFrames frames, out int error)
    {
        SwapInfo? area = AreaOf(entry);
        Page? target = null;
        error = 0;
        long hits = 0;
        ulong window = area != null ? SwapinNrPages(entry.Offset, out hits) : 1;
        if (area != null && window > 1)
        {
            ulong mask = window - 1;
            ulong start = entry.Offset & ~mask;
            // The faulting page's frame is taken first, outside the plug: direct reclaim for it must be able to
            // submit its writes (inside the plug they would wait for the plug and free nothing).
            MemoryManager? mm = ReferenceEquals(_mm?.Ram, frames) ? _mm : null;
            Page? reserved = mm != null ? mm.AllocPage(zeroed: false) : frames.Alloc();
            if (reserved == null)
            {
                error = Errnos.Neg(Errno.ENOMEM);
                return null;
            }
            target = ReadWindow(area, entry, start, start | mask, frames, ref reserved, out error);
            if (reserved != null)
            {
                frames.Free(reserved);
            }
            // The windows after this one are read while it is used (page_cache_async_readahead's lookahead) — when
            // the stream is sequential: the fault is at the slot right after the window the last miss read and the
            // faults since then used at least half of it (ondemand_readahead's "index == ra->start + ra->size"). A
            // random fault keeps a window of half the last for a while (swapin_nr_pages) and reads nothing ahead.
            long previousEnd = Interlocked.Exchange(ref _lastWindowEnd, (long)SwapEntry.Create(entry.Type, start + window).Value);
            bool sequential = previousEnd == (long)entry.Value && hits >= (long)(window / 2);
            StartAsyncReadahead(area, entry.Type, start + window, sequential ? window : 0);
            if (target != null || error != 0)
            {
                return target;
            }
        }
        Page? found = LookupOrAddSwapCachePage(entry, frames, reclaim: true, out error, out bool allocated);
        if (allocated)
        {
            SwapReadpage(found!);
        }
        return found;
    }

    /// <summary>
    /// One readahead window: the slots <paramref name="first"/>..<paramref name="last"/> of <paramref name="entry"/>'s
    /// area that are in use, added to the swap cache and read in one plug (contiguous slots become one vectored read).
    /// The slot of <paramref name="entry"/> gets the caller's <paramref name="reserved"/> frame and is returned with
    /// a reference (the others are released, marked PG_readahead for the hit count); <paramref name="reserved"/> is
    /// null after it was used. Other slots take only free frames: the window ends at the first that finds none.
    /// </summary>
    private Page? ReadWindow(SwapInfo area, SwapEntry entry, ulong first, ulong last, PageFrames frames, ref Page? reserved, out int error)
    {
        Page? target = null;
        error = 0;
        using (SwapPlug.Start())
        {
            for (ulong offset = first; offset <= last && offset < area.Max; offset++)
            {
                bool isTarget = offset == entry.Offset;
                if (offset == 0 || (!isTarget && area.SwapCount((uint)offset) == 0))
                {
                    continue;
                }
                Page? page = LookupOrAddSwapCachePage(SwapEntry.Create(entry.Type, offset), frames, reclaim: false, out int pageError, out bool fresh,
                    isTarget ? reserved : null);
                if (fresh)
                {
                    SwapReadpage(page!);
                }
                if (isTarget)
                {
                    reserved = null;
                    target = page;
                    error = pageError;
                }
                else if (page != null)
                {
                    if (fresh)
                    {
                        page.Set(PageFlags.Readahead);
                        Events.Count(VmEvent.SwapReadahead);
                    }
                    page.Release();
                }
                else if (pageError == Errnos.Neg(Errno.ENOMEM))
                {
                    break;
                }
            }
        }
        return target;
    }

    private long _readaheadMarker;

    // The entry right after the window the last miss read (swapin_readahead): a miss there continues a sequential stream.
    private long _lastWindowEnd;

    [ThreadStatic]
    private static bool t_asyncReadahead;

    /// <summary>Whether this thread's reads are asynchronous readahead that nobody waits for yet: only those are queued
    /// (a fault's own read is submitted synchronously — it would wait for it at once anyway).</summary>
    internal static bool InAsyncReadahead => t_asyncReadahead;

    /// <summary>The most readahead windows kept in flight ahead of a sequential fault, whatever the queue depth: 8
    /// windows of 32 pages is 1 MiB read ahead.</summary>
    internal const int MaxWindowsAhead = 8;

    /// <summary>Readahead windows <paramref name="area"/> keeps in flight ahead of a sequential fault: none at queue
    /// depth 1 (3.6's readahead, one synchronous window per fault that misses), else one less than the depth — a
    /// batch of the queue stays for reclaim's writes — up to <see cref="MaxWindowsAhead"/>. More windows in flight
    /// read faster on this project's disks (docs/performance.md, "Swap-in lookahead").</summary>
    internal static int WindowsAhead(SwapInfo area) => Math.Min(area.QueueDepth - 1, MaxWindowsAhead);

    /// <summary>
    /// After a fault's synchronous window of <paramref name="window"/> slots (0: not sequential, nothing ahead), queue the <see cref="WindowsAhead"/>
    /// windows from <paramref name="next"/> and put the PG_readahead marker on the first page of the first of them
    /// (mm/readahead.c <c>ondemand_readahead</c>: <c>ra-&gt;async_size</c> pages read ahead of the request, the marker at
    /// <c>ra-&gt;start + ra-&gt;size - ra-&gt;async_size</c>).
    /// </summary>
    private void StartAsyncReadahead(SwapInfo area, int type, ulong next, ulong window)
    {
        int ahead = WindowsAhead(area);
        Volatile.Write(ref _readaheadMarker, 0);
        if (ahead < 1 || window < 2 || _mm is not { } mm)
        {
            return;
        }
        for (int k = 0; k < ahead; k++)
        {
            ReadWindowAsync(area, type, next + (ulong)k * window, window, mm);
        }
        Volatile.Write(ref _readaheadMarker, (long)SwapEntry.Create(type, next).Value);
    }

    /// <summary>
    /// The asynchronous half of swap readahead, as <c>page_cache_async_readahead</c> does for files on a PG_readahead
    /// marker: a fault that finds the marked page <paramref name="entry"/> — the first page of the first window read
    /// ahead — in the cache queues the window <see cref="WindowsAhead"/> windows further, and the marker moves to the
    /// next window's first page. So a sequential fault always has that many windows in flight ahead of it and never
    /// waits for a read it could have started earlier; the disk sees them at once, as fio's queue depth.
    /// </summary>
    private void AsyncReadahead(SwapEntry entry, ulong window)
    {
        if (Volatile.Read(ref _readaheadMarker) != (long)entry.Value || AreaOf(entry) is not { QueueDepth: > 1 } area
            || Interlocked.CompareExchange(ref _readaheadMarker, 0, (long)entry.Value) != (long)entry.Value
            || _mm is not { } mm || window < 2)
        {
            return;
        }
        ulong start = entry.Offset & ~(window - 1);
        ReadWindowAsync(area, entry.Type, start + (ulong)WindowsAhead(area) * window, window, mm);
        Volatile.Write(ref _readaheadMarker, (long)SwapEntry.Create(entry.Type, start + window).Value);
    }

    // One window from `first`, queued: nobody waits for it yet.
    private void ReadWindowAsync(SwapInfo area, int type, ulong first, ulong window, MemoryManager mm)
    {
        Page? none = null;
        t_asyncReadahead = true;
        try
        {
            ReadWindow(area, SwapEntry.Create(type, 0), first, first + window - 1, mm.Ram, ref none, out _);
        }
        finally
        {
            t_asyncReadahead = false;
        }
    }

    /// <summary>
    /// mm/swap_state.c <c>__read_swap_cache_async</c>: the swap-cache page of <paramref name="entry"/> with a reference
    /// taken — the one cached, or a new one added to the cache, locked and not uptodate, for the caller to read
    /// (<paramref name="allocated"/>, the kernel's <c>page_allocated</c>: then the caller calls
    /// <see cref="SwapReadpage"/>, as <c>read_swap_cache_async</c> and <c>swapin_readahead</c> do). With
    /// <paramref name="reclaim"/> the frame comes from the memory manager (direct reclaim when none is free) unless the
    /// caller brings one (<paramref name="frame"/>, which this call then owns).
    /// </summary>
    private Page? LookupOrAddSwapCachePage(SwapEntry entry, PageFrames frames, bool reclaim, out int error, out bool allocated, Page? frame = null)
    {
        MemoryManager? mm = ReferenceEquals(_mm?.Ram, frames) ? _mm : null;
        Page? newPage = frame;
        allocated = false;
        while (true)
        {
            Page? found = SwapperSpace.FindGetPage(entry.Value);
            if (found != null)
            {
                if (newPage != null)
                {
                    frames.Free(newPage);
                }
                error = 0;
                return found;
            }
            newPage ??= reclaim && mm != null ? mm.AllocPage(zeroed: false) : frames.Alloc();
            if (newPage == null)
            {
                error = Errnos.Neg(Errno.ENOMEM);
                return null;
            }
            error = SwapcachePrepare(entry);
            if (error == Errnos.Neg(Errno.EEXIST))
            {
                // Another thread holds SWAP_HAS_CACHE and is about to add its page: look again.
                Thread.Yield();
                continue;
            }
            if (error != 0)
            {
                frames.Free(newPage);
                error = Errnos.Neg(Errno.ENOENT);
                return null;
            }
            newPage.Lock();
            newPage.Set(PageFlags.SwapBacked);
            error = AddToSwapCache(newPage, entry);
            if (error != 0)
            {
                SwapcacheFree(entry);
                newPage.Unlock();
                frames.Free(newPage);
                return null;
            }
            // lru_cache_add_anon: swapped-in pages start on the inactive list.
            mm?.Lru.Add(newPage, active: false);
            allocated = true;
            return newPage;
        }
    }

    /// <summary>
    /// <c>try_to_free_swap</c>: a locked page whose slot no owner references any more (only the cache does)
    /// leaves the swap cache, dirty, so that it is written to a new slot if it is swapped again. Returns
    /// whether it did; a page under writeback stays.
    /// </summary>
    public bool TryToFreeSwap(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!page.IsSwapCache || page.IsWriteback || PageSwapcount(page) != 0)
        {
            return false;
        }
        DeleteFromSwapCache(page);
        page.Set(PageFlags.Dirty);
        return true;
    }

    /// <summary><c>page_swapcount</c>: owners' references to the slot of a swap-cache page (the cache's own bit not counted).</summary>
    public int PageSwapcount(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var entry = new SwapEntry(page.Private);
        SwapInfo? area = AreaOf(entry);
        return area is null ? 0 : area.SwapCount((uint)entry.Offset);
    }

    /// <summary><c>swap_set_page_dirty</c>: as the area's backend dirties (the swap file's own op when its I/O goes
    /// through the filesystem).</summary>
    internal bool SwapSetPageDirty(Page page)
    {
        SwapInfo? area = AreaOf(new SwapEntry(page.Private));
        return area?.Io is { } io ? io.SetPageDirty(page) : !page.TestAndSet(PageFlags.Dirty);
    }
}
