using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;

namespace AopsGen.Tests;

/// <summary>mm/swap_state.c: swapper_space, swap_aops (generated from the attributes), add/lookup/delete,
/// add_to_swap, read_swap_cache_async, try_to_free_swap.</summary>
[Collection("SwapCore")]
public sealed class SwapCacheTests : IDisposable
{
    private readonly SwapMachine _m = new(frames: 16, swapPages: 64);

    public SwapCacheTests() => Assert.Equal(0, _m.SwapOn());

    public void Dispose() => _m.Dispose();

    private Page NewAnonPage(int index = 7)
    {
        Page page = _m.Ram.AllocZeroed()!;
        page.Set(PageFlags.SwapBacked | PageFlags.Uptodate);
        page.Index = (ulong)index;
        page.Lock();
        return page;
    }

    [Fact]
    public void Swap_aops_is_generated_from_its_attributes_with_writepage_set_page_dirty_and_sync_page()
    {
        Assert.Equal("swap_aops { .writepage, .set_page_dirty, .sync_page }", _m.Swap.SwapperSpace.Aops.ToString());
        Assert.Equal("swapper_space", _m.Swap.SwapperSpace.ToString());
    }

    [Fact]
    public void Add_to_swap_gives_the_page_a_slot_holding_only_SWAP_HAS_CACHE_and_marks_it_dirty()
    {
        Page page = NewAnonPage(index: 42);

        Assert.True(_m.Swap.AddToSwap(page));

        var entry = new SwapEntry(page.Private);
        SwapInfo area = _m.Swap.AreaOf(entry)!;
        Assert.Equal(SwapMap.HasCache, area.SwapMapBytes[(int)entry.Offset]);
        Assert.True(page.IsSwapCache);
        Assert.True(page.IsDirty);
        Assert.Same(_m.Swap.SwapperSpace, page.Mapping);
        Assert.Equal(42UL, page.Index);
        Assert.Equal(entry.Offset, page.FileIndex);
        Assert.Equal(entry.BytePosition, page.FileOffset);
        Assert.Equal(2, page.Count);
        Assert.Equal(1, _m.Swap.SwapperSpace.NrPages);
    }

    [Fact]
    public void Lookup_finds_the_page_by_entry_with_a_reference_and_counts_hits_and_misses()
    {
        Page page = NewAnonPage();
        Assert.True(_m.Swap.AddToSwap(page));
        var entry = new SwapEntry(page.Private);

        Page? found = _m.Swap.LookupSwapCache(entry);
        Page? missing = _m.Swap.LookupSwapCache(SwapEntry.Create(0, entry.Offset + 1));

        Assert.Same(page, found);
        Assert.Equal(3, page.Count);
        Assert.Null(missing);
        Assert.Equal(1, _m.Swap.Events[VmEvent.SwapCacheHit]);
        Assert.Equal(1, _m.Swap.Events[VmEvent.SwapCacheMiss]);
    }

    [Fact]
    public void Delete_from_swap_cache_frees_the_slot_and_drops_the_caches_reference()
    {
        Page page = NewAnonPage();
        Assert.True(_m.Swap.AddToSwap(page));
        var entry = new SwapEntry(page.Private);
        long free = _m.Swap.NrSwapPages;

        _m.Swap.DeleteFromSwapCache(page);

        Assert.False(page.IsSwapCache);
        Assert.Null(page.Mapping);
        Assert.Equal(0UL, page.Private);
        Assert.Equal(1, page.Count);
        Assert.Equal(SwapMap.Free, _m.Swap.AreaOf(entry)!.SwapMapBytes[(int)entry.Offset]);
        Assert.Equal(free + 1, _m.Swap.NrSwapPages);
        Assert.Equal(0, _m.Swap.SwapperSpace.NrPages);
    }

    [Fact]
    public void Delete_from_swap_cache_of_a_page_under_writeback_is_refused()
    {
        Page page = NewAnonPage();
        Assert.True(_m.Swap.AddToSwap(page));
        page.SetWriteback();

        Assert.Throws<InvalidOperationException>(() => _m.Swap.DeleteFromSwapCache(page));
        Assert.True(page.IsSwapCache);
        page.EndWriteback();
    }

    [Fact]
    public void Adding_an_unlocked_page_is_a_bug_and_changes_nothing()
    {
        Page page = NewAnonPage();
        page.Unlock();

        Assert.Throws<InvalidOperationException>(() => _m.Swap.AddToSwapCache(page, SwapEntry.Create(0, 1)));
        Assert.False(page.IsSwapCache);
        Assert.Equal(0, _m.Swap.SwapperSpace.NrPages);
    }

    [Fact]
    public void Try_to_free_swap_keeps_a_page_whose_slot_an_owner_still_references()
    {
        Page page = NewAnonPage();
        Assert.True(_m.Swap.AddToSwap(page));
        var entry = new SwapEntry(page.Private);
        Assert.Equal(0, _m.Swap.SwapDuplicate(entry));

        Assert.False(_m.Swap.TryToFreeSwap(page));
        _m.Swap.SwapFree(entry);
        page.Clear(PageFlags.Dirty);
        Assert.True(_m.Swap.TryToFreeSwap(page));

        Assert.False(page.IsSwapCache);
        Assert.True(page.IsDirty);
    }

    [Fact]
    public void Set_page_dirty_of_a_swap_cache_page_on_an_SWP_FILE_area_calls_the_swap_files_set_page_dirty()
    {
        Page page = NewAnonPage();
        Assert.True(_m.Swap.AddToSwap(page));
        page.Clear(PageFlags.Dirty);
        int before = MemSwapFs.SetPageDirtyCalls;

        Assert.True(AopsCalls.SetPageDirty(page.Mapping!.Aops, page));

        Assert.Equal(before + 1, MemSwapFs.SetPageDirtyCalls);
        Assert.True(page.IsDirty);
    }

    [Fact]
    public void Read_swap_cache_async_returns_the_cached_page_without_reading()
    {
        Page page = NewAnonPage();
        Assert.True(_m.Swap.AddToSwap(page));
        var entry = new SwapEntry(page.Private);
        int reads = _m.FileData.ReadPages;

        Page? found = _m.Swap.ReadSwapCacheAsync(entry, _m.Ram, out int error);

        Assert.Equal(0, error);
        Assert.Same(page, found);
        Assert.Equal(reads, _m.FileData.ReadPages);
    }

    [Fact]
    public void Read_swap_cache_async_reads_a_slot_not_in_the_cache_through_the_swap_files_readpage()
    {
        SwapEntry entry = _m.Swap.GetSwapPage();
        Assert.Equal(0, _m.Swap.SwapDuplicate(entry));
        _m.Swap.SwapcacheFree(entry);
        SwapMachine.Fill(_m.FileData.PageBytes((long)entry.Offset), seed: 3, index: 9);

        Page? page = _m.Swap.ReadSwapCacheAsync(entry, _m.Ram, out int error);

        Assert.Equal(0, error);
        Assert.NotNull(page);
        page!.Lock();
        Assert.True(page.IsUptodate);
        Assert.True(page.IsSwapCache);
        Assert.True(SwapMachine.Verify(page.Bytes, seed: 3, index: 9));
        Assert.Equal(1, _m.Swap.Events[VmEvent.PswpIn]);
        page.Unlock();
    }

    [Fact]
    public void Read_swap_cache_async_of_a_freed_slot_is_ENOENT_and_of_a_full_memory_ENOMEM()
    {
        SwapEntry entry = _m.Swap.GetSwapPage();
        _m.Swap.SwapcacheFree(entry);
        Assert.Null(_m.Swap.ReadSwapCacheAsync(entry, _m.Ram, out int error));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), error);

        using var empty = new PageFrames(1);
        empty.Alloc();
        SwapEntry used = _m.Swap.GetSwapPage();
        Assert.Equal(0, _m.Swap.SwapDuplicate(used));
        _m.Swap.SwapcacheFree(used);
        Assert.Null(_m.Swap.ReadSwapCacheAsync(used, empty, out error));
        Assert.Equal(Errnos.Neg(Errno.ENOMEM), error);
        Assert.False(_m.Swap.AreaOf(used)!.HasCache((uint)used.Offset));
    }
}
