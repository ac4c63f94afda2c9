using System.Collections.Generic;
using System.Linq;
using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

/// <summary>
/// writepages NULL default (generic_writepages / write_cache_pages): writepage for each dirty page of the
/// mapping in index order, within range and NrToWrite; WB_SYNC_NONE stops at the first error, WB_SYNC_ALL
/// tries every page and returns the first error.
/// </summary>
[Collection(TestOps.Collection)]
public sealed unsafe class AopsCallsWritePagesDefaultTests : IDisposable
{
    private static List<ulong>? _written;
    private static Dictionary<ulong, int>? _results;
    private static List<string>? _violations;

    private readonly PageFrames _frames = new(16);
    private readonly AddressSpaceOperations _aops;
    private readonly AddressSpace _mapping;

    public AopsCallsWritePagesDefaultTests()
    {
        _written = [];
        _results = [];
        _violations = [];
        _aops = new AddressSpaceOperations(name: "writepage_only", writePage: &RecordingWritePage);
        _mapping = new AddressSpace(null, _aops);
    }

    public void Dispose()
    {
        Assert.Empty(_violations!);
        _frames.Dispose();
    }

    /// <summary>A writepage that checks the call's contract, records the index, unlocks the page (as a
    /// writepage must) and returns the result set for that index, 0 by default.</summary>
    private static int RecordingWritePage(Page page, WritebackControl wbc)
    {
        if (!page.IsLocked)
        {
            _violations!.Add($"page {page.Index} not locked in writepage");
        }
        if (page.IsDirty)
        {
            _violations!.Add($"page {page.Index} still dirty in writepage");
        }
        _written!.Add(page.Index);
        int result = _results!.GetValueOrDefault(page.Index);
        if (result != AopReturn.WritePageActivate)
        {
            page.Unlock();
        }
        else
        {
            page.Set(PageFlags.Dirty);
        }
        return result;
    }

    private Dictionary<ulong, Page> Cache(params (ulong Index, bool Dirty)[] pages)
    {
        var byIndex = new Dictionary<ulong, Page>();
        foreach ((ulong index, bool dirty) in pages)
        {
            Page page = _frames.Alloc()!;
            if (dirty)
            {
                page.Set(PageFlags.Dirty);
            }
            Assert.Equal(0, _mapping.AddPage(page, index));
            byIndex[index] = page;
        }
        return byIndex;
    }

    [Fact]
    public void Writepage_is_called_for_each_dirty_page_in_index_order_and_clean_pages_are_skipped()
    {
        Dictionary<ulong, Page> pages = Cache((5, true), (1, true), (2, false), (9, true), (3, true));
        var wbc = new WritebackControl { SyncMode = WritebackSyncMode.None };

        Assert.Equal(0, AopsCalls.WritePages(_aops, _mapping, wbc));

        Assert.Equal([1UL, 3, 5, 9], _written);
        Assert.All(pages.Values, p => Assert.False(p.IsDirty));
        Assert.All(pages.Values, p => Assert.False(p.IsLocked));
        Assert.All(pages.Values, p => Assert.Equal(2, p.Count)); // the walk's references were dropped
        Assert.Equal(long.MaxValue - 4, wbc.NrToWrite);
    }

    [Fact]
    public void A_mapping_with_no_dirty_page_writes_nothing()
    {
        Cache((0, false), (1, false));
        Assert.Equal(0, AopsCalls.WritePages(_aops, _mapping, new WritebackControl()));
        Assert.Empty(_written!);
    }

    [Fact]
    public void NrToWrite_limits_the_pages_written_and_is_decremented()
    {
        Dictionary<ulong, Page> pages = Cache((0, true), (1, true), (2, true), (3, true));
        var wbc = new WritebackControl { SyncMode = WritebackSyncMode.None, NrToWrite = 2 };

        Assert.Equal(0, AopsCalls.WritePages(_aops, _mapping, wbc));

        Assert.Equal([0UL, 1], _written);
        Assert.Equal(0, wbc.NrToWrite);
        Assert.True(pages[2].IsDirty);
        Assert.True(pages[3].IsDirty);
    }

    [Fact]
    public void NrToWrite_of_zero_writes_nothing()
    {
        Cache((0, true));
        var wbc = new WritebackControl { NrToWrite = 0 };
        Assert.Equal(0, AopsCalls.WritePages(_aops, _mapping, wbc));
        Assert.Empty(_written!);
    }

    [Fact]
    public void Only_pages_inside_the_byte_range_are_written_and_RangeEnd_is_inclusive()
    {
        Cache((0, true), (1, true), (2, true), (3, true), (4, true), (5, true));
        var wbc = new WritebackControl { RangeStart = 2 * Page.Size, RangeEnd = 4 * Page.Size };
        Assert.Equal(0, AopsCalls.WritePages(_aops, _mapping, wbc));
        Assert.Equal([2UL, 3, 4], _written);
    }

    [Fact]
    public void A_range_ending_one_byte_before_a_page_excludes_that_page()
    {
        Cache((0, true), (1, true), (2, true));
        var wbc = new WritebackControl { RangeStart = 1, RangeEnd = 2 * Page.Size - 1 };
        Assert.Equal(0, AopsCalls.WritePages(_aops, _mapping, wbc));
        Assert.Equal([1UL], _written); // page 0 starts before RangeStart, page 2 after RangeEnd
    }

    [Fact]
    public void With_WB_SYNC_NONE_the_first_error_stops_the_walk()
    {
        Dictionary<ulong, Page> pages = Cache((1, true), (2, true), (3, true), (4, true));
        _results![2] = -(int)Errno.EIO;
        var wbc = new WritebackControl { SyncMode = WritebackSyncMode.None };

        Assert.Equal(-(int)Errno.EIO, AopsCalls.WritePages(_aops, _mapping, wbc));

        Assert.Equal([1UL, 2], _written);
        Assert.True(pages[3].IsDirty);
        Assert.True(pages[4].IsDirty);
        Assert.All(pages.Values, p => Assert.False(p.IsLocked));
        Assert.All(pages.Values, p => Assert.Equal(2, p.Count));
    }

    [Fact]
    public void With_WB_SYNC_ALL_every_page_is_tried_and_the_first_error_is_returned()
    {
        Dictionary<ulong, Page> pages = Cache((1, true), (2, true), (3, true), (4, true));
        _results![2] = -(int)Errno.EIO;
        _results![3] = -(int)Errno.ENOSPC;
        var wbc = new WritebackControl { SyncMode = WritebackSyncMode.All };

        Assert.Equal(-(int)Errno.EIO, AopsCalls.WritePages(_aops, _mapping, wbc));

        Assert.Equal([1UL, 2, 3, 4], _written);
        Assert.All(pages.Values, p => Assert.False(p.IsDirty));
    }

    [Fact]
    public void A_writepage_that_returns_WritePageActivate_has_its_page_unlocked_and_counts_as_success()
    {
        Dictionary<ulong, Page> pages = Cache((0, true), (1, true));
        _results![0] = AopReturn.WritePageActivate;
        var wbc = new WritebackControl { SyncMode = WritebackSyncMode.None };

        Assert.Equal(0, AopsCalls.WritePages(_aops, _mapping, wbc));

        Assert.Equal([0UL, 1], _written);
        Assert.False(pages[0].IsLocked);
        Assert.True(pages[0].IsDirty); // the op kept it dirty
        Assert.False(pages[1].IsDirty);
    }

    [Fact]
    public void With_WB_SYNC_NONE_a_page_under_writeback_is_skipped_and_stays_dirty()
    {
        Dictionary<ulong, Page> pages = Cache((0, true), (1, true));
        pages[0].SetWriteback();
        var wbc = new WritebackControl { SyncMode = WritebackSyncMode.None };

        Assert.Equal(0, AopsCalls.WritePages(_aops, _mapping, wbc));

        Assert.Equal([1UL], _written);
        Assert.True(pages[0].IsDirty);
        Assert.False(pages[0].IsLocked);
        Assert.Equal(long.MaxValue - 1, wbc.NrToWrite);
    }

    [Fact]
    public void Pages_of_other_mappings_are_not_written()
    {
        var other = new AddressSpace(null, _aops);
        Page mine = _frames.Alloc()!;
        Page theirs = _frames.Alloc()!;
        mine.Set(PageFlags.Dirty);
        theirs.Set(PageFlags.Dirty);
        _mapping.AddPage(mine, 0);
        other.AddPage(theirs, 1);

        Assert.Equal(0, AopsCalls.WritePages(_aops, _mapping, new WritebackControl()));
        Assert.Equal([0UL], _written);
        Assert.True(theirs.IsDirty);
    }

    [Fact]
    public void A_table_with_writepages_set_does_not_walk_the_pages()
    {
        AddressSpaceOperations full = TestOps.Full();
        Cache((0, true));
        TestOps.Reset();
        Assert.Equal(TestOps.WritePagesResult, AopsCalls.WritePages(full, _mapping, new WritebackControl()));
        Assert.Empty(_written!);
        Assert.Equal(AddressSpaceOp.WritePages, TestOps.LastOp);
    }
}
