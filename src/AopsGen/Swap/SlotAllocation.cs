using AopsGen.Swap;

namespace AopsGen;

/// <summary>
/// mm/swapfile.c (3.6): slot allocation and reference counting inside one swap area — <c>scan_swap_map</c>,
/// <c>swap_entry_free</c> and <c>__swap_duplicate</c> — over the area's <c>swap_map</c>, one byte per slot
/// (<see cref="SwapMap"/>). Each call takes the area's lock for the map update only; the swap core adjusts
/// its global counters (<c>nr_swap_pages</c>) from the results.
/// </summary>
public sealed partial class SwapInfo
{
    /// <summary>SWAPFILE_CLUSTER: slots <c>scan_swap_map</c> tries to hand out consecutively.</summary>
    public const int SwapfileCluster = 256;

    private byte[] _swapMap = Array.Empty<byte>();

    /// <summary><c>swap_map</c>: one byte per slot, <see cref="Max"/> of them.</summary>
    public ReadOnlySpan<byte> SwapMapBytes => _swapMap;

    /// <summary><c>lowest_bit</c>: no free slot lies below it.</summary>
    public uint LowestBit { get; private set; }

    /// <summary><c>highest_bit</c>: no free slot lies above it; 0 when the area is full.</summary>
    public uint HighestBit { get; private set; }

    /// <summary><c>cluster_next</c>: where the next scan starts.</summary>
    public uint ClusterNext { get; private set; }

    /// <summary><c>cluster_nr</c>: slots left in the current cluster.</summary>
    public uint ClusterNr { get; private set; }

    /// <summary><c>*span</c> of swapon: the pages the area spans on its device, for the "across:" of the log line.</summary>
    public ulong Span { get; internal set; }

    /// <summary>The end of <c>generic_swapfile_activate</c>: the file holds only <paramref name="pageNo"/> usable
    /// pages (header included), so <c>max</c> becomes <paramref name="pageNo"/> and <c>pages</c> one less.</summary>
    internal void ShrinkTo(uint pageNo)
    {
        lock (Lock)
        {
            Array.Resize(ref _swapMap, (int)pageNo);
            Max = pageNo;
            Pages = pageNo - 1;
            HighestBit = pageNo - 1;
            if (LowestBit > HighestBit)
            {
                LowestBit = pageNo;
            }
        }
    }

    /// <summary>The end of <c>sys_swapoff</c> (and of a failed swapon): <c>p-&gt;max = 0; vfree(swap_map)</c> — the
    /// map is dropped, so an area that is off holds no memory per slot; a stale offset finds nothing.</summary>
    internal void FreeMap()
    {
        lock (Lock)
        {
            _swapMap = Array.Empty<byte>();
            Max = 0;
            InUsePages = 0;
            LowestBit = 0;
            HighestBit = 0;
            ClusterNext = 0;
            ClusterNr = 0;
        }
    }

    /// <summary>The area's lock (<c>si-&gt;lock</c>): held only around map updates, never across I/O.</summary>
    public object Lock { get; } = new();

    /// <summary>
    /// <c>setup_swap_map_and_extents</c>, the map part: <paramref name="maxPages"/> slots, slot 0 (the header)
    /// and every bad page marked <see cref="SwapMap.Bad"/>; sets <see cref="Max"/>, <see cref="Pages"/>, the
    /// scan bounds. Returns the good pages, or <c>-EINVAL</c> for a bad-page index that is 0 or past the area.
    /// </summary>
    public int InitializeMap(uint maxPages, ReadOnlySpan<uint> badPages)
    {
        if (maxPages < 2)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        var map = new byte[maxPages];
        uint good = maxPages - 1;
        foreach (uint bad in badPages)
        {
            if (bad == 0 || bad >= maxPages)
            {
                return Errnos.Neg(Errno.EINVAL);
            }
            if (map[bad] != SwapMap.Bad)
            {
                map[bad] = SwapMap.Bad;
                good--;
            }
        }
        if (good == 0)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        map[0] = SwapMap.Bad;
        lock (Lock)
        {
            _swapMap = map;
            Max = maxPages;
            Pages = good;
            InUsePages = 0;
            LowestBit = 1;
            HighestBit = maxPages - 1;
            ClusterNext = 1;
            ClusterNr = 0;
        }
        return (int)good;
    }

    /// <summary>
    /// <c>scan_swap_map(si, usage)</c>: take a free slot for <paramref name="usage"/> (a count of 1, or
    /// <see cref="SwapMap.HasCache"/> for a page entering the swap cache) and return its offset, or 0 when the
    /// area is full or not writable. Slots are handed out in clusters of <see cref="SwapfileCluster"/> when that
    /// many are free in a row (searched from <see cref="LowestBit"/>, as on rotational media), so that pages
    /// swapped out together land together and their I/O can be batched; otherwise first fit from
    /// <see cref="ClusterNext"/>, wrapping once. (3.6 also reclaims slots held only by the swap cache when swap is
    /// more than half full; here the swap cache does that through <c>try_to_free_swap</c>.)
    /// </summary>
    public uint ScanSwapMap(byte usage)
    {
        lock (Lock)
        {
            return ScanSwapMapLocked(usage);
        }
    }

    /// <summary>
    /// mm/swapfile.c <c>scan_swap_map_slots(si, usage, nr, slots)</c>: up to <paramref name="slots"/>.Length slots
    /// taken as <see cref="ScanSwapMap"/> takes one, under one hold of the area's lock (the swap slots cache's refill).
    /// Returns how many were found: fewer when the area fills up.
    /// </summary>
    internal int ScanSwapMapSlots(byte usage, Span<uint> slots)
    {
        lock (Lock)
        {
            int n = 0;
            while (n < slots.Length && (slots[n] = ScanSwapMapLocked(usage)) != 0)
            {
                n++;
            }
            return n;
        }
    }

    private uint ScanSwapMapLocked(byte usage)
    {
        if ((Flags & SwapFlags.WriteOk) == 0 || HighestBit == 0)
        {
            return 0;
        }
        uint offset = ClusterNext;
        uint scanBase = offset;
        if (ClusterNr == 0)
        {
            ClusterNr = SwapfileCluster - 1;
            if (Pages - InUsePages >= SwapfileCluster && FindFreeCluster(out uint clusterStart))
            {
                offset = scanBase = ClusterNext = clusterStart;
            }
        }
        else
        {
            ClusterNr--;
        }

        if (offset > HighestBit || offset < LowestBit)
        {
            offset = scanBase = LowestBit;
        }
        if (_swapMap[offset] != SwapMap.Free && !FindFree(scanBase, out offset))
        {
            return 0;
        }
        Take(offset, usage);
        return offset;
    }

    /// <summary>
    /// <c>swap_entry_free(si, entry, usage)</c>: drop <paramref name="usage"/> (a count, or
    /// <see cref="SwapMap.HasCache"/>) from the slot and return what is left of its byte; a slot that reaches 0
    /// is free again and widens the scan bounds. Freeing a free or bad slot is a caller bug and throws.
    /// </summary>
    public byte SwapEntryFree(uint offset, byte usage)
    {
        lock (Lock)
        {
            return SwapEntryFreeLocked(offset, usage);
        }
    }

    /// <summary>
    /// <see cref="SwapEntryFree"/> of every slot of <paramref name="offsets"/> with the same <paramref name="usage"/>,
    /// under one hold of the area's lock (mm/swapfile.c <c>swapcache_free_entries</c>). Each slot that is free
    /// afterwards is written back into <paramref name="offsets"/> from the start; returns how many.
    /// </summary>
    internal int SwapEntriesFree(Span<uint> offsets, byte usage)
    {
        lock (Lock)
        {
            int freed = 0;
            foreach (uint offset in offsets)
            {
                if (SwapEntryFreeLocked(offset, usage) == SwapMap.Free)
                {
                    offsets[freed++] = offset;
                }
            }
            return freed;
        }
    }

    private byte SwapEntryFreeLocked(uint offset, byte usage)
    {
        CheckOffset(offset);
        byte entry = _swapMap[offset];
        byte count = SwapMap.Count(entry);
        byte hasCache = (byte)(entry & SwapMap.HasCache);
        if (entry == SwapMap.Free || count == SwapMap.Bad)
        {
            throw new InvalidOperationException($"swap_free: slot {offset} of area {Type} is {(entry == SwapMap.Free ? "free" : "bad")} (\"Unused swap offset entry\").");
        }
        if (usage == SwapMap.HasCache)
        {
            if (hasCache == 0)
            {
                throw new InvalidOperationException($"swapcache_free: slot {offset} of area {Type} has no cache bit.");
            }
            hasCache = 0;
        }
        else if (count == SwapMap.Shmem)
        {
            count = 0;
        }
        else if (count > 0)
        {
            count--;
        }
        else
        {
            throw new InvalidOperationException($"swap_free: slot {offset} of area {Type} has no reference to drop.");
        }

        byte left = (byte)(count | hasCache);
        _swapMap[offset] = left;
        if (left == SwapMap.Free)
        {
            if (offset < LowestBit)
            {
                LowestBit = offset;
            }
            if (offset > HighestBit)
            {
                HighestBit = offset;
            }
            InUsePages--;
        }
        return left;
    }

    /// <summary>
    /// <c>__swap_duplicate(entry, usage)</c>: add a reference (<paramref name="usage"/> 1) or the cache bit
    /// (<see cref="SwapMap.HasCache"/>, <c>swapcache_prepare</c>) to a slot in use. Returns 0, or: -EEXIST when
    /// the cache bit is already set (someone else is adding the page), -ENOENT for a free slot, -EINVAL for a
    /// bad slot or an offset past the area, -ENOMEM when the count is at SWAP_MAP_MAX (count continuation pages
    /// are not modelled).
    /// </summary>
    public int SwapDuplicate(uint offset, byte usage)
    {
        lock (Lock)
        {
            if (offset == 0 || offset >= Max)
            {
                return Errnos.Neg(Errno.EINVAL);
            }
            byte entry = _swapMap[offset];
            byte count = SwapMap.Count(entry);
            byte hasCache = (byte)(entry & SwapMap.HasCache);
            if (usage == SwapMap.HasCache)
            {
                if (hasCache != 0)
                {
                    return Errnos.Neg(Errno.EEXIST);
                }
                if (count == 0)
                {
                    return Errnos.Neg(Errno.ENOENT);
                }
                if (count == SwapMap.Bad)
                {
                    return Errnos.Neg(Errno.EINVAL);
                }
                hasCache = SwapMap.HasCache;
            }
            else if (count != 0 || hasCache != 0)
            {
                if (count == SwapMap.Bad)
                {
                    return Errnos.Neg(Errno.EINVAL);
                }
                if (count >= SwapMap.MapMax)
                {
                    return Errnos.Neg(Errno.ENOMEM);
                }
                count += usage;
            }
            else
            {
                return Errnos.Neg(Errno.ENOENT);
            }
            _swapMap[offset] = (byte)(count | hasCache);
            return 0;
        }
    }

    /// <summary>
    /// For a discard of freed clusters: when the aligned cluster of <paramref name="offset"/> (slot 0 left out) is
    /// all free, mark its slots so that no scan hands them out (<c>CLUSTER_FLAG_DISCARD</c>) and return them as
    /// [<paramref name="start"/>, <paramref name="end"/>).
    /// </summary>
    internal bool HoldFreeCluster(uint offset, out uint start, out uint end)
    {
        lock (Lock)
        {
            start = Math.Max(offset / SwapfileCluster * SwapfileCluster, 1);
            end = Math.Min(offset / SwapfileCluster * SwapfileCluster + SwapfileCluster, Max);
            if (offset >= Max || start >= end)
            {
                return false;
            }
            for (uint slot = start; slot < end; slot++)
            {
                if (_swapMap[slot] != SwapMap.Free)
                {
                    return false;
                }
            }
            _swapMap.AsSpan((int)start, (int)(end - start)).Fill(SwapMap.Bad);
            return true;
        }
    }

    /// <summary>The end of a cluster's discard: its slots are free to hand out again (unless swapoff freed the map meanwhile).</summary>
    internal void ReturnHeldCluster(uint start, uint end)
    {
        lock (Lock)
        {
            if (end <= Max)
            {
                _swapMap.AsSpan((int)start, (int)(end - start)).Fill(SwapMap.Free);
            }
        }
    }

    // The first run of SWAPFILE_CLUSTER free slots from lowest_bit up to highest_bit.
    private bool FindFreeCluster(out uint start)
    {
        uint run = 0;
        for (uint offset = LowestBit; offset <= HighestBit; offset++)
        {
            run = _swapMap[offset] == SwapMap.Free ? run + 1 : 0;
            if (run == SwapfileCluster)
            {
                start = offset - SwapfileCluster + 1;
                return true;
            }
        }
        start = 0;
        return false;
    }

    // First fit after scanBase up to highest_bit, then from lowest_bit up to scanBase.
    private bool FindFree(uint scanBase, out uint offset)
    {
        for (offset = scanBase + 1; offset <= HighestBit; offset++)
        {
            if (_swapMap[offset] == SwapMap.Free)
            {
                return true;
            }
        }
        for (offset = LowestBit; offset < scanBase; offset++)
        {
            if (_swapMap[offset] == SwapMap.Free)
            {
                return true;
            }
        }
        return false;
    }

    private void Take(uint offset, byte usage)
    {
        if (offset == LowestBit)
        {
            LowestBit++;
        }
        if (offset == HighestBit)
        {
            HighestBit--;
        }
        InUsePages++;
        if (InUsePages == Pages)
        {
            LowestBit = Max;
            HighestBit = 0;
        }
        _swapMap[offset] = usage;
        ClusterNext = offset + 1;
    }

    /// <summary><c>swap_count(si-&gt;swap_map[offset])</c>: the owners' references to a slot, without the cache bit.</summary>
    public int SwapCount(uint offset)
    {
        lock (Lock)
        {
            return offset < Max ? SwapMap.Count(_swapMap[offset]) : 0;
        }
    }

    /// <summary>Whether a slot's SWAP_HAS_CACHE bit is set (a page for it is, or is about to be, in the swap cache).</summary>
    public bool HasCache(uint offset)
    {
        lock (Lock)
        {
            return offset < Max && (_swapMap[offset] & SwapMap.HasCache) != 0 && SwapMap.Count(_swapMap[offset]) != SwapMap.Bad;
        }
    }

    private void CheckOffset(uint offset)
    {
        if (offset == 0 || offset >= Max)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Bad swap offset entry: area {Type} has slots 1..{Max - 1}.");
        }
    }
}
