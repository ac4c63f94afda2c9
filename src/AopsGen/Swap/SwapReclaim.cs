using System.Threading;
using AopsGen.Mm;

namespace AopsGen.Swap;

/// <summary>What the memory manager and reclaim (mm/vmscan.c) use of the swap core: the link to the memory whose
/// pages it holds, <c>vm_swap_full</c>, and the swap-cache half of <c>__remove_mapping</c>.</summary>
public sealed partial class SwapCore
{
    /// <summary>Connects the memory whose pages this swap holds (the owners swapoff must find).</summary>
    internal void AttachMemory(MemoryManager mm)
    {
        if (Interlocked.CompareExchange(ref _mm, mm, null) != null)
        {
            throw new InvalidOperationException("This swap core already serves a memory manager.");
        }
        // Every page in the swap cache sits in one of the memory's frames: no insertion need ever grow the tree.
        SwapperSpace.Preload(mm.Ram.Count);
    }

    /// <summary>Disconnects <paramref name="mm"/> when it shuts down (<see cref="MemoryManager.Dispose"/>).</summary>
    internal void DetachMemory(MemoryManager mm) => Interlocked.CompareExchange(ref _mm, null, mm);

    /// <summary><c>vm_swap_full</c>: more than half of swap is in use; faults then free swap-cache slots eagerly. Read
    /// without the swap lock, as the kernel reads <c>nr_swap_pages</c> (an atomic) here: every swap-in fault asks.</summary>
    public bool VmSwapFull => Volatile.Read(ref _nrSwapPages) * 2 < Volatile.Read(ref _totalSwapPages);

    /// <summary>
    /// mm/vmscan.c <c>__remove_mapping</c> for a swap-cache page: a locked, clean page that nobody but the cache
    /// and the caller holds (its count checked under the tree lock, so no lookup can take it meanwhile) leaves the
    /// cache and releases its slot's SWAP_HAS_CACHE (through this thread's <see cref="SwapSlotsCache"/> during a reclaim
    /// batch). The caller's reference is then the last.
    /// </summary>
    internal bool RemoveMapping(Page page)
    {
        if (!page.IsLocked || !page.IsSwapCache || page.IsWriteback || page.IsDirty)
        {
            return false;
        }
        var entry = new SwapEntry(page.Private);
        if (!SwapperSpace.DeletePageIfCount(page, expectedCount: 2))
        {
            return false;
        }
        page.Clear(PageFlags.SwapCache);
        page.Private = 0;
        SwapSlotsCache.FreeSwapSlot(this, entry);
        Events.Count(VmEvent.SwapCacheDelete);
        return true;
    }

    private readonly object _writebackDone = new();
    private int _writebackBatches;
    private int _throttled;

    /// <summary>Write batches submitted and not completed, in every area (pages under writeback, in batches).</summary>
    internal int WritebackBatches => Volatile.Read(ref _writebackBatches);

    /// <summary>A write batch was queued (+1) or completed (-1); a completion wakes reclaimers throttled on writeback
    /// (6.x <c>__acct_reclaim_writeback</c> waking <c>reclaim_wait[VMSCAN_THROTTLE_WRITEBACK]</c>).</summary>
    internal void CountWritebackBatch(int delta)
    {
        Interlocked.Add(ref _writebackBatches, delta);
        if (delta < 0 && Volatile.Read(ref _throttled) > 0)
        {
            lock (_writebackDone)
            {
                Monitor.PulseAll(_writebackDone);
            }
        }
    }

    /// <summary>
    /// mm/vmscan.c (5.16+) <c>reclaim_throttle(pgdat, VMSCAN_THROTTLE_WRITEBACK)</c>: reclaim found only pages under
    /// writeback; sleep until a write batch completes, or HZ/10, rather than spin over them. Returns at once when no
    /// write is in flight.
    /// </summary>
    internal void ReclaimThrottle()
    {
        if (WritebackBatches == 0)
        {
            return;
        }
        Interlocked.Increment(ref _throttled);
        lock (_writebackDone)
        {
            if (WritebackBatches > 0)
            {
                Monitor.Wait(_writebackDone, 100);
            }
        }
        Interlocked.Decrement(ref _throttled);
    }

    /// <summary>
    /// <c>filemap_fdatawait</c> of the swap cache: sleep until every swap read and write in flight, in every area, has
    /// completed (their pages then are clean or dirty again, uptodate or not). Reclaim never calls it — it leaves pages
    /// under writeback on the LRU for a later pass; swapoff does, and so may a caller that wants every write done.
    /// </summary>
    public void WaitForIo()
    {
        // The table itself, not Areas (a copy): a caller may wait after every swap-out and must allocate nothing.
        for (int type = 0; type < MaxSwapFiles; type++)
        {
            Volatile.Read(ref _swapInfo[type])?.Io?.Queue.Drain();
        }
    }
}
