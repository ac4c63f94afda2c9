using System.Linq;
using Xunit;
using AopsGen.Block;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Tests;

/// <summary>
/// The I/O backend swapon chooses for an area, once: SWP_FILE (direct_IO writes, readpage reads), SWP_FS_OPS
/// (swap_rw for both), extents (from swap_activate's add_swap_extent, or the bmap walk: the block device), and
/// SWP_BLKDEV (a block device node, claimed). Each is pinned by what reaches the filesystem and the device
/// (<see cref="SwapInfo.OpCalls"/>), by its data coming back, its errors, and its swapoff.
/// </summary>
[Collection("SwapCore")]
public sealed class SwapBackendTests
{
    private static void Fill(AnonRegion region, int count, int seed = 1)
    {
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < count; i++)
        {
            SwapMachine.Fill(data, seed, i);
            Assert.Equal(0, region.Write(i, data));
        }
    }

    private static void AssertPages(AnonRegion region, int count, int seed = 1)
    {
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, seed, i), $"page {i} differs");
        }
    }

    private static int[] Range(int count) => Enumerable.Range(0, count).ToArray();

    // Swap out pages, fault them all back in (readahead on), and check every byte.
    private static void RoundTrip(SwapMachine m, int pages)
    {
        using AnonRegion region = m.Mm.CreateRegion(pages);
        Fill(region, pages);
        Assert.Equal(pages, m.Mm.SwapOut(region, Range(pages)));
        AssertPages(region, pages);
    }

    [Fact]
    public void An_SWP_FILE_area_reads_and_writes_every_batch_with_one_direct_IO_never_readpage_or_swap_rw()
    {
        using var m = new SwapMachine(frames: 64, swapPages: 128);
        Assert.Equal(0, m.SwapOn());
        Assert.Equal(SwapIoMode.File, m.Area.Mode);
        Assert.EndsWith(" FS", m.Swap.Log.Last!.Value.Message);
        int headerReads = m.FileData.ReadPages;

        RoundTrip(m, 40);

        SwapOpCalls calls = m.Area.OpCalls;
        Assert.True(calls.DirectIO > 0);
        Assert.Equal(0, calls.SwapRw);
        Assert.Equal(0, calls.BlockReads + calls.BlockWrites + calls.Bmap);
        // Readahead: a window of neighbouring slots is one direct_IO(KERNEL_READ) with one segment per page; swap-in
        // never calls readpage (swapon read the header with it).
        Assert.InRange(m.FileData.DirectIoReads, 1, 40 / 2);
        Assert.Equal(headerReads, m.FileData.ReadPages);
        Assert.Equal(0, m.Swap.Events[VmEvent.SwapReadError] + m.Swap.Events[VmEvent.SwapWriteError]);
        Assert.Equal(1, calls.SwapActivate);
    }

    [Fact]
    public void An_SWP_FS_OPS_area_reads_and_writes_every_batch_with_swap_rw_and_nothing_else()
    {
        using var m = new SwapMachine(frames: 64, swapPages: 128, aops: SwapBackendFs.FsOps);
        Assert.Equal(0, m.SwapOn());
        SwapInfo area = m.Area;
        Assert.Equal(SwapIoMode.FsOps, area.Mode);
        Assert.Equal(SwapFlags.FsOps | SwapFlags.Activated, area.Flags & (SwapFlags.FsOps | SwapFlags.Activated));

        RoundTrip(m, 40);

        SwapOpCalls calls = area.OpCalls;
        Assert.True(calls.SwapRw > 0);
        Assert.Equal(0, calls.DirectIO + calls.Bmap + calls.BlockReads + calls.BlockWrites);
        // Readahead: a window of neighbouring slots is one swap_rw with one segment per page.
        Assert.InRange(m.FileData.DirectIoReads, 1, 40 / 2);
        Assert.Equal(0, m.Swap.Events[VmEvent.SwapReadError] + m.Swap.Events[VmEvent.SwapWriteError]);
    }

    [Fact]
    public void Swapoff_of_an_SWP_FS_OPS_area_brings_every_page_back_and_calls_swap_deactivate()
    {
        using var m = new SwapMachine(frames: 64, swapPages: 128, aops: SwapBackendFs.FsOps);
        Assert.Equal(0, m.SwapOn());
        SwapInfo area = m.Area;
        using AnonRegion region = m.Mm.CreateRegion(40);
        Fill(region, 40);
        Assert.Equal(40, m.Mm.SwapOut(region, Range(40)));

        Assert.Equal(0, m.Swap.SwapOff("/swapfile", Credentials.Root));

        Assert.Empty(m.Swap.Areas);
        Assert.Equal(1, area.OpCalls.SwapDeactivate);
        Assert.Equal(1, m.FileData.Deactivations);
        Assert.False(m.SwapFileInode.IsSwapFile);
        AssertPages(region, 40);
    }

    [Fact]
    public void A_table_that_sets_SWP_FS_OPS_without_swap_rw_is_refused_with_EINVAL_after_swap_deactivate()
    {
        using var m = new SwapMachine(frames: 16, swapPages: 64, aops: SwapBackendFs.FsOpsWithoutSwapRw);

        Assert.Equal(Errnos.Neg(Errno.EINVAL), m.SwapOn());

        Assert.Equal("swapon: /swapfile: fsops_norw_aops sets SWP_FS_OPS but has no swap_rw to read and write swap pages", m.Swap.Log.Last!.Value.Message);
        Assert.Equal(1, m.FileData.Activations);
        Assert.Equal(1, m.FileData.Deactivations);
        Assert.Empty(m.Swap.Areas);
        Assert.False(m.SwapFileInode.IsSwapFile);
    }

    [Fact]
    public void Extents_added_by_swap_activate_send_the_areas_io_to_the_block_device_and_no_op_of_the_filesystem()
    {
        using var m = new SwapMachine(frames: 64, swapPages: 128, blockPath: true, aops: SwapBackendFs.Extents);
        Assert.Equal(0, m.SwapOn());
        SwapInfo area = m.Area;
        Assert.Equal(SwapIoMode.Extents, area.Mode);
        Assert.Same(m.Disk, area.Bdev);
        Assert.Equal(128 / 8, area.Extents.Count);
        Assert.Equal(SwapFlags.Activated, area.Flags & (SwapFlags.Activated | SwapFlags.FsOps));

        using AnonRegion region = m.Mm.CreateRegion(40);
        Fill(region, 40);
        Assert.Equal(40, m.Mm.SwapOut(region, Range(40)));
        // The page of a slot is on the device where the extents put it.
        SwapEntry entry = region.SwapEntryOf(3);
        Span<byte> onDisk = stackalloc byte[Page.Size];
        using (var frames = new PageFrames(1))
        {
            Page page = frames.Alloc()!;
            IoVec segment = IoVec.ForPage(page);
            Assert.Equal(Page.Size, m.Disk!.Read(new ReadOnlySpan<IoVec>(in segment), area.PositionOf(entry.Offset)));
            Assert.True(SwapMachine.Verify(page.Bytes, 1, 3));
            frames.Free(page);
        }
        AssertPages(region, 40);

        SwapOpCalls calls = area.OpCalls;
        Assert.True(calls.BlockWrites > 0);
        Assert.True(calls.BlockReads > 0);
        Assert.Equal(0, calls.DirectIO + calls.SwapRw + calls.Bmap);
        Assert.Equal(1, calls.SwapActivate);

        Assert.Equal(0, m.Swap.SwapOff("/swapfile", Credentials.Root));
        Assert.Equal(1, calls.SwapDeactivate);
    }

    [Fact]
    public void A_hole_in_the_extents_swap_activate_adds_is_EINVAL_swapfile_has_holes_and_deactivates()
    {
        using var m = new SwapMachine(frames: 16, swapPages: 64, blockPath: true, aops: SwapBackendFs.Extents);
        ((ulong[])m.SwapFileInode.Private!)[9] = 0;

        Assert.Equal(Errnos.Neg(Errno.EINVAL), m.SwapOn());

        Assert.Equal("swapon: swapfile has holes", m.Swap.Log.Last!.Value.Message);
        Assert.Empty(m.Swap.Areas);
        Assert.False(m.SwapFileInode.IsSwapFile);
    }

    [Fact]
    public void Without_swap_activate_the_bmap_walk_maps_the_file_and_the_io_goes_to_the_block_device()
    {
        using var m = new SwapMachine(frames: 64, swapPages: 128, blockPath: true);
        Assert.Equal(0, m.SwapOn());
        SwapInfo area = m.Area;
        Assert.Equal(SwapIoMode.Extents, area.Mode);
        Assert.Equal(SwapFlags.None, area.Flags & SwapFlags.Activated);

        RoundTrip(m, 40);

        SwapOpCalls calls = area.OpCalls;
        Assert.Equal(128, calls.Bmap);
        Assert.True(calls.BlockWrites > 0 && calls.BlockReads > 0);
        Assert.Equal(0, calls.DirectIO + calls.SwapRw + calls.SwapActivate);
        Assert.Equal(0, m.Swap.SwapOff("/swapfile", Credentials.Root));
        Assert.Equal(0, calls.SwapDeactivate);
    }
}
