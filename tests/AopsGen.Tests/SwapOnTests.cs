using System.Linq;
using Xunit;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Tests;

/// <summary>sys_swapon: the checks in the kernel's order with its errno and message, the two ways to map the
/// file (swap_activate → SWP_FILE; the generic bmap walk), swap_deactivate after a failure, S_SWAPFILE.</summary>
[Collection(nameof(SwapOnTests))]
public sealed unsafe class SwapOnTests : IDisposable
{
    private const int FilePages = 64;

    // The test filesystem: each inode's data is a byte[] in Inode.Private; bmap answers from BlockMap.
    private static int _activateResult;
    private static int _activations;
    private static int _deactivations;
    private static ulong[] _blockMap = Array.Empty<ulong>();

    private readonly SuperBlock _fs = new("swaptestfs", 4096);
    private readonly SuperBlock _fs1k = new("swaptestfs1k", 1024);
    private readonly AddressSpaceOperations _fileAops = new("swapfs_aops", readPage: &ReadPage, directIO: &DirectIO, swapActivate: &SwapActivate, swapDeactivate: &SwapDeactivate);
    private readonly AddressSpaceOperations _bmapAops = new("bmapfs_aops", readPage: &ReadPage, bmap: &Bmap);
    private readonly AddressSpaceOperations _noReadAops = new("noread_aops", bmap: &Bmap);
    private readonly AddressSpaceOperations _noDirectIoAops = new("nodio_aops", readPage: &ReadPage, swapActivate: &SwapActivate, swapDeactivate: &SwapDeactivate);
    private readonly MountNamespace _vfs;
    private readonly SwapCore _core;
    private readonly TempBlockDevice _disk = new(16 << 20);
    private ulong _ino = 2;

    public SwapOnTests()
    {
        _activateResult = 0;
        _activations = 0;
        _deactivations = 0;
        _blockMap = Enumerable.Range(0, FilePages).Select(i => (ulong)(1000 + i)).ToArray();
        _fs.Device = _disk.Device;
        _fs1k.Device = _disk.Device;
        _vfs = new MountNamespace(new Inode(_fs, 1, FileType.Directory, 0x1ED, TestFs.Empty));
        _core = new SwapCore(_vfs);
    }

    public void Dispose()
    {
        _core.Dispose();
        _disk.Dispose();
    }

    private Inode SwapFile(string path, AddressSpaceOperations aops, int pages = FilePages, MkswapOptions? options = null, SuperBlock? sb = null)
    {
        var data = new byte[pages * Page.Size];
        Assert.True(Mkswap.Format(data.AsSpan(0, Page.Size), data.Length, options ?? new MkswapOptions { Label = "test" }).Succeeded);
        var inode = new Inode(sb ?? _fs, _ino++, FileType.Regular, 0x180, aops) { Size = data.Length, Blocks = data.Length / 512, Private = data };
        Assert.Equal(0, _vfs.Create(path, inode, Credentials.Root));
        return inode;
    }

    private string LastLog => _core.Log.Last?.Message ?? "(nothing logged)";

    [Fact]
    public void Swapon_of_a_file_whose_filesystem_has_swap_activate_makes_an_SWP_FILE_area_with_one_extent()
    {
        Inode inode = SwapFile("/swapfile", _fileAops);

        Assert.Equal(0, _core.SwapOn("/swapfile", 0, Credentials.Root));

        SwapInfo area = Assert.Single(_core.Areas);
        Assert.Equal(SwapIoMode.File, area.Mode);
        Assert.Equal(SwapFlags.Activated, area.Flags & SwapFlags.Activated);
        Assert.Equal((uint)FilePages - 1, area.Pages);
        Assert.Equal(new SwapExtent(0, FilePages, 0), Assert.Single(area.Extents));
        Assert.Equal(1, _activations);
        Assert.True(inode.IsSwapFile);
        Assert.Equal(-1, area.Priority);
        Assert.Equal($"Adding {(FilePages - 1) * 4}k swap on /swapfile.  Priority:-1 extents:1 across:{(FilePages - 1) * 4}k FS", LastLog);
        Assert.Equal(FilePages - 1, _core.NrSwapPages);
    }

    [Fact]
    public void Unknown_flags_are_EINVAL_before_the_privilege_check()
    {
        SwapFile("/swapfile", _fileAops);
        Assert.Equal(Errnos.Neg(Errno.EINVAL), _core.SwapOn("/swapfile", 0x100000, Credentials.User(1000, 1000)));
    }

    [Fact]
    public void Swapon_without_CAP_SYS_ADMIN_is_EPERM_even_for_a_missing_path()
    {
        Assert.Equal(Errnos.Neg(Errno.EPERM), _core.SwapOn("/missing", 0, Credentials.User(0, 0) with { CapSysAdmin = false }));
    }

    [Fact]
    public void Swapon_with_the_swap_table_full_is_EPERM_before_the_path_is_looked_at()
    {
        for (int i = 0; i < SwapCore.MaxSwapFiles; i++)
        {
            Assert.Equal(0, _core.AllocSwapInfo(out _));
        }
        Assert.Equal(Errnos.Neg(Errno.EPERM), _core.SwapOn("/missing", 0, Credentials.Root));
    }

    [Fact]
    public void Swapon_of_a_missing_path_is_ENOENT_and_frees_its_swap_table_entry()
    {
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _core.SwapOn("/missing", 0, Credentials.Root));
        Assert.Equal(0, _core.AllocSwapInfo(out SwapInfo? area));
        Assert.Equal(0, area!.Type);
    }

    [Fact]
    public void Swapon_of_an_active_swap_file_is_EBUSY()
    {
        SwapFile("/swapfile", _fileAops);
        Assert.Equal(0, _core.SwapOn("/swapfile", 0, Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EBUSY), _core.SwapOn("/swapfile", 0, Credentials.Root));
        Assert.Single(_core.Areas);
    }

    [Fact]
    public void Swapon_of_a_directory_is_EISDIR_from_the_open()
    {
        Assert.Equal(0, _vfs.Create("/dir", new Inode(_fs, 99, FileType.Directory, 0x1ED, TestFs.Empty), Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EISDIR), _core.SwapOn("/dir", 0, Credentials.Root));
    }

    [Fact]
    public void Swapon_on_a_filesystem_without_readpage_is_EINVAL()
    {
        SwapFile("/swapfile", _noReadAops);
        Assert.Equal(Errnos.Neg(Errno.EINVAL), _core.SwapOn("/swapfile", 0, Credentials.Root));
    }

    [Fact]
    public void Swapon_of_a_file_without_the_signature_is_EINVAL_Unable_to_find_swap_space_signature()
    {
        Inode inode = SwapFile("/swapfile", _fileAops);
        ((byte[])inode.Private!).AsSpan(Page.Size - 10, 10).Clear();

        Assert.Equal(Errnos.Neg(Errno.EINVAL), _core.SwapOn("/swapfile", 0, Credentials.Root));
        Assert.Equal("Unable to find swap-space signature", LastLog);
        Assert.Equal(0, _activations);
        Assert.False(inode.IsSwapFile);
    }

    [Fact]
    public void Swapon_of_a_header_larger_than_the_file_is_EINVAL_Swap_area_shorter_than_signature_indicates()
    {
        Inode inode = SwapFile("/swapfile", _fileAops);
        inode.Size = 16 * Page.Size;

        Assert.Equal(Errnos.Neg(Errno.EINVAL), _core.SwapOn("/swapfile", 0, Credentials.Root));
        Assert.Equal("Swap area shorter than signature indicates", LastLog);
    }

    [Fact]
    public void Swapon_of_a_header_only_file_is_EINVAL_Empty_swap_file()
    {
        Inode inode = SwapFile("/swapfile", _fileAops);
        var header = new SwapHeader(lastPage: 0, Guid.NewGuid());
        header.WriteTo(((byte[])inode.Private!).AsSpan(0, Page.Size));

        Assert.Equal(Errnos.Neg(Errno.EINVAL), _core.SwapOn("/swapfile", 0, Credentials.Root));
        Assert.Equal("Empty swap-file", LastLog);
    }

    [Fact]
    public void Swapon_with_a_failing_swap_activate_returns_its_errno_and_leaves_no_area()
    {
        SwapFile("/swapfile", _fileAops);
        _activateResult = Errnos.Neg(Errno.ENOMEM);

        Assert.Equal(Errnos.Neg(Errno.ENOMEM), _core.SwapOn("/swapfile", 0, Credentials.Root));
        Assert.Empty(_core.Areas);
        Assert.Equal(0, _deactivations);
    }

    [Fact]
    public void Swapon_walks_bmap_without_swap_activate_and_merges_contiguous_pages_into_extents()
    {
        _blockMap[10] = 5000; // page 10 elsewhere on the device: three extents
        SwapFile("/swapfile", _bmapAops);

        Assert.Equal(0, _core.SwapOn("/swapfile", 0, Credentials.Root));

        SwapInfo area = Assert.Single(_core.Areas);
        Assert.Equal(SwapIoMode.Extents, area.Mode);
        Assert.Equal(new[] { new SwapExtent(0, 10, 1000), new SwapExtent(10, 1, 5000), new SwapExtent(11, FilePages - 11, 1011) }, area.Extents);
        Assert.Equal(5000UL, area.MapSwapPage(10));
        Assert.Equal(1030UL, area.MapSwapPage(30));
        Assert.Equal(0, _activations);
    }

    [Fact]
    public void Swapon_of_a_file_with_a_hole_is_EINVAL_swapfile_has_holes()
    {
        _blockMap[7] = 0;
        SwapFile("/swapfile", _bmapAops);

        Assert.Equal(Errnos.Neg(Errno.EINVAL), _core.SwapOn("/swapfile", 0, Credentials.Root));
        Assert.Equal("swapon: swapfile has holes", LastLog);
        Assert.Empty(_core.Areas);
    }

    [Fact]
    public void Swapon_of_a_bmap_file_on_a_filesystem_without_a_block_device_is_EINVAL()
    {
        var memoryFs = new SuperBlock("membmapfs", 4096);
        Assert.Equal(0, _vfs.Create("/m", new Inode(_fs, 97, FileType.Directory, 0x1ED, TestFs.Empty), Credentials.Root));
        Assert.Equal(0, _vfs.Mount("/m", new Inode(memoryFs, 1, FileType.Directory, 0x1ED, TestFs.Empty)));
        Inode inode = SwapFile("/m/swapfile", _bmapAops, sb: memoryFs);

        Assert.Equal(Errnos.Neg(Errno.EINVAL), _core.SwapOn("/m/swapfile", 0, Credentials.Root));

        Assert.Equal("swapon: /m/swapfile: membmapfs has bmap but no block device to write the swap pages to", LastLog);
        Assert.Empty(_core.Areas);
        Assert.False(inode.IsSwapFile);
    }

    [Fact]
    public void A_bmap_area_writes_to_its_filesystems_block_device()
    {
        SwapFile("/swapfile", _bmapAops);

        Assert.Equal(0, _core.SwapOn("/swapfile", 0, Credentials.Root));

        SwapInfo area = Assert.Single(_core.Areas);
        Assert.Same(_disk.Device, area.Bdev);
        Assert.Equal(SwapIoMode.Extents, area.Mode);
    }

    [Fact]
    public void The_bmap_walk_skips_unaligned_and_discontiguous_pages_of_1k_blocks()
    {
        // 1 KiB blocks: 4 a page. Blocks of file page 0 are 4000..4003 (aligned), file page 1 starts unaligned
        // (4005..), file page 2 is discontiguous (8000, 8001, 9000, ...): the walk skips block by block until it
        // finds aligned, contiguous runs again.
        _blockMap = Enumerable.Range(0, FilePages * 4).Select(b => (ulong)(4000 + b)).ToArray();
        for (int b = 4; b < 8; b++)
        {
            _blockMap[b] = (ulong)(4001 + b);
        }
        _blockMap[8] = 8000;
        _blockMap[9] = 8001;
        _blockMap[10] = 9000;
        _blockMap[11] = 9001;
        Assert.Equal(0, _vfs.Create("/k", new Inode(_fs, 98, FileType.Directory, 0x1ED, TestFs.Empty), Credentials.Root));
        Assert.Equal(0, _vfs.Mount("/k", new Inode(_fs1k, 1, FileType.Directory, 0x1ED, TestFs.Empty)));
        SwapFile("/k/swapfile", _bmapAops, sb: _fs1k);

        Assert.Equal(0, _core.SwapOn("/k/swapfile", 0, Credentials.Root));

        SwapInfo area = Assert.Single(_core.Areas);
        Assert.Equal(1000UL, area.MapSwapPage(0));
        Assert.Equal(1003UL, area.MapSwapPage(1)); // blocks 12..15 = 4012..4015 = page 1003
        Assert.True(area.Max < FilePages, "skipped pages shrink the area");
    }

    [Fact]
    public void A_swapon_that_fails_after_swap_activate_succeeded_calls_swap_deactivate_once()
    {
        Inode inode = SwapFile("/swapfile", _noDirectIoAops);

        Assert.Equal(Errnos.Neg(Errno.EINVAL), _core.SwapOn("/swapfile", 0, Credentials.Root));

        Assert.Equal("swapon: /swapfile: nodio_aops has swap_activate but no direct_IO to write swap pages", LastLog);
        Assert.Equal(1, _activations);
        Assert.Equal(1, _deactivations);
        Assert.Empty(_core.Areas);
        Assert.False(inode.IsSwapFile);
        Assert.Null(_core.AreaOf(SwapEntry.Create(0, 1)));
    }

    [Fact]
    public void Explicit_priority_comes_from_SWAP_FLAG_PREFER()
    {
        SwapFile("/a", _fileAops);
        SwapFile("/b", _fileAops);

        Assert.Equal(0, _core.SwapOn("/a", 0, Credentials.Root));
        Assert.Equal(0, _core.SwapOn("/b", SwapCore.SwapFlagPrefer | 5, Credentials.Root));

        Assert.Equal(new[] { 5, -1 }, _core.Areas.Select(a => a.Priority));
    }

    [Fact]
    public void An_active_swap_file_cannot_be_truncated_unlinked_or_written_through_the_vfs()
    {
        SwapFile("/swapfile", _fileAops);
        Assert.Equal(0, _core.SwapOn("/swapfile", 0, Credentials.Root));

        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), _vfs.Truncate("/swapfile", 0, Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EPERM), _vfs.Unlink("/swapfile", Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EPERM), _vfs.Rename("/swapfile", "/elsewhere", Credentials.Root));
        Assert.Equal(0, _vfs.Open("/swapfile", OpenFlags.ReadWrite, Credentials.Root, out OpenFile? file));
        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), MountNamespace.Write(file!, 0, new byte[] { 1 }));
    }

    private static int ReadPage(OpenFile file, Page page)
    {
        byte[] data = (byte[])file.Inode.Private!;
        data.AsSpan((int)page.Index * Page.Size, Page.Size).CopyTo(page.Bytes);
        page.Set(PageFlags.Uptodate);
        page.Unlock();
        return 0;
    }

    private static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => Errnos.Neg(Errno.EIO);

    private static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
    {
        span = sis.Pages;
        if (_activateResult == 0)
        {
            _activations++;
        }
        return _activateResult;
    }

    private static void SwapDeactivate(OpenFile file) => _deactivations++;

    private static ulong Bmap(AddressSpace mapping, ulong block) => block < (ulong)_blockMap.Length ? _blockMap[block] : 0;
}
