using System.Linq;
using Xunit;
using AopsGen.Block;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Tests;

/// <summary>
/// SWP_BLKDEV: swapon of a block device node in the namespace (an inode of type block device over a
/// <see cref="BlockDevice"/> on an image file), claimed for the area alone; and discard (SWAP_FLAG_DISCARD,
/// _ONCE, _PAGES) on an area whose I/O goes to a device.
/// </summary>
[Collection("SwapCore")]
public sealed class SwapBlockDeviceTests : IDisposable
{
    private const int DevicePages = 600;
    private readonly SwapMachine _m = new(frames: 64, swapPages: 16);
    private readonly TempBlockDevice _disk = new((long)DevicePages << Page.Shift);
    private readonly Inode _node;

    public SwapBlockDeviceTests()
    {
        Mkswap(_disk.Device);
        _node = _disk.Device.NewInode(_m.Fs, 900);
        Assert.Equal(0, _m.Vfs.Create("/swapdev", _node, Credentials.Root));
    }

    public void Dispose()
    {
        _m.Dispose();
        _disk.Dispose();
    }

    private static void Mkswap(BlockDevice device)
    {
        using var frames = new PageFrames(1);
        Page page = frames.AllocZeroed()!;
        Assert.True(AopsGen.Swap.Mkswap.Format(page.Bytes, device.Size, new MkswapOptions { Label = "blkdev" }).Succeeded);
        WritePage(device, page, 0);
        frames.Free(page);
    }

    private static void WritePage(BlockDevice device, Page page, long position)
    {
        IoVec segment = IoVec.ForPage(page);
        Assert.Equal(Page.Size, device.Write(new ReadOnlySpan<IoVec>(in segment), position));
    }

    // Whether the device's page at slot offset is all zero bytes.
    private bool SlotIsZero(ulong offset)
    {
        using var frames = new PageFrames(1);
        Page page = frames.Alloc()!;
        IoVec segment = IoVec.ForPage(page);
        Assert.Equal(Page.Size, _disk.Device.Read(new ReadOnlySpan<IoVec>(in segment), (long)(offset << Page.Shift)));
        bool zero = !page.Bytes.ContainsAnyExcept((byte)0);
        frames.Free(page);
        return zero;
    }

    private void FillDevice(byte value, ulong from, ulong to)
    {
        using var frames = new PageFrames(1);
        Page page = frames.Alloc()!;
        page.Bytes.Fill(value);
        for (ulong slot = from; slot < to; slot++)
        {
            WritePage(_disk.Device, page, (long)(slot << Page.Shift));
        }
        frames.Free(page);
    }

    private static int[] Range(int count) => Enumerable.Range(0, count).ToArray();

    [Fact]
    public void Swapon_of_a_block_device_node_makes_an_SWP_BLKDEV_area_over_the_whole_device_claimed_by_it()
    {
        Assert.Equal(0, _m.SwapOn("/swapdev"));

        SwapInfo area = _m.Area;
        Assert.Equal(SwapIoMode.BlockDevice, area.Mode);
        Assert.Equal(SwapFlags.BlockDevice, area.Flags & SwapFlags.BlockDevice);
        Assert.Same(_disk.Device, area.Bdev);
        Assert.Same(area, _disk.Device.Holder);
        Assert.Equal(new SwapExtent(0, DevicePages, 0), Assert.Single(area.Extents));
        Assert.Equal((uint)DevicePages - 1, area.Pages);
        Assert.True(_node.IsSwapFile);
        Assert.Equal($"Adding {(DevicePages - 1) * 4}k swap on /swapdev.  Priority:-1 extents:1 across:{(DevicePages - 1) * 4}k ", _m.Swap.Log.Last!.Value.Message);
    }

    [Fact]
    public void An_SWP_BLKDEV_area_reads_and_writes_the_device_and_calls_no_op_of_a_filesystem()
    {
        Assert.Equal(0, _m.SwapOn("/swapdev"));
        SwapInfo area = _m.Area;
        using AnonRegion region = _m.Mm.CreateRegion(100);
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < 100; i++)
        {
            SwapMachine.Fill(data, 7, i);
            Assert.Equal(0, region.Write(i, data));
        }
        _m.Mm.SwapOut(region, Range(100)); // what reclaim had not written yet
        Assert.All(Range(100), i => Assert.False(region.SwapEntryOf(i).IsNone));
        Assert.Equal((long)region.SwapEntryOf(5).Offset << Page.Shift, area.PositionOf(region.SwapEntryOf(5).Offset));

        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, 7, i), $"page {i} differs");
        }

        SwapOpCalls calls = area.OpCalls;
        Assert.True(calls.BlockWrites > 0 && calls.BlockReads > 0);
        Assert.Equal(0, calls.DirectIO + calls.SwapRw + calls.Bmap + calls.SwapActivate);
        Assert.Equal(0, _m.FileData.ReadPages + _m.FileData.DirectIoWrites);
    }

    [Fact]
    public void Swapoff_of_a_block_device_brings_the_pages_back_and_releases_the_claim()
    {
        Assert.Equal(0, _m.SwapOn("/swapdev"));
        using AnonRegion region = _m.Mm.CreateRegion(30);
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < 30; i++)
        {
            SwapMachine.Fill(data, 3, i);
            Assert.Equal(0, region.Write(i, data));
        }
        _m.Mm.SwapOut(region, Range(30));
        Assert.All(Range(30), i => Assert.False(region.SwapEntryOf(i).IsNone));

        Assert.Equal(0, _m.Swap.SwapOff("/swapdev", Credentials.Root));

        Assert.Empty(_m.Swap.Areas);
        Assert.Null(_disk.Device.Holder);
        Assert.False(_node.IsSwapFile);
        for (int i = 0; i < 30; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, 3, i), $"page {i} differs");
        }
        Assert.Equal(0, _m.SwapOn("/swapdev"));
    }

    [Fact]
    public void Swapon_of_a_block_device_another_holder_claimed_is_EBUSY_and_leaves_the_claim_alone()
    {
        object mount = new();
        Assert.Equal(0, _disk.Device.Claim(mount));

        Assert.Equal(Errnos.Neg(Errno.EBUSY), _m.SwapOn("/swapdev"));

        Assert.Same(mount, _disk.Device.Holder);
        Assert.Empty(_m.Swap.Areas);
        Assert.False(_node.IsSwapFile);
        _disk.Device.Release(mount);
        Assert.Equal(0, _m.SwapOn("/swapdev"));
    }

    [Fact]
    public void A_second_node_of_a_device_already_in_use_for_swap_is_EBUSY()
    {
        Assert.Equal(0, _m.Vfs.Create("/swapdev2", _disk.Device.NewInode(_m.Fs, 901), Credentials.Root));
        Assert.Equal(0, _m.SwapOn("/swapdev"));

        Assert.Equal(Errnos.Neg(Errno.EBUSY), _m.SwapOn("/swapdev2"));
        Assert.Equal(Errnos.Neg(Errno.EBUSY), _m.SwapOn("/swapdev"));
        Assert.Single(_m.Swap.Areas);
    }

    [Theory]
    [InlineData(FileType.CharDevice)]
    [InlineData(FileType.Fifo)]
    [InlineData(FileType.Socket)]
    public void Swapon_of_a_special_file_that_is_not_a_block_device_is_EINVAL(FileType type)
    {
        Assert.Equal(0, _m.Vfs.Create("/special", new Inode(_m.Fs, 950, type, 0x1B0, TestFs.Empty), Credentials.Root));

        Assert.Equal(Errnos.Neg(Errno.EINVAL), _m.SwapOn("/special"));
        Assert.Empty(_m.Swap.Areas);
    }

    [Fact]
    public void SWAP_FLAG_DISCARD_discards_the_area_but_its_header_at_swapon_and_logs_D_s_c()
    {
        FillDevice(0xAA, 1, DevicePages);

        Assert.Equal(0, _m.SwapOn("/swapdev", SwapCore.SwapFlagDiscard));

        SwapFlags discard = SwapFlags.Discardable | SwapFlags.AreaDiscard | SwapFlags.PageDiscard;
        Assert.Equal(discard, _m.Area.Flags & discard);
        Assert.EndsWith("k Dsc", _m.Swap.Log.Last!.Value.Message);
        Assert.True(SlotIsZero(1));
        Assert.True(SlotIsZero(DevicePages - 1));
        Assert.False(SlotIsZero(0));
        Assert.Equal(0, _m.Swap.SwapOff("/swapdev", Credentials.Root));
        Assert.Equal(0, _m.SwapOn("/swapdev"));
    }

    [Theory]
    [InlineData(SwapCore.SwapFlagDiscardOnce, SwapFlags.AreaDiscard)]
    [InlineData(SwapCore.SwapFlagDiscardPages, SwapFlags.PageDiscard)]
    public void SWAP_FLAG_DISCARD_ONCE_or_PAGES_narrows_the_discard(int narrow, SwapFlags kept)
    {
        FillDevice(0xAA, 1, 2);

        Assert.Equal(0, _m.SwapOn("/swapdev", SwapCore.SwapFlagDiscard | narrow));

        Assert.Equal(SwapFlags.Discardable | kept, _m.Area.Flags & (SwapFlags.Discardable | SwapFlags.AreaDiscard | SwapFlags.PageDiscard));
        Assert.Equal(kept == SwapFlags.AreaDiscard, SlotIsZero(1));
    }

    [Fact]
    public void With_page_discard_a_cluster_whose_slots_are_all_freed_is_discarded_on_the_device()
    {
        Assert.Equal(0, _m.SwapOn("/swapdev", SwapCore.SwapFlagDiscard | SwapCore.SwapFlagDiscardPages));
        AnonRegion region = _m.Mm.CreateRegion(300);
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < 300; i++)
        {
            SwapMachine.Fill(data, 9, i);
            Assert.Equal(0, region.Write(i, data));
        }
        _m.Mm.SwapOut(region, Range(300));
        Assert.All(Range(300), i => Assert.False(region.SwapEntryOf(i).IsNone));
        ulong[] slots = Enumerable.Range(0, 300).Select(i => region.SwapEntryOf(i).Offset).ToArray();
        Assert.All(slots, slot => Assert.False(SlotIsZero(slot)));

        region.Dispose();

        // Every full cluster of 256 slots (slot 0, the header, left out) is free again, so it was discarded.
        Assert.All(slots.Where(slot => slot < SwapInfo.SwapfileCluster), slot => Assert.True(SlotIsZero(slot), $"slot {slot}"));
        Assert.Equal(_m.Area.Pages, (uint)_m.Swap.NrSwapPages);
        Assert.False(SlotIsZero(0));
        // The discarded slots are handed out again.
        using AnonRegion again = _m.Mm.CreateRegion(300);
        for (int i = 0; i < 300; i++)
        {
            SwapMachine.Fill(data, 10, i);
            Assert.Equal(0, again.Write(i, data));
        }
        _m.Mm.SwapOut(again, Range(300));
        for (int i = 0; i < 300; i++)
        {
            Assert.Equal(0, again.Read(i, data));
            Assert.True(SwapMachine.Verify(data, 10, i), $"page {i} differs");
        }
    }

    [Fact]
    public void SWAP_FLAG_DISCARD_on_an_area_whose_io_goes_through_its_filesystem_discards_nothing()
    {
        Assert.Equal(0, _m.SwapOn("/swapfile", SwapCore.SwapFlagDiscard));

        Assert.Equal(SwapIoMode.File, _m.Area.Mode);
        Assert.Equal(SwapFlags.None, _m.Area.Flags & (SwapFlags.Discardable | SwapFlags.AreaDiscard | SwapFlags.PageDiscard));
    }
}
