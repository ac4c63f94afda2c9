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

    /// <summary><c>vm_swap_full</c>: more than half of swap is in use; faults then free swap-cache slots eagerly. Read
    /// without the swap lock, as the kernel reads <c>nr_swap_pages</c> (an atomic) here: every swap-in fault asks.</summary>
    public bool VmSwapFull => Volatile.Read(ref _nrSwapPages) * 2 < Volatile.Read(ref _totalSwapPages);

    /// <summary>
    /// mm/vmscan.c <c>__remove_mapping</c> for a swap-cache page: a locked, clean page that nobody but the cache
    /// and the caller holds (its count checked under the tree lock, so no lookup can take it meanwhile) leaves the
    /// cache and releases its slot's SWAP_HAS_CACHE. The caller's reference is then the last.
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
        SwapcacheFree(entry);
        Events.Count(VmEvent.SwapCacheDelete);
        return true;
    }
}
