using System.IO;
using System.Linq;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;

namespace AopsGen.Tests;

/// <summary>The extent path: a swap file on a filesystem without swap_activate is mapped with bmap at swapon,
/// and its pages go to the filesystem's O_DIRECT block device at the blocks its extents name, batched where
/// the blocks follow each other.</summary>
[Collection("SwapCore")]
public sealed class SwapBlockPathTests : IDisposable
{
    private readonly SwapMachine _m = new(frames: 64, swapPages: 96, blockPath: true);
    private readonly AnonRegion _region;

    public SwapBlockPathTests()
    {
        Assert.Equal(0, _m.SwapOn());
        _region = _m.Mm.CreateRegion(64);
    }

    public void Dispose()
    {
        _region.Dispose();
        _m.Dispose();
    }

    private SwapInfo Area => Assert.Single(_m.Swap.Areas);

    private void Fill(int count, int seed = 4)
    {
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < count; i++)
        {
            SwapMachine.Fill(data, seed, i);
            Assert.Equal(0, _region.Write(i, data));
        }
    }

    [Fact]
    public void The_area_is_not_SWP_FILE_and_its_extents_follow_the_files_runs_on_the_device()
    {
        Assert.Equal(SwapIoMode.Extents, Area.Mode);
        Assert.Same(_m.Disk, Area.Bdev);
        Assert.Equal(12, Area.Extents.Count);
        Assert.Equal(new SwapExtent(0, 8, 16), Area.Extents[0]);
        Assert.Equal(new SwapExtent(8, 8, 27), Area.Extents[1]);
    }

    [Fact]
    public void A_page_is_written_to_the_device_block_of_its_slot_and_read_back_from_it()
    {
        Fill(1);

        Assert.Equal(PageReclaimResult.Freed, _m.Mm.ShrinkPage(_region, 0));

        SwapEntry entry = _region.SwapEntryOf(0);
        ulong block = Area.MapSwapPage(entry.Offset)!.Value;
        byte[] onDisk = new byte[Page.Size];
        using (var image = new FileStream(_m.ImagePath!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            image.Position = (long)(block << Page.Shift);
            image.ReadExactly(onDisk);
        }
        Assert.True(SwapMachine.Verify(onDisk, 4, 0));

        Span<byte> data = stackalloc byte[Page.Size];
        Assert.Equal(0, _region.Read(0, data));
        Assert.True(SwapMachine.Verify(data, 4, 0));
        Assert.Equal(1, _m.Swap.Events[VmEvent.PswpIn]);
    }

    [Fact]
    public void Forty_pages_round_trip_through_the_device_in_batches_that_break_where_the_extents_do()
    {
        Fill(40);

        Assert.Equal(40, _m.Mm.SwapOut(_region, Enumerable.Range(0, 40).ToArray()));
        Assert.Equal(40, _m.Swap.Events[VmEvent.PswpOut]);

        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal(0, _region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, 4, i), $"page {i} differs");
        }
    }

    [Fact]
    public void A_device_write_error_redirties_the_page_logs_the_block_layers_line_and_loses_nothing()
    {
        // The device ends after block 23: slots 1..7 (blocks 17..23) fit, slot 8 (block 27) does not.
        using var m = new SwapMachine(frames: 16, swapPages: 32, blockPath: true, devicePages: 24);
        Assert.Equal(0, m.SwapOn());
        using AnonRegion region = m.Mm.CreateRegion(8);
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < 8; i++)
        {
            SwapMachine.Fill(data, 6, i);
            Assert.Equal(0, region.Write(i, data));
        }

        Assert.Equal(7, m.Mm.SwapOut(region, Enumerable.Range(0, 8).ToArray()));

        Assert.Equal(new SwapEntry(SwapEntry.Create(0, 8).Value), region.SwapEntryOf(7));
        Assert.Equal($"Write-error on swap-device ({m.Disk!.Major}:{m.Disk.Minor}:{27 * 8})", m.Swap.Log.Last!.Value.Message);
        Assert.Equal(KernelLogLevel.Alert, m.Swap.Log.Last!.Value.Level);
        Page page = m.Swap.LookupSwapCache(region.SwapEntryOf(7))!;
        Assert.True(page.IsDirty);
        page.Release();
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, 6, i), $"page {i} differs");
        }
    }

    [Fact]
    public void A_closed_device_fails_the_write_with_ENXIO_instead_of_throwing()
    {
        Fill(1);
        _m.Disk!.Dispose();

        Assert.Equal(PageReclaimResult.WriteFailed, _m.Mm.ShrinkPage(_region, 0));

        Span<byte> data = stackalloc byte[Page.Size];
        Assert.Equal(0, _region.Read(0, data));
        Assert.True(SwapMachine.Verify(data, 4, 0));
    }
}
