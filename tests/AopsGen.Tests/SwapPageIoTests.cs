using System.Collections.Generic;
using System.Linq;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;

namespace AopsGen.Tests;

/// <summary>mm/page_io.c: swap_writepage through direct_IO (SWP_FILE) or the block device (extents), the
/// 32-page plug, the v3.10 error path that loses nothing, swap_readpage and read errors.</summary>
[Collection("SwapCore")]
public sealed class SwapPageIoTests : IDisposable
{
    private readonly SwapMachine _m = new(frames: 128, swapPages: 256);
    private readonly AnonRegion _region;

    public SwapPageIoTests()
    {
        Assert.Equal(0, _m.SwapOn());
        _region = _m.Mm.CreateRegion(100);
    }

    public void Dispose()
    {
        _region.Dispose();
        _m.Dispose();
    }

    private void FillPages(int count, int seed = 1)
    {
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < count; i++)
        {
            SwapMachine.Fill(data, seed, i);
            Assert.Equal(0, _region.Write(i, data));
        }
    }

    private void AssertPages(int count, int seed = 1)
    {
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(0, _region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, seed, i), $"page {i} differs");
        }
    }

    private static int[] Range(int start, int count) => Enumerable.Range(start, count).ToArray();

    [Fact]
    public void Swap_writepage_on_an_SWP_FILE_area_writes_with_direct_IO_at_the_slots_byte_offset()
    {
        FillPages(1);

        Assert.Equal(PageReclaimResult.Freed, _m.Mm.ShrinkPage(_region, 0));

        SwapEntry entry = _region.SwapEntryOf(0);
        Assert.False(entry.IsNone);
        Assert.Equal(1, _m.FileData.DirectIoWrites);
        Assert.Equal(entry.BytePosition, Assert.Single(_m.FileData.WritePositions));
        Assert.True(SwapMachine.Verify(_m.FileData.PageBytes((long)entry.Offset), 1, 0));
        Assert.Equal(1, _m.Swap.Events[VmEvent.PswpOut]);
        Assert.Equal(0, _m.Swap.SwapperSpace.NrPages);
        Assert.Equal(128, _m.Ram.FreeCount);
    }

    [Fact]
    public void Without_readahead_a_swapped_page_faults_back_in_through_one_single_page_direct_IO_read_with_its_data()
    {
        _m.Swap.PageCluster = 0;
        FillPages(3);
        Assert.Equal(3, _m.Mm.SwapOut(_region, Range(0, 3)));
        int headerReads = _m.FileData.ReadPages;

        AssertPages(3);

        Assert.Equal(3, _m.FileData.DirectIoReads);
        Assert.Equal(1, _m.FileData.LastReadSegments);
        Assert.Equal(headerReads, _m.FileData.ReadPages);
        Assert.Equal(3, _m.Swap.Events[VmEvent.PswpIn]);
        Assert.Equal(3, _m.Swap.Events[VmEvent.PgMajFault]);
        Assert.True(_region.IsPresent(2));
    }

    [Fact]
    public void Sequential_faults_grow_the_readahead_window_to_the_whole_cluster_each_window_one_vectored_direct_IO_read()
    {
        FillPages(24);
        Assert.Equal(24, _m.Mm.SwapOut(_region, Range(0, 24)));
        int headerReads = _m.FileData.ReadPages;
        Span<byte> data = stackalloc byte[Page.Size];
        var reads = new List<int>();
        for (int i = 0; i < 16; i++)
        {
            int before = _m.FileData.DirectIoReads;
            Assert.Equal(0, _region.Read(i, data));
            if (_m.FileData.DirectIoReads > before)
            {
                // One direct_IO(KERNEL_READ) a window, one segment a page.
                Assert.Equal(before + 1, _m.FileData.DirectIoReads);
                reads.Add(_m.FileData.LastReadSegments);
            }
        }
        Assert.Equal(headerReads, _m.FileData.ReadPages);

        // swapin_nr_pages: slot 1 follows slot 0 (2 pages, slot 0 being the header), slot 2 follows it (2), then each
        // window's hits + 2 rounded up to a power of two: 4, then the whole cluster of 8, and 8 again (capped).
        Assert.Equal(new[] { 1, 2, 4, 8, 8 }, reads);
        Assert.Equal(4, _m.Swap.Events[VmEvent.PgMajFault] - 1);
        Assert.Equal(1 + 3 + 7, _m.Swap.Events[VmEvent.SwapReadaheadHit]);
        AssertPages(24);
    }

    [Fact]
    public void Random_faults_without_readahead_hits_read_only_their_own_page()
    {
        FillPages(24);
        Assert.Equal(24, _m.Mm.SwapOut(_region, Range(0, 24)));
        Span<byte> data = stackalloc byte[Page.Size];
        int headerReads = _m.FileData.ReadPages;

        foreach (int i in new[] { 20, 5, 13, 9 })
        {
            Assert.Equal(0, _region.Read(i, data));
        }

        Assert.Equal(4, _m.FileData.DirectIoReads);
        Assert.Equal(1, _m.FileData.LastReadSegments);
        Assert.Equal(headerReads, _m.FileData.ReadPages);
        Assert.Equal(0, _m.Swap.Events[VmEvent.SwapReadahead]);
        Assert.Equal(4, _m.Swap.Events[VmEvent.PgMajFault]);
    }

    [Fact]
    public void Within_a_plug_contiguous_slots_go_out_as_one_direct_IO_of_up_to_32_segments()
    {
        FillPages(40);

        Assert.Equal(40, _m.Mm.SwapOut(_region, Range(0, 40)));

        Assert.Equal(new[] { 32, 8 }, _m.FileData.WriteBatches);
        Assert.Equal(40, _m.Swap.Events[VmEvent.PswpOut]);
        AssertPages(40);
    }

    [Fact]
    public void Without_a_plug_every_page_is_written_on_its_own()
    {
        FillPages(4);

        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(PageReclaimResult.Freed, _m.Mm.ShrinkPage(_region, i));
        }

        Assert.Equal(new[] { 1, 1, 1, 1 }, _m.FileData.WriteBatches);
    }

    [Fact]
    public void A_page_that_does_not_continue_the_plug_submits_it_first()
    {
        FillPages(6);
        // Pages 0..2 get slots 1..3; free slot 2's page back in so the next batch has a gap.
        Assert.Equal(3, _m.Mm.SwapOut(_region, Range(0, 3)));
        Span<byte> data = stackalloc byte[Page.Size];
        Assert.Equal(0, _region.Write(1, data));
        _m.FileData.WriteBatches.Clear();

        using (SwapPlug.Start())
        {
            Assert.Equal(PageReclaimResult.Writeback, _m.Mm.ShrinkPage(_region, 3));
            Assert.Equal(PageReclaimResult.Writeback, _m.Mm.ShrinkPage(_region, 4));
            Assert.Equal(2, SwapPlug.Pending);
        }

        Assert.Equal(0, SwapPlug.Pending);
        Assert.NotEmpty(_m.FileData.WriteBatches);
        Assert.Equal(2, _m.FileData.WriteBatches.Sum());
    }

    [Fact]
    public void Waiting_on_a_page_held_back_in_this_threads_plug_submits_the_plug_through_sync_page()
    {
        FillPages(2);
        Page page;
        using (SwapPlug.Start())
        {
            page = _region.GetPresent(0)!;
            Assert.Equal(PageReclaimResult.Writeback, _m.Mm.ShrinkPage(_region, 0));
            Assert.True(page.IsWriteback);
            Assert.Equal(1, SwapPlug.Pending);

            page.WaitOnWriteback();

            Assert.Equal(0, SwapPlug.Pending);
            Assert.False(page.IsWriteback);
        }
        page.Release();
        AssertPages(2);
    }

    [Fact]
    public void A_failed_write_leaves_the_page_dirty_in_memory_logs_the_v3_10_line_and_loses_nothing()
    {
        FillPages(1);
        _m.FileData.FailWrites = 1;

        Assert.Equal(PageReclaimResult.WriteFailed, _m.Mm.ShrinkPage(_region, 0));

        SwapEntry entry = _region.SwapEntryOf(0);
        Page page = _m.Swap.LookupSwapCache(entry)!;
        Assert.True(page.IsDirty);
        Assert.False(page.IsWriteback);
        Assert.False(page.Test(PageFlags.Reclaim));
        Assert.Equal($"Write error on dio swapfile ({entry.BytePosition})", _m.Swap.Log.Last!.Value.Message);
        Assert.Equal(KernelLogLevel.Error, _m.Swap.Log.Last!.Value.Level);
        Assert.Equal(1, _m.Swap.Events[VmEvent.SwapWriteError]);
        Assert.Equal(0, _m.Swap.Events[VmEvent.PswpOut]);
        page.Release();
        AssertPages(1);
    }

    [Fact]
    public void A_short_write_of_a_batch_redirties_every_page_of_it_and_the_next_reclaim_writes_them_again()
    {
        FillPages(8);
        _m.FileData.ShortWrites = 1;

        // The batch of 8 fell short: all 8 are dirty again, in the swap cache, back on the LRU.
        Assert.Equal(0, _m.Mm.SwapOut(_region, Range(0, 8)));
        Assert.Equal(8, _m.Swap.Events[VmEvent.SwapWriteError]);
        Assert.Equal(0, _m.Swap.Events[VmEvent.PswpOut]);
        Assert.Equal(8, _m.Swap.SwapperSpace.NrPages);

        // The next reclaim writes them again, as one batch, and frees them.
        Assert.Equal(8, _m.Mm.ReclaimPages(8));
        Assert.Equal(8, _m.Swap.Events[VmEvent.PswpOut]);
        Assert.Equal(new[] { 8, 8 }, _m.FileData.WriteBatches);
        AssertPages(8);
    }

    [Fact]
    public void A_failed_swap_read_is_EIO_to_the_fault_and_a_later_fault_reads_the_page_again()
    {
        FillPages(1);
        Assert.Equal(1, _m.Mm.SwapOut(_region, Range(0, 1)));
        _m.FileData.FailReads = 1;
        Span<byte> data = stackalloc byte[Page.Size];

        Assert.Equal(Errnos.Neg(Errno.EIO), _region.Read(0, data));
        Assert.False(_region.IsPresent(0));
        Assert.Equal(0, _m.Swap.SwapperSpace.NrPages);
        Assert.Equal("Read-error on swap-device", _m.Swap.Log.Last!.Value.Message);
        Assert.Equal(1, _m.Swap.Events[VmEvent.SwapReadError]);

        Assert.Equal(0, _region.Read(0, data));
        Assert.True(SwapMachine.Verify(data, 1, 0));
    }

    [Fact]
    public void A_short_readahead_read_leaves_every_page_of_its_window_not_uptodate_and_the_pages_are_read_again()
    {
        FillPages(4);
        Assert.Equal(4, _m.Mm.SwapOut(_region, Range(0, 4)));
        Span<byte> data = stackalloc byte[Page.Size];
        Assert.Equal(0, _region.Read(0, data));
        long errors = _m.Swap.Events[VmEvent.SwapReadError];
        _m.FileData.ShortReads = 1;

        // Slot 2 follows slot 1: a window of two pages, one direct_IO that stops one page short.
        Assert.Equal(Errnos.Neg(Errno.EIO), _region.Read(1, data));
        Assert.Equal(2, _m.FileData.LastReadSegments);
        Assert.Equal(errors + 2, _m.Swap.Events[VmEvent.SwapReadError]);
        Assert.Equal("Read-error on swap-device", _m.Swap.Log.Last!.Value.Message);
        Assert.False(_region.IsPresent(1));

        AssertPages(4);
    }

    [Fact]
    public void A_write_fault_on_a_page_in_the_swap_cache_frees_its_slot()
    {
        FillPages(1);
        Assert.Equal(1, _m.Mm.SwapOut(_region, Range(0, 1)));
        long free = _m.Swap.NrSwapPages;
        Span<byte> data = stackalloc byte[Page.Size];

        Assert.Equal(0, _region.Write(0, data[..16], offset: 100));

        Assert.Equal(free + 1, _m.Swap.NrSwapPages);
        Assert.Equal(0, _m.Swap.SwapperSpace.NrPages);
        Assert.True(_region.GetPresent(0) is { IsDirty: true } page && page.Put() >= 0);
    }

    [Fact]
    public void Reclaim_with_swap_full_keeps_the_page()
    {
        using var small = new SwapMachine(frames: 32, swapPages: 11);
        Assert.Equal(0, small.SwapOn());
        using AnonRegion region = small.Mm.CreateRegion(12);
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < 12; i++)
        {
            SwapMachine.Fill(data, 5, i);
            Assert.Equal(0, region.Write(i, data));
        }

        Assert.Equal(10, small.Mm.SwapOut(region, Range(0, 12)));

        Assert.Equal(PageReclaimResult.SwapFull, small.Mm.ShrinkPage(region, 11));
        Assert.True(region.IsPresent(11));
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, 5, i));
        }
    }

    [Fact]
    public void Disposing_a_region_frees_its_frames_and_its_swap_slots()
    {
        FillPages(20);
        Assert.Equal(10, _m.Mm.SwapOut(_region, Range(0, 10)));
        long total = _m.Swap.TotalSwapPages;

        _region.Dispose();

        Assert.Equal(128, _m.Ram.FreeCount);
        Assert.Equal(total, _m.Swap.NrSwapPages);
        Assert.Equal(0u, _m.Swap.Areas[0].InUsePages);
    }
}
