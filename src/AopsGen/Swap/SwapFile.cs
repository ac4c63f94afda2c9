using System.Collections.Generic;
using System.Threading;
using AopsGen.Mm;
using AopsGen.Vfs;

namespace AopsGen.Swap;

/// <summary>
/// mm/swapfile.c: the swap table (<c>swap_info[]</c>), the priority-ordered <c>swap_list</c>,
/// <c>nr_swap_pages</c>, and slot allocation across areas (<c>get_swap_page</c>) and release (<c>swap_free</c>,
/// <c>swapcache_free</c>, <c>swap_duplicate</c>, <c>swapcache_prepare</c>).
/// </summary>
public sealed partial class SwapCore
{
    /// <summary><c>nr_swap_pages</c>: free slots over all writable areas.</summary>
    public long NrSwapPages
    {
        get
        {
            lock (_swapLock)
            {
                return _nrSwapPages;
            }
        }
    }

    /// <summary><c>total_swap_pages</c>: usable slots over all enabled areas.</summary>
    public long TotalSwapPages
    {
        get
        {
            lock (_swapLock)
            {
                return _totalSwapPages;
            }
        }
    }

    /// <summary>The enabled areas in <c>swap_list</c> order: highest priority first.</summary>
    public IReadOnlyList<SwapInfo> Areas
    {
        get
        {
            var areas = new List<SwapInfo>();
            lock (_swapLock)
            {
                for (int type = _listHead; type >= 0; type = _next[type])
                {
                    areas.Add(_swapInfo[type]!);
                }
            }
            return areas;
        }
    }

    /// <summary>
    /// <c>alloc_swap_info</c>: the first unused entry of the swap table, marked SWP_USED. Returns 0, or -EPERM
    /// when all <see cref="MaxSwapFiles"/> are in use (checked before the path is looked at, as in the kernel).
    /// </summary>
    internal int AllocSwapInfo(out SwapInfo? area)
    {
        lock (_swapLock)
        {
            int type = 0;
            while (type < _nrSwapfiles && (_swapInfo[type]!.Flags & SwapFlags.Used) != 0)
            {
                type++;
            }
            if (type >= MaxSwapFiles)
            {
                area = null;
                return Errnos.Neg(Errno.EPERM);
            }
            area = new SwapInfo(type) { Flags = SwapFlags.Used, Log = Log };
            Volatile.Write(ref _swapInfo[type], area);
            _next[type] = -1;
            if (type >= _nrSwapfiles)
            {
                _nrSwapfiles = type + 1;
            }
            return 0;
        }
    }

    /// <summary>The failed-swapon and swapoff end of an entry: the file and device let go, the map freed
    /// (<c>vfree(swap_map)</c>), and the slot of the swap table free to be reused.</summary>
    internal void FreeSwapInfo(SwapInfo area)
    {
        if ((area.Flags & SwapFlags.BlockDevice) != 0)
        {
            area.Bdev?.Release(area);
        }
        area.SwapFile = null;
        area.Bdev = null;
        area.FreeMap();
        lock (_swapLock)
        {
            area.Flags = SwapFlags.None;
        }
    }

    /// <summary>
    /// <c>enable_swap_info</c>: give the area its priority — <paramref name="priority"/> if it is 0 or more, else
    /// the next automatic one (-1, -2, ...) — make it writable, count its pages, and insert it in
    /// <c>swap_list</c> before the first area of lower or equal priority.
    /// </summary>
    internal void EnableSwapInfo(SwapInfo area, int priority)
    {
        lock (_swapLock)
        {
            area.Priority = priority >= 0 ? priority : --_leastPriority;
            area.Flags |= SwapFlags.WriteOk;
            _nrSwapPages += area.Pages - area.InUsePages;
            _totalSwapPages += area.Pages;

            int previous = -1;
            int current = _listHead;
            while (current >= 0 && _swapInfo[current]!.Priority > area.Priority)
            {
                previous = current;
                current = _next[current];
            }
            _next[area.Type] = current;
            if (previous < 0)
            {
                _listHead = _listNext = area.Type;
            }
            else
            {
                _next[previous] = area.Type;
            }
        }
    }

    /// <summary>
    /// The first half of swapoff (mm/swapfile.c:1479): take the area off <c>swap_list</c>; when it had an
    /// automatic priority every later automatic area moves up by one (<c>swap_info[i]-&gt;prio = p-&gt;prio--</c>)
    /// and <c>least_priority</c> follows; its pages leave the counts and it stops being writable.
    /// </summary>
    internal void DisableSwapInfo(SwapInfo area)
    {
        lock (_swapLock)
        {
            int previous = -1;
            int current = _listHead;
            while (current >= 0 && current != area.Type)
            {
                previous = current;
                current = _next[current];
            }
            if (current < 0)
            {
                throw new InvalidOperationException($"{area} is not on swap_list.");
            }
            if (area.Priority < 0)
            {
                int priority = area.Priority;
                for (int later = _next[area.Type]; later >= 0; later = _next[later])
                {
                    _swapInfo[later]!.Priority = priority--;
                }
                _leastPriority++;
            }
            if (previous < 0)
            {
                _listHead = _next[area.Type];
            }
            else
            {
                _next[previous] = _next[area.Type];
            }
            if (_listNext == area.Type)
            {
                _listNext = _listHead;
            }
            _nrSwapPages -= area.Pages - area.InUsePages;
            _totalSwapPages -= area.Pages;
            area.Flags &= ~SwapFlags.WriteOk;
        }
    }

    /// <summary>
    /// <c>get_swap_page</c>: a slot with SWAP_HAS_CACHE set, for a page entering the swap cache, from the highest
    /// priority area that has room; areas of equal priority take turns (round robin). Returns
    /// <see cref="SwapEntry.None"/> when swap is full.
    /// </summary>
    public SwapEntry GetSwapPage()
    {
        SwapEntry entry = SwapEntry.None;
        GetSwapPages(new Span<SwapEntry>(ref entry));
        return entry;
    }

    /// <summary>
    /// mm/swapfile.c <c>get_swap_pages(n_goal, swp_entries)</c>: up to <paramref name="entries"/>.Length slots with
    /// SWAP_HAS_CACHE set, as <see cref="GetSwapPage"/> takes one, under one hold of the swap lock and of each area's
    /// lock (the swap slots cache's refill, <see cref="SwapSlotsCache"/>). Returns how many were found.
    /// </summary>
    internal int GetSwapPages(Span<SwapEntry> entries)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(entries.Length, SwapPlug.MaxPages);
        Span<uint> offsets = stackalloc uint[entries.Length];
        int got = 0;
        lock (_swapLock)
        {
            int wrapped = 0;
            for (int type = _listNext; type >= 0 && wrapped < 2 && got < entries.Length && _nrSwapPages > 0;)
            {
                SwapInfo area = _swapInfo[type]!;
                int next = _next[type];
                if (next < 0 || (wrapped == 0 && area.Priority != _swapInfo[next]!.Priority))
                {
                    next = _listHead;
                    wrapped++;
                }
                if (area.HighestBit != 0 && (area.Flags & SwapFlags.WriteOk) != 0)
                {
                    _listNext = next;
                    int want = (int)Math.Min(entries.Length - got, _nrSwapPages);
                    int n = area.ScanSwapMapSlots(SwapMap.HasCache, offsets[..want]);
                    for (int k = 0; k < n; k++)
                    {
                        entries[got++] = SwapEntry.Create(type, offsets[k]);
                    }
                    _nrSwapPages -= n;
                    next = _listNext;
                }
                type = next;
            }
        }
        return got;
    }

    /// <summary><c>swap_free</c>: drop one reference to the entry's slot.</summary>
    public void SwapFree(SwapEntry entry) => Free(entry, 1);

    /// <summary><c>swapcache_free</c>: drop the entry's SWAP_HAS_CACHE bit (its page left the swap cache).</summary>
    public void SwapcacheFree(SwapEntry entry) => Free(entry, SwapMap.HasCache);

    /// <summary><c>swap_duplicate</c>: one more reference to the slot (a second page table maps it). Returns 0 or
    /// the kernel's error (-EINVAL bad entry, -ENOENT free slot, -ENOMEM count at SWAP_MAP_MAX).</summary>
    public int SwapDuplicate(SwapEntry entry) => Duplicate(entry, 1);

    /// <summary><c>swapcache_prepare</c>: claim the right to add the entry's page to the swap cache. Returns 0,
    /// -EEXIST when someone else holds it (retry the lookup), -ENOENT when the slot was freed.</summary>
    public int SwapcachePrepare(SwapEntry entry) => Duplicate(entry, SwapMap.HasCache);

    /// <summary>
    /// The area an entry names, or null for an entry of no area in use (<c>swp_swap_info</c>). Lockless, as the
    /// kernel's <c>READ_ONCE(swap_info[type])</c>: a table entry is published under the swap lock before any swap entry
    /// can name it, and the swap path calls this several times a page.
    /// </summary>
    public SwapInfo? AreaOf(SwapEntry entry)
    {
        int type = entry.Type;
        SwapInfo? area = (uint)type < MaxSwapFiles ? Volatile.Read(ref _swapInfo[type]) : null;
        return area != null && (area.Flags & SwapFlags.Used) != 0 ? area : null;
    }

    private int Duplicate(SwapEntry entry, byte usage)
    {
        SwapInfo? area = AreaOf(entry);
        if (area is null || entry.Offset >= area.Max)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        return area.SwapDuplicate((uint)entry.Offset, usage);
    }

    /// <summary>
    /// mm/swapfile.c <c>swapcache_free_entries</c>: <see cref="SwapcacheFree"/> of every entry, under one hold of the
    /// area's lock per run of entries of one area and one of the swap lock for the slots that end free (the swap slots
    /// cache's flush, <see cref="SwapSlotsCache"/>). <paramref name="entries"/> is used as scratch space.
    /// </summary>
    internal void SwapcacheFreeEntries(Span<SwapEntry> entries)
    {
        Span<uint> offsets = stackalloc uint[SwapPlug.MaxPages];
        for (int first = 0; first < entries.Length;)
        {
            SwapInfo area = AreaOf(entries[first]) ?? throw new ArgumentException($"swapcache_free: {entries[first]} names no swap area (\"Bad swap file entry\").", nameof(entries));
            int n = 0;
            while (first + n < entries.Length && n < offsets.Length && entries[first + n].Type == area.Type)
            {
                offsets[n] = (uint)entries[first + n].Offset;
                n++;
            }
            first += n;
            int freed = area.SwapEntriesFree(offsets[..n], SwapMap.HasCache);
            if (freed > 0)
            {
                SlotsFreed(area, offsets[..freed]);
            }
        }
    }

    private void Free(SwapEntry entry, byte usage)
    {
        SwapInfo area = AreaOf(entry) ?? throw new ArgumentException($"swap_free: {entry} names no swap area (\"Bad swap file entry\").", nameof(entry));
        uint offset = (uint)entry.Offset;
        if (area.SwapEntryFree(offset, usage) == SwapMap.Free)
        {
            SlotsFreed(area, new ReadOnlySpan<uint>(in offset));
        }
    }

    // Slots of an area that are free again: nr_swap_pages, where allocation starts next, discard.
    private void SlotsFreed(SwapInfo area, ReadOnlySpan<uint> offsets)
    {
        lock (_swapLock)
        {
            if ((area.Flags & SwapFlags.WriteOk) != 0)
            {
                _nrSwapPages += offsets.Length;
                // A freed slot in an area of higher priority than the one allocation is at: start there next.
                if (_listNext >= 0 && area.Priority > _swapInfo[_listNext]!.Priority)
                {
                    _listNext = area.Type;
                }
            }
        }
        if ((area.Flags & SwapFlags.PageDiscard) != 0)
        {
            foreach (uint offset in offsets)
            {
                DiscardFreedCluster(area, offset);
            }
        }
    }
}
