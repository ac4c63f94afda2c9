using System.Threading;
using AopsGen.Swap;

namespace AopsGen.Mm;

/// <summary>
/// An anonymous memory region (<c>mmap(MAP_ANONYMOUS)</c>, one <c>vm_area_struct</c>) and its page table: each
/// page is untouched, present in a frame, or swapped out (a swap entry in its pte). Programs read and write
/// it by page; a touch of a swapped page faults it back in (mm/memory.c <c>do_swap_page</c>). The page table
/// lock is held only to read or change a pte, never across I/O. Thread-safe.
/// </summary>
public sealed class AnonRegion : IDisposable
{
    // A pte: present (Page), swapped (Swap, a swap entry's value), or neither (never touched).
    private struct Pte
    {
        public Page? Page;
        public ulong Swap;
    }

    private readonly Pte[] _ptes;
    private readonly object _ptl = new();
    private readonly MemoryManager _mm;
    private int _disposed;

    // do_swap_page's "someone else changed the pte meanwhile: look again".
    private const int Retry = 1;

    internal AnonRegion(MemoryManager mm, int pages)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pages);
        _mm = mm;
        _ptes = new Pte[pages];
    }

    /// <summary>Pages in the region.</summary>
    public int Pages => _ptes.Length;

    /// <summary>Whether page <paramref name="index"/> is in memory now.</summary>
    public bool IsPresent(int index)
    {
        lock (_ptl)
        {
            return _ptes[index].Page != null;
        }
    }

    /// <summary>The swap entry page <paramref name="index"/> is swapped out to, or <see cref="SwapEntry.None"/>.</summary>
    public SwapEntry SwapEntryOf(int index)
    {
        lock (_ptl)
        {
            return new SwapEntry(_ptes[index].Swap);
        }
    }

    /// <summary>
    /// Copy <paramref name="data"/> into page <paramref name="index"/> from byte <paramref name="offset"/>,
    /// faulting the page in first. Returns 0, or a negative errno that leaves the data as it was: -ENOMEM when
    /// no frame is free, -EIO when the page could not be read back from swap (the kernel's SIGBUS).
    /// </summary>
    public unsafe int Write(int index, ReadOnlySpan<byte> data, int offset = 0)
    {
        CheckRange(index, data.Length, offset);
        int error = Fault(index, write: true, out Page? page);
        if (error != 0)
        {
            return error;
        }
        data.CopyTo(page!.Bytes[offset..]);
        page.Unlock();
        page.Release();
        return 0;
    }

    /// <summary>Copy page <paramref name="index"/> from byte <paramref name="offset"/> into <paramref name="data"/>,
    /// faulting it in first. Returns 0, -ENOMEM, or -EIO as <see cref="Write"/>.</summary>
    public int Read(int index, Span<byte> data, int offset = 0)
    {
        CheckRange(index, data.Length, offset);
        int error = Fault(index, write: false, out Page? page);
        if (error != 0)
        {
            return error;
        }
        page!.Bytes.Slice(offset, data.Length).CopyTo(data);
        page.Unlock();
        page.Release();
        return 0;
    }

    /// <summary>Bytes in the region.</summary>
    public long Length => (long)_ptes.Length << Page.Shift;

    /// <summary>
    /// Copy <paramref name="data"/> to the region at byte <paramref name="address"/>, across as many pages as it
    /// spans, faulting each in. Returns 0, or the first page's error (-ENOMEM, -EIO); pages before it are written.
    /// </summary>
    public int WriteBytes(long address, ReadOnlySpan<byte> data)
    {
        CheckBytes(address, data.Length);
        while (!data.IsEmpty)
        {
            int offset = (int)(address & (Page.Size - 1));
            int length = Math.Min(Page.Size - offset, data.Length);
            int error = Write((int)(address >> Page.Shift), data[..length], offset);
            if (error != 0)
            {
                return error;
            }
            data = data[length..];
            address += length;
        }
        return 0;
    }

    /// <summary>Copy from the region at byte <paramref name="address"/> into <paramref name="data"/>, across pages.
    /// Returns 0, or the first page's error.</summary>
    public int ReadBytes(long address, Span<byte> data)
    {
        CheckBytes(address, data.Length);
        while (!data.IsEmpty)
        {
            int offset = (int)(address & (Page.Size - 1));
            int length = Math.Min(Page.Size - offset, data.Length);
            int error = Read((int)(address >> Page.Shift), data[..length], offset);
            if (error != 0)
            {
                return error;
            }
            data = data[length..];
            address += length;
        }
        return 0;
    }

    private void CheckBytes(long address, int length)
    {
        if (address < 0 || address + length > Length)
        {
            throw new ArgumentOutOfRangeException(nameof(address), address, $"The region has bytes 0..{Length - 1}.");
        }
    }

    /// <summary>
    /// <c>handle_mm_fault</c> for one page: returns it present, locked (so swap-out cannot take it while the
    /// caller copies) and with a reference for the caller — from the pte, a new zero page
    /// (<c>do_anonymous_page</c>), or the swap cache or swap (<c>do_swap_page</c>). A write fault marks it dirty.
    /// </summary>
    internal int Fault(int index, bool write, out Page? page)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        while (true)
        {
            Page? present;
            ulong swap;
            lock (_ptl)
            {
                present = _ptes[index].Page;
                swap = _ptes[index].Swap;
                present?.Get();
            }
            int result;
            if (present != null)
            {
                present.Lock();
                if (!Maps(index, present))
                {
                    present.Unlock();
                    present.Release();
                    continue;
                }
                page = present;
                result = 0;
            }
            else if (swap == 0)
            {
                result = DoAnonymousPage(index, out page);
            }
            else
            {
                result = DoSwapPage(index, new SwapEntry(swap), freeSwap: write, out page);
            }
            if (result == Retry)
            {
                continue;
            }
            if (result == 0)
            {
                // The pte's young bit: reclaim sees the page was used (page_referenced).
                if (!page!.Test(PageFlags.Referenced))
                {
                    page.Set(PageFlags.Referenced);
                }
                if (write)
                {
                    SetPageDirty(page);
                }
            }
            return result;
        }
    }

    // mm/memory.c do_anonymous_page: a zeroed frame (reclaiming for one if need be), mapped, on the active list.
    private int DoAnonymousPage(int index, out Page? page)
    {
        page = _mm.AllocPage(zeroed: true);
        if (page == null)
        {
            return Errnos.Neg(Errno.ENOMEM);
        }
        page.Set(PageFlags.SwapBacked | PageFlags.Uptodate);
        page.Lock();
        bool mapped = false;
        lock (_ptl)
        {
            if (_ptes[index].Page == null && _ptes[index].Swap == 0)
            {
                page.Get();
                page.AnonOwner = this;
                page.Index = (ulong)index;
                _ptes[index].Page = page;
                mapped = true;
            }
        }
        if (mapped)
        {
            _mm.Lru.Add(page, active: true);
            return 0;
        }
        page.Unlock();
        page.Release();
        page = null;
        return Retry;
    }

    /// <summary>
    /// mm/memory.c <c>do_swap_page</c>: bring the page of <paramref name="entry"/> in — from the swap cache, or
    /// read (a major fault) — lock it, check that the pte still holds the entry and the page still holds the
    /// slot, map it, and drop the pte's reference to the slot. With <paramref name="freeSwap"/> (a write, or
    /// swapoff) or when swap is more than half full the page also leaves the swap cache
    /// (<c>try_to_free_swap</c>). A page that could not be read leaves the cache, so the next fault reads again:
    /// this fault's own failed read is -EIO; a failed read ahead of it is simply read again.
    /// </summary>
    private int DoSwapPage(int index, SwapEntry entry, bool freeSwap, out Page? page)
    {
        SwapCore swap = _mm.Swap;
        page = swap.LookupSwapCache(entry);
        bool major = page == null;
        if (page == null)
        {
            page = swap.SwapinReadahead(entry, _mm.Ram, out int error);
            if (page == null)
            {
                return PteIs(index, entry) ? (error == Errnos.Neg(Errno.ENOENT) ? Errnos.Neg(Errno.EIO) : error) : Retry;
            }
            _mm.Events.Count(VmEvent.PgMajFault);
        }
        else if (page.TestAndClear(PageFlags.Readahead))
        {
            swap.CountReadaheadHit();
        }
        page.Lock();
        if (!page.IsSwapCache || page.Private != entry.Value)
        {
            page.Unlock();
            page.Release();
            page = null;
            return Retry;
        }
        if (!page.IsUptodate)
        {
            // The read failed. Its page leaves the cache so that the next fault reads again; a page some earlier
            // read (readahead) failed on is read again now, and only this fault's own failed read is reported.
            page.WaitOnWriteback();
            swap.DeleteFromSwapCache(page);
            _mm.DropFromLru(page);
            page.Unlock();
            page.Release();
            page = null;
            return major && PteIs(index, entry) ? Errnos.Neg(Errno.EIO) : Retry;
        }
        lock (_ptl)
        {
            if (_ptes[index].Swap != entry.Value)
            {
                page.Unlock();
                page.Release();
                page = null;
                return Retry;
            }
            page.Get();
            page.AnonOwner = this;
            page.Index = (ulong)index;
            _ptes[index].Page = page;
            _ptes[index].Swap = 0;
        }
        page.Clear(PageFlags.Readahead);
        swap.SwapFree(entry);
        if (freeSwap || swap.VmSwapFull)
        {
            swap.TryToFreeSwap(page);
        }
        return 0;
    }

    /// <summary>
    /// <c>try_to_unmap_one</c> for a locked swap-cache page mapped at <paramref name="index"/>: the pte takes the
    /// page's swap entry (one more reference to the slot, <c>swap_duplicate</c>) and gives up its reference to
    /// the page. False when the pte no longer maps the page.
    /// </summary>
    internal bool UnmapToSwap(int index, Page page)
    {
        var entry = new SwapEntry(page.Private);
        lock (_ptl)
        {
            if (!ReferenceEquals(_ptes[index].Page, page))
            {
                return false;
            }
            int error = _mm.Swap.SwapDuplicate(entry);
            if (error != 0)
            {
                return false;
            }
            _ptes[index].Page = null;
            _ptes[index].Swap = entry.Value;
            page.AnonOwner = null;
        }
        page.Put();
        return true;
    }

    /// <summary><see cref="GetPresent(int)"/> of every index of <paramref name="indexes"/> under one page-table lock,
    /// as the kernel walks a pmd's ptes under one <c>ptl</c>: the present pages, each with a reference taken, packed
    /// into <paramref name="pages"/> (at least as long). Returns how many.</summary>
    internal int GetPresent(ReadOnlySpan<int> indexes, Span<Page?> pages)
    {
        int n = 0;
        lock (_ptl)
        {
            foreach (int index in indexes)
            {
                Page? page = _ptes[index].Page;
                if (page != null)
                {
                    page.Get();
                    pages[n++] = page;
                }
            }
        }
        return n;
    }

    /// <summary>The page mapped at <paramref name="index"/> with a reference taken (reclaim's isolation), or null.</summary>
    internal Page? GetPresent(int index)
    {
        lock (_ptl)
        {
            Page? page = _ptes[index].Page;
            page?.Get();
            return page;
        }
    }

    /// <summary>
    /// <c>unuse_vma</c> (swapoff): fault in every page of this region swapped out to area <paramref name="type"/>,
    /// leaving it out of the swap cache. Returns 0, or the first fault's error (-ENOMEM, -EIO).
    /// </summary>
    internal int Unuse(int type)
    {
        for (int index = 0; index < _ptes.Length; index++)
        {
            SwapEntry entry = SwapEntryOf(index);
            if (entry.IsNone || entry.Type != type || Volatile.Read(ref _disposed) != 0)
            {
                continue;
            }
            int result = DoSwapPage(index, entry, freeSwap: true, out Page? page);
            if (result == Retry)
            {
                index--;
                continue;
            }
            if (result != 0)
            {
                return result;
            }
            page!.Unlock();
            page.Release();
        }
        return 0;
    }

    /// <summary>
    /// <c>madvise(MADV_DONTNEED)</c> on one page: unmap it — its frame goes back to the RAM once nothing else holds
    /// it, its swap entry is freed (<c>free_swap_and_cache</c>) — so that the next access sees a new zero page.
    /// </summary>
    public void Discard(int index)
    {
        CheckRange(index, 0, 0);
        ZapPte(index);
    }

    /// <summary>
    /// <c>exit_mmap</c>: unmap every page (<c>zap_pte_range</c>, as <see cref="Discard"/>) and leave the memory
    /// manager.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _mm.Remove(this);
        for (int index = 0; index < _ptes.Length; index++)
        {
            ZapPte(index);
        }
    }

    // zap_pte_range for one pte.
    private void ZapPte(int index)
    {
        Page? page;
        ulong entry;
        lock (_ptl)
        {
            page = _ptes[index].Page;
            entry = _ptes[index].Swap;
            _ptes[index] = default;
        }
        if (page != null)
        {
            page.AnonOwner = null;
            bool cached = page.IsSwapCache;
            if (cached && page.TryLock())
            {
                cached = !_mm.Swap.TryToFreeSwap(page) && page.IsSwapCache;
                page.Unlock();
            }
            // A page still in the swap cache (locked by someone, or under writeback) stays on the LRU, where reclaim
            // finds it and frees it with its slot; any other leaves the list so its frame frees with this reference.
            if (!cached)
            {
                _mm.DropFromLru(page);
            }
            page.Release();
        }
        else if (entry != 0)
        {
            _mm.Swap.FreeSwapAndCache(new SwapEntry(entry));
        }
    }

    /// <summary>Whether the pte at <paramref name="index"/> maps <paramref name="page"/> (<c>page_check_address</c>).</summary>
    internal bool Maps(int index, Page page)
    {
        lock (_ptl)
        {
            return ReferenceEquals(_ptes[index].Page, page);
        }
    }

    private bool PteIs(int index, SwapEntry entry)
    {
        lock (_ptl)
        {
            return _ptes[index].Swap == entry.Value;
        }
    }

    // set_page_dirty: through the swap cache's ops for a swap-cache page, the flag alone for a private one.
    private static void SetPageDirty(Page page)
    {
        if (page.Mapping is { } mapping)
        {
            AopsCalls.SetPageDirty(mapping.Aops, page);
        }
        else
        {
            page.Set(PageFlags.Dirty);
        }
    }

    private void CheckRange(int index, int length, int offset)
    {
        if ((uint)index >= (uint)_ptes.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The region has pages 0..{_ptes.Length - 1}.");
        }
        if (offset < 0 || length < 0 || offset + length > Page.Size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "The range must lie inside one page.");
        }
    }
}
