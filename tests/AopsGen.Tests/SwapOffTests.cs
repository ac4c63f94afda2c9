using System.Linq;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Tests;

/// <summary>sys_swapoff: the checks in the kernel's order with its errno, try_to_unuse bringing every page
/// back to its owner unchanged, swap_deactivate, S_SWAPFILE cleared, priorities shifting, and a failed
/// swapoff re-enabling the area with nothing lost.</summary>
[Collection("SwapCore")]
public sealed class SwapOffTests : IDisposable
{
    private readonly SwapMachine _m = new(frames: 64, swapPages: 128);
    private readonly AnonRegion _region;

    public SwapOffTests()
    {
        Assert.Equal(0, _m.SwapOn());
        _region = _m.Mm.CreateRegion(48);
    }

    public void Dispose()
    {
        _region.Dispose();
        _m.Dispose();
    }

    private void FillAndSwapOut(int count, int seed = 2)
    {
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < count; i++)
        {
            SwapMachine.Fill(data, seed, i);
            Assert.Equal(0, _region.Write(i, data));
        }
        Assert.Equal(count, _m.Mm.SwapOut(_region, Enumerable.Range(0, count).ToArray()));
    }

    private void AssertPages(int count, int seed = 2)
    {
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(0, _region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, seed, i), $"page {i} differs");
        }
    }

    [Fact]
    public void Swapoff_without_CAP_SYS_ADMIN_is_EPERM_before_the_path_is_looked_up()
    {
        Assert.Equal(Errnos.Neg(Errno.EPERM), _m.Swap.SwapOff("/missing", Credentials.User(1000, 1000)));
        Assert.Equal(Errnos.Neg(Errno.EPERM), _m.Swap.SwapOff("/swapfile", Credentials.User(0, 0) with { CapSysAdmin = false }));
        Assert.Single(_m.Swap.Areas);
    }

    [Fact]
    public void Swapoff_of_a_missing_path_is_ENOENT()
    {
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _m.Swap.SwapOff("/missing", Credentials.Root));
    }

    [Fact]
    public void Swapoff_of_a_file_that_is_not_an_active_swap_area_is_EINVAL()
    {
        _m.AddMemSwapFile("/other", 16);
        Assert.Equal(Errnos.Neg(Errno.EINVAL), _m.Swap.SwapOff("/other", Credentials.Root));
        Assert.Single(_m.Swap.Areas);
    }

    [Fact]
    public void Swapoff_brings_every_page_back_to_its_owner_unchanged_and_releases_the_area()
    {
        FillAndSwapOut(40);
        Assert.Equal(0, _m.FileData.Deactivations);

        Assert.Equal(0, _m.Swap.SwapOff("/swapfile", Credentials.Root));

        Assert.Empty(_m.Swap.Areas);
        Assert.All(Enumerable.Range(0, 40), i => Assert.True(_region.IsPresent(i)));
        Assert.Equal(1, _m.FileData.Deactivations);
        Assert.False(_m.SwapFileInode.IsSwapFile);
        Assert.Equal(0, _m.Swap.SwapperSpace.NrPages);
        Assert.Equal(0, _m.Swap.NrSwapPages);
        Assert.Equal(0, _m.Swap.TotalSwapPages);
        AssertPages(40);
    }

    [Fact]
    public void Swapoff_frees_the_swap_map_as_the_kernel_vfrees_it()
    {
        SwapInfo area = _m.Swap.Areas.Single();
        Assert.Equal(128, area.SwapMapBytes.Length);

        Assert.Equal(0, _m.Swap.SwapOff("/swapfile", Credentials.Root));

        Assert.Equal(0, area.SwapMapBytes.Length);
        Assert.Equal(0u, area.Max);
        Assert.Equal(0, area.SwapCount(1));
        Assert.Equal(Errnos.Neg(Errno.EINVAL), area.SwapDuplicate(1, 1));
    }

    [Fact]
    public void After_swapoff_the_file_can_be_written_through_the_vfs_and_swapped_on_again()
    {
        Assert.Equal(0, _m.Swap.SwapOff("/swapfile", Credentials.Root));

        Assert.Equal(0, _m.SwapOn());
        Assert.Equal(2, _m.FileData.Activations);
        Assert.True(_m.SwapFileInode.IsSwapFile);
    }

    [Fact]
    public void Swapoff_of_the_highest_automatic_priority_moves_the_later_areas_up()
    {
        _m.AddMemSwapFile("/b", 16);
        _m.AddMemSwapFile("/c", 16);
        Assert.Equal(0, _m.SwapOn("/b"));
        Assert.Equal(0, _m.SwapOn("/c"));
        Assert.Equal(new[] { -1, -2, -3 }, _m.Swap.Areas.Select(a => a.Priority));

        Assert.Equal(0, _m.Swap.SwapOff("/swapfile", Credentials.Root));

        Assert.Equal(new[] { -1, -2 }, _m.Swap.Areas.Select(a => a.Priority));
        Assert.Equal(new[] { "/b", "/c" }, _m.Swap.Areas.Select(a => a.SwapFile!.Path));
        Assert.Equal(0, _m.SwapOn());
        Assert.Equal(-3, _m.Swap.Areas[^1].Priority);
    }

    [Fact]
    public void Swapoff_without_frames_for_the_pages_is_ENOMEM_and_the_area_stays_with_nothing_lost()
    {
        FillAndSwapOut(40);
        // Fill RAM so that fewer frames are free than pages are in swap.
        using AnonRegion hog = _m.Mm.CreateRegion(64);
        Span<byte> zero = stackalloc byte[8];
        int hogged = 0;
        while (_m.Ram.FreeCount > 10)
        {
            Assert.Equal(0, hog.Write(hogged++, zero));
        }
        long free = _m.Swap.NrSwapPages;

        Assert.Equal(Errnos.Neg(Errno.ENOMEM), _m.Swap.SwapOff("/swapfile", Credentials.Root));

        SwapInfo area = Assert.Single(_m.Swap.Areas);
        Assert.Equal(-1, area.Priority);
        Assert.True(_m.SwapFileInode.IsSwapFile);
        Assert.Equal(0, _m.FileData.Deactivations);
        // try_to_unuse's allocations stop at the min watermark: the reserve is for reclaim.
        Assert.Equal(free + 10 - _m.Mm.MinWatermark, _m.Swap.NrSwapPages);
        hog.Dispose();
        AssertPages(40);
        Assert.Equal(0, _m.Swap.SwapOff("/swapfile", Credentials.Root));
    }

    [Fact]
    public void Swapoff_after_failed_writes_still_brings_everything_in()
    {
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < 8; i++)
        {
            SwapMachine.Fill(data, 2, i);
            Assert.Equal(0, _region.Write(i, data));
        }
        _m.FileData.FailWrites = 100;
        using (SwapPlug.Start())
        {
            for (int i = 0; i < 8; i++)
            {
                _m.Mm.ShrinkPage(_region, i);
            }
        }
        Assert.Equal(8, _m.Swap.SwapperSpace.NrPages);

        Assert.Equal(0, _m.Swap.SwapOff("/swapfile", Credentials.Root));

        Assert.Equal(0, _m.Swap.SwapperSpace.NrPages);
        AssertPages(8);
    }

    [Fact]
    public void Swapoff_with_an_unreadable_page_is_EIO_and_the_area_stays_so_a_later_swapoff_succeeds()
    {
        FillAndSwapOut(4);
        _m.FileData.FailReads = 1;

        Assert.Equal(Errnos.Neg(Errno.EIO), _m.Swap.SwapOff("/swapfile", Credentials.Root));
        Assert.Single(_m.Swap.Areas);

        Assert.Equal(0, _m.Swap.SwapOff("/swapfile", Credentials.Root));
        AssertPages(4);
    }

    [Fact]
    public void A_swapon_whose_swap_activate_fails_does_not_call_swap_deactivate()
    {
        Inode inode = _m.AddMemSwapFile("/d", 16);
        var data = (MemSwapFs.FileData)inode.Private!;
        data.ActivateResult = Errnos.Neg(Errno.ENOMEM);

        Assert.Equal(Errnos.Neg(Errno.ENOMEM), _m.SwapOn("/d"));

        Assert.Equal(1, data.Activations);
        Assert.Equal(0, data.Deactivations);
        Assert.False(inode.IsSwapFile);
        Assert.Single(_m.Swap.Areas);
    }
}
