using System.Collections.Generic;
using System.Threading;
using AopsGen.Swap;

namespace AopsGen.Mm;

/// <summary>
/// The memory of one machine: its page frames (the RAM), its swap, its anonymous regions — the kernel's
/// <c>mmlist</c>, which swapoff walks to find every owner of a swap entry — and the LRU lists reclaim takes
/// cold pages from. A fault that finds no free frame reclaims directly (<c>try_to_free_pages</c>); with
/// <see cref="StartKswapd"/> a background thread also keeps free frames between the watermarks.
/// </summary>
public sealed partial class MemoryManager : IDisposable
{
    private readonly List<AnonRegion> _mmlist = new();
    private readonly object _kswapdWait = new();
    private Thread? _kswapd;
    private bool _kswapdWoken;
    private volatile bool _stopping;

    /// <summary>A machine with <paramref name="ram"/> for its pages and <paramref name="swap"/> for its swap.
    /// A swap core serves one memory manager at a time (until it is disposed).</summary>
    public MemoryManager(PageFrames ram, SwapCore swap)
    {
        ArgumentNullException.ThrowIfNull(ram);
        ArgumentNullException.ThrowIfNull(swap);
        Ram = ram;
        Swap = swap;
        LowWatermark = Math.Max(4, ram.Count / 32);
        HighWatermark = Math.Min(2 * LowWatermark, Math.Max(ram.Count / 2, 1));
        MinWatermark = Math.Min(LowWatermark / 2, ram.Count / 8);
        swap.AttachMemory(this);
    }

    /// <summary>The page frames.</summary>
    public PageFrames Ram { get; }

    /// <summary>The swap subsystem.</summary>
    public SwapCore Swap { get; }

    /// <summary>The anonymous LRU lists.</summary>
    public Lru Lru { get; } = new();

    /// <summary>The event counters (shared with the swap core).</summary>
    public VmEvents Events => Swap.Events;

    /// <summary><c>low_wmark_pages</c>: below this many free frames an allocation wakes kswapd.</summary>
    public int LowWatermark { get; }

    /// <summary>
    /// <c>min_wmark_pages</c> (the <c>vm.min_free_kbytes</c> knob): the free frames kept for <c>PF_MEMALLOC</c> work —
    /// reclaim, the writes it submits and their completions (<see cref="Memalloc"/>). A fault, kswapd's target or
    /// readahead stops above it; a filesystem writing a page out from reclaim may allocate from it, so it still can
    /// with every other frame dirty. 0 turns the reserve off (then such a filesystem can deadlock reclaim). Defaults
    /// to half the low watermark (at most an eighth of the frames); must stay below the low watermark.
    /// </summary>
    public int MinWatermark
    {
        get => Ram.Reserve;
        set
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, LowWatermark);
            Ram.Reserve = value;
        }
    }

    /// <summary><c>high_wmark_pages</c>: kswapd reclaims until this many frames are free.</summary>
    public int HighWatermark { get; }

    /// <summary>Managed bytes the kswapd thread has allocated since it started (0 on the steady-state path: a check
    /// for users who, like <c>aops demo</c>, account for every thread that runs reclaim).</summary>
    public long KswapdAllocatedBytes => Volatile.Read(ref _kswapdAllocated);

    private long _kswapdAllocated;

    /// <summary>How often a fault retries direct reclaim before it gives up with -ENOMEM (the OOM point).</summary>
    public int DirectReclaimRetries { get; set; } = 64;

    /// <summary><c>mmap(MAP_ANONYMOUS)</c>: a region of <paramref name="pages"/> pages, all untouched (zero).</summary>
    public AnonRegion CreateRegion(int pages)
    {
        var region = new AnonRegion(this, pages);
        lock (_mmlist)
        {
            _mmlist.Add(region);
        }
        return region;
    }

    /// <summary>
    /// <c>alloc_page(GFP_HIGHUSER)</c>: a free frame above the min watermark, reclaiming directly when none is (and
    /// waking kswapd when free frames fall below the low watermark). A caller with <c>PF_MEMALLOC</c>
    /// (<see cref="InReclaim"/>) may take the reserve below <see cref="MinWatermark"/> and never reclaims: it gets
    /// null at once when no frame at all is free. Others get null after <see cref="DirectReclaimRetries"/> rounds
    /// that found nothing to free. The caller reports -ENOMEM.
    /// </summary>
    public Page? AllocPage(bool zeroed)
    {
        SwapPlug.Prepare();
        SwapSlotsCache.Prepare();
        Page? page = zeroed ? Ram.AllocZeroed() : Ram.Alloc();
        for (int attempt = 0; page == null && !InReclaim && attempt < DirectReclaimRetries; attempt++)
        {
            WakeKswapd();
            int freed = ReclaimPages(SwapPlug.MaxPages);
            Events.Count(VmEvent.PgStealDirect, freed);
            if (freed == 0)
            {
                // Everything reclaimable is busy (other reclaimers, writes in flight): let them finish.
                if (Swap.WritebackBatches > 0)
                {
                    Swap.ReclaimThrottle();
                }
                else if (attempt < 8)
                {
                    Thread.Yield();
                }
                else
                {
                    Thread.Sleep(1);
                }
            }
            page = zeroed ? Ram.AllocZeroed() : Ram.Alloc();
        }
        if (Ram.FreeCount < LowWatermark)
        {
            WakeKswapd();
        }
        return page;
    }

    /// <summary>Starts <c>kswapd</c>: a background thread that, when woken, reclaims until
    /// <see cref="HighWatermark"/> frames are free. Stopped by <see cref="Dispose"/>.</summary>
    public void StartKswapd()
    {
        lock (_kswapdWait)
        {
            if (_kswapd != null)
            {
                return;
            }
            _kswapd = new Thread(Kswapd) { IsBackground = true, Name = "kswapd0" };
            _kswapd.Start();
        }
    }

    /// <summary><c>wakeup_kswapd</c>.</summary>
    public void WakeKswapd()
    {
        if (_kswapd == null)
        {
            return;
        }
        lock (_kswapdWait)
        {
            _kswapdWoken = true;
            Monitor.Pulse(_kswapdWait);
        }
    }

    // mm/vmscan.c kswapd → balance_pgdat: sleep until woken, then reclaim up to the high watermark.
    private void Kswapd()
    {
        SwapPlug.Prepare();
        SwapSlotsCache.Prepare();
        long start = GC.GetAllocatedBytesForCurrentThread();
        while (!_stopping)
        {
            lock (_kswapdWait)
            {
                while (!_kswapdWoken && !_stopping)
                {
                    Monitor.Wait(_kswapdWait);
                }
                _kswapdWoken = false;
            }
            while (!_stopping && Ram.FreeCount < HighWatermark)
            {
                int freed = ReclaimPages(SwapPlug.MaxPages);
                Volatile.Write(ref _kswapdAllocated, GC.GetAllocatedBytesForCurrentThread() - start);
                if (freed == 0)
                {
                    break;
                }
                Events.Count(VmEvent.KswapdRounds);
            }
        }
    }

    /// <summary>Takes a page that has left every owner and cache off the LRU, dropping the list's reference, so
    /// its frame is free once the caller's reference goes (<c>__page_cache_release</c>).</summary>
    internal void DropFromLru(Page page)
    {
        if (Lru.Isolate(page))
        {
            page.Put();
        }
    }

    /// <summary>The regions, for <c>try_to_unuse</c>'s walk (a snapshot: regions may come and go meanwhile).</summary>
    internal AnonRegion[] Regions()
    {
        lock (_mmlist)
        {
            return _mmlist.ToArray();
        }
    }

    internal void Remove(AnonRegion region)
    {
        lock (_mmlist)
        {
            _mmlist.Remove(region);
        }
    }

    /// <summary>
    /// <c>kswapd_stop</c>, for good: returns once kswapd has ended its pass — its plug submitted, its slots cache
    /// given back, the pages it had isolated back on the LRU (those whose writes are still in flight too). After
    /// this, and with no fault running, no page is off the LRU and no write starts: <see cref="SwapCore.WaitForIo"/>
    /// then one <see cref="ReclaimPages"/> frees every page the swap cache holds for nobody.
    /// </summary>
    public void StopKswapd()
    {
        Thread? kswapd;
        lock (_kswapdWait)
        {
            _stopping = true;
            kswapd = _kswapd;
            Monitor.PulseAll(_kswapdWait);
        }
        kswapd?.Join();
    }

    /// <summary>
    /// The machine shuts down, as every process exiting would: kswapd stops (<see cref="StopKswapd"/>), every region
    /// exits (<see cref="AnonRegion.Dispose"/>, <c>exit_mmap</c>: its pages unmapped, its swap entries freed), the
    /// writes in flight complete and what they leave in the swap cache for nobody is reclaimed. The swap core then
    /// serves no memory: a later swapoff finds no owner to fault into these frames (the RAM may already be
    /// disposed), and another memory manager may attach to it.
    /// </summary>
    public void Dispose()
    {
        StopKswapd();
        foreach (AnonRegion region in Regions())
        {
            region.Dispose();
        }
        Swap.WaitForIo();
        ReclaimPages(Ram.Count);
        Swap.DetachMemory(this);
    }
}
