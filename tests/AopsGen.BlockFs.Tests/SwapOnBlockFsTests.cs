using System.Collections.Generic;
using System.Linq;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Examples.Tests;

/// <summary>A swap file on BlockFs: BlockFs's swap_activate adds the file's extents (6.x, iomap's way), the area's
/// I/O is the extents backend, its extents are the file's real blocks on the mount's device — the ones bmap names —
/// and swap pages go straight to the image there. (The bmap-only walk is pinned in AopsGen.Tests with BlockSwapFs.)</summary>
public sealed class SwapOnBlockFsTests : IDisposable
{
    private const int SwapPages = 64;
    private const string SwapPath = "/mnt/swapfile";

    private readonly BlockFsMachine _m = new();
    private readonly BlockFsMount _mount;
    private readonly SwapCore _swap;

    public SwapOnBlockFsTests()
    {
        _mount = _m.Mount();
        _swap = new SwapCore(_m.Vfs);
    }

    public void Dispose()
    {
        _swap.Dispose();
        _m.Dispose();
    }

    // Pages 1.. get a pattern each and page 0 mkswap's header, all with MountNamespace.Write, then synced so that swapon's
    // readpage finds the header on the device and the image shows where each page really is.
    private Inode MakeSwapFile(AllocationPolicy policy)
    {
        Assert.Equal(0, _mount.CreateFile("swapfile", 0x180, Credentials.Root, out Inode? inode));
        Assert.Equal(0, _mount.Fallocate("swapfile", (long)SwapPages * Page.Size, policy));
        Assert.Equal(0, _mount.Open("swapfile", OpenFlags.ReadWrite, out OpenFile? file));
        for (int i = 1; i < SwapPages; i++)
        {
            Assert.Equal(Page.Size, MountNamespace.Write(file!, (long)i * Page.Size, BlockFsMachine.Pattern(77, i)));
        }
        WriteHeader();
        return inode!;
    }

    // bmap's numbers are the real blocks: the image holds each page's pattern there.
    private void AssertPagesAreAt(ulong[] map)
    {
        for (int i = 1; i < map.Length; i++)
        {
            Assert.True(_m.ReadImageBlock(map[i]).AsSpan().SequenceEqual(BlockFsMachine.Pattern(77, i)), $"file page {i} is not at block {map[i]}");
        }
    }

    private void WriteHeader()
    {
        byte[] header = new byte[Page.Size];
        Assert.True(Mkswap.Format(header, (long)SwapPages * Page.Size, new MkswapOptions { Label = "blockfs-swap" }).Succeeded);
        Assert.Equal(0, _mount.Open("swapfile", OpenFlags.ReadWrite, out OpenFile? file));
        Assert.Equal(Page.Size, MountNamespace.Write(file!, 0, header));
        Assert.Equal(0, _mount.Sync());
    }

    // The extents the file's blocks make: consecutive blocks merged.
    private static List<SwapExtent> ExtentsOf(ulong[] map)
    {
        var extents = new List<SwapExtent>();
        for (int i = 0; i < map.Length; i++)
        {
            if (extents.Count > 0 && extents[^1] is var last && last.StartBlock + last.NrPages == map[i])
            {
                extents[^1] = last with { NrPages = last.NrPages + 1 };
            }
            else
            {
                extents.Add(new SwapExtent((ulong)i, 1, map[i]));
            }
        }
        return extents;
    }

    [Fact]
    public void Swapon_of_a_contiguous_file_is_one_extent_at_its_blocks_on_the_mounts_device_and_not_SWP_FILE()
    {
        Inode inode = MakeSwapFile(AllocationPolicy.Contiguous);
        ulong[] map = BlockFsMachine.BlockMap(inode, SwapPages);
        AssertPagesAreAt(map);

        Assert.Equal(0, _swap.SwapOn(SwapPath, 0, Credentials.Root));

        SwapInfo area = Assert.Single(_swap.Areas);
        Assert.Equal(SwapIoMode.Extents, area.Mode);
        Assert.Same(_mount.Device, area.Bdev);
        Assert.Equal(new SwapExtent(0, SwapPages, map[0]), Assert.Single(area.Extents));
        Assert.Equal(ExtentsOf(map), area.Extents);
        Assert.True(inode.IsSwapFile);
        Assert.StartsWith($"Adding {(SwapPages - 1) * 4}k swap on {SwapPath}.  Priority:-1 extents:1 across:", _swap.Log.Last!.Value.Message);
    }

    [Fact]
    public void Swapon_of_an_interleaved_file_has_one_extent_per_run_at_the_blocks_bmap_names()
    {
        Inode inode = MakeSwapFile(AllocationPolicy.Interleaved(runBlocks: 8, gapBlocks: 2));
        ulong[] map = BlockFsMachine.BlockMap(inode, SwapPages);
        AssertPagesAreAt(map);

        Assert.Equal(0, _swap.SwapOn(SwapPath, 0, Credentials.Root));

        SwapInfo area = Assert.Single(_swap.Areas);
        Assert.Equal(8, area.Extents.Count);
        Assert.Equal(ExtentsOf(map), area.Extents);
        for (int k = 0; k < 8; k++)
        {
            Assert.Equal(new SwapExtent((ulong)k * 8, 8, map[0] + ((ulong)k * 10)), area.Extents[k]);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Pages_swapped_out_through_MemoryManager_land_on_the_image_at_the_extents_blocks_and_read_back_equal(bool fragmented)
    {
        Inode inode = MakeSwapFile(fragmented ? AllocationPolicy.Interleaved(8, 1) : AllocationPolicy.Contiguous);
        HashSet<ulong> fileBlocks = BlockFsMachine.BlockMap(inode, SwapPages).ToHashSet();
        Assert.Equal(0, _swap.SwapOn(SwapPath, 0, Credentials.Root));
        SwapInfo area = Assert.Single(_swap.Areas);
        using var ram = new PageFrames(16);
        var mm = new MemoryManager(ram, _swap);
        const int pages = 48; // three times the frames
        AnonRegion region = mm.CreateRegion(pages);
        var written = new HashSet<ulong>();
        byte[] data = new byte[Page.Size];

        for (int i = 0; i < pages; i++)
        {
            BlockFsMachine.Fill(data, 9, i);
            int error = region.Write(i, data);
            if (error == Errnos.Neg(Errno.ENOMEM))
            {
                SwapOutPresent(mm, region);
                error = region.Write(i, data);
            }
            Assert.Equal(0, error);
        }
        SwapOutPresent(mm, region);

        for (int i = 0; i < pages; i++)
        {
            SwapEntry entry = region.SwapEntryOf(i);
            ulong block = area.MapSwapPage(entry.Offset)!.Value;
            Assert.Contains(block, fileBlocks);
            Assert.True(written.Add(block));
            Assert.True(_m.ReadImageBlock(block).AsSpan().SequenceEqual(BlockFsMachine.Pattern(9, i)), $"page {i} is not at block {block}");
        }
        for (int i = 0; i < pages; i++)
        {
            int error = region.Read(i, data);
            if (error == Errnos.Neg(Errno.ENOMEM))
            {
                SwapOutPresent(mm, region);
                error = region.Read(i, data);
            }
            Assert.Equal(0, error);
            Assert.True(data.AsSpan().SequenceEqual(BlockFsMachine.Pattern(9, i)), $"page {i} differs after the round trip");
        }
        Assert.True(_swap.Events[VmEvent.PswpOut] >= pages);
        Assert.True(_swap.Events[VmEvent.PswpIn] >= pages);

        region.Dispose();
        Assert.Equal(0, _swap.SwapOff(SwapPath, Credentials.Root));
        Assert.Empty(_swap.Areas);
        Assert.False(inode.IsSwapFile);
    }

    [Fact]
    public void Swapoff_brings_the_swapped_pages_back_and_releases_the_file()
    {
        Inode inode = MakeSwapFile(AllocationPolicy.Contiguous);
        Assert.Equal(0, _swap.SwapOn(SwapPath, 0, Credentials.Root));
        using var ram = new PageFrames(16);
        var mm = new MemoryManager(ram, _swap);
        using AnonRegion region = mm.CreateRegion(8);
        byte[] data = new byte[Page.Size];
        for (int i = 0; i < 8; i++)
        {
            BlockFsMachine.Fill(data, 10, i);
            Assert.Equal(0, region.Write(i, data));
        }
        SwapOutPresent(mm, region);
        Assert.Equal(Errnos.Neg(Errno.EBUSY), _mount.Unmount());
        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), (int)MountNamespace.Write(OpenSwapFile(), 0, data));

        Assert.Equal(0, _swap.SwapOff(SwapPath, Credentials.Root));

        Assert.Empty(_swap.Areas);
        Assert.False(inode.IsSwapFile);
        for (int i = 0; i < 8; i++)
        {
            Assert.True(region.IsPresent(i));
            Assert.Equal(0, region.Read(i, data));
            Assert.True(data.AsSpan().SequenceEqual(BlockFsMachine.Pattern(10, i)));
        }
        Assert.Equal(0, _mount.Unmount());
    }

    [Fact]
    public void Swapon_of_a_sparse_file_is_EINVAL_has_unallocated_extents()
    {
        Assert.Equal(0, _mount.CreateFile("swapfile", 0x180, Credentials.Root, out Inode? inode));
        Assert.Equal(0, _mount.Truncate("swapfile", (long)SwapPages * Page.Size));
        WriteHeader(); // page 0 gets a block; pages 1..63 stay holes

        Assert.Equal(Errnos.Neg(Errno.EINVAL), _swap.SwapOn(SwapPath, 0, Credentials.Root));

        Assert.Equal($"swapon: file {SwapPath} has unallocated extents", _swap.Log.Last!.Value.Message);
        Assert.Empty(_swap.Areas);
        Assert.False(inode!.IsSwapFile);
        Assert.NotEqual(0UL, AopsCalls.Bmap(BlockFs.Operations, inode.Mapping, 0));
        Assert.Equal(0UL, AopsCalls.Bmap(BlockFs.Operations, inode.Mapping, 1));
    }

    [Fact]
    public void BlockFs_swap_activate_adds_the_extents_so_the_core_walks_no_bmap_and_calls_no_io_op_of_BlockFs()
    {
        Inode inode = MakeSwapFile(AllocationPolicy.Interleaved(runBlocks: 8, gapBlocks: 2));

        Assert.Equal(0, _swap.SwapOn(SwapPath, 0, Credentials.Root));

        SwapInfo area = Assert.Single(_swap.Areas);
        Assert.Equal(SwapFlags.Activated, area.Flags & (SwapFlags.Activated | SwapFlags.FsOps));
        Assert.Equal(ExtentsOf(BlockFsMachine.BlockMap(inode, SwapPages)), area.Extents);
        Assert.Equal(1, area.OpCalls.SwapActivate);
        Assert.Equal(0, area.OpCalls.Bmap + area.OpCalls.DirectIO + area.OpCalls.SwapRw);
        Assert.Equal(0, _swap.SwapOff(SwapPath, Credentials.Root));
        Assert.Equal(0, area.OpCalls.SwapDeactivate);
    }

    [Fact]
    public void CreateSwapFile_makes_a_file_swapon_accepts_in_one_step()
    {
        Assert.Equal(0, _mount.CreateSwapFile("swapfile", (long)SwapPages * Page.Size, out Inode? inode, "oneshot", AllocationPolicy.Interleaved(16, 1)));

        Assert.Equal(0, _swap.SwapOn(SwapPath, 0, Credentials.Root));

        SwapInfo area = Assert.Single(_swap.Areas);
        Assert.Equal(ExtentsOf(BlockFsMachine.BlockMap(inode!, SwapPages)), area.Extents);
        Assert.Equal(4, area.Extents.Count);
        Assert.Equal(0, _swap.SwapOff(SwapPath, Credentials.Root));
    }

    [Fact]
    public void A_64_MiB_swap_file_maps_through_the_double_indirect_block_to_one_extent()
    {
        using var m = new BlockFsMachine(imageBytes: 72L << 20);
        BlockFsMount mount = m.Mount();
        using var swap = new SwapCore(m.Vfs);
        const int pages = 16384;

        Assert.Equal(0, mount.CreateSwapFile("big", (long)pages * Page.Size, out Inode? inode, "big"));
        Assert.Equal(0, swap.SwapOn("/mnt/big", 0, Credentials.Root));

        SwapInfo area = Assert.Single(swap.Areas);
        ulong first = AopsCalls.Bmap(BlockFs.Operations, inode!.Mapping, 0);
        Assert.Equal(new SwapExtent(0, pages, first), Assert.Single(area.Extents));
        Assert.Equal((uint)pages - 1, area.Pages);
        Assert.Equal(0, swap.SwapOff("/mnt/big", Credentials.Root));
    }

    private OpenFile OpenSwapFile()
    {
        Assert.Equal(0, _mount.Open("swapfile", OpenFlags.ReadWrite, out OpenFile? file));
        return file!;
    }

    // Every present page swapped out and its frame freed: above queue depth 1 the writes complete later, and a second
    // pass frees the frames whose writes have ended.
    private void SwapOutPresent(MemoryManager mm, AnonRegion region)
    {
        int[] present = Enumerable.Range(0, region.Pages).Where(region.IsPresent).ToArray();
        int freed = mm.SwapOut(region, present);
        _swap.WaitForIo();
        Assert.Equal(present.Length, freed + mm.ReclaimPages(present.Length - freed));
    }
}
