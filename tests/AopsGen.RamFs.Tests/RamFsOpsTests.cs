using System.Linq;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Examples.Tests;

/// <summary>RamFs's ops, each called through the generated table as the VFS and the swap core call it.</summary>
public sealed class RamFsOpsTests : IDisposable
{
    private readonly MountNamespace _vfs;
    private readonly SuperBlock _sb;
    private readonly PageFrames _ram = new(40);

    public RamFsOpsTests()
    {
        _vfs = RamFs.NewNamespace(out SuperBlock root);
        Assert.Equal(0, RamFs.Mkdir(_vfs, root, "/mnt", Credentials.Root));
        Assert.Equal(0, RamFs.Mount(_vfs, "/mnt", out SuperBlock? sb));
        _sb = sb!;
    }

    public void Dispose() => _ram.Dispose();

    [Fact]
    public void The_table_sets_the_eight_ops_of_a_swap_capable_filesystem_and_leaves_bmap_to_its_default()
    {
        AddressSpaceOperations aops = RamFs.Operations;

        Assert.Equal("ramfs_aops", aops.Name);
        Assert.Equal(
            new[] { AddressSpaceOp.WritePage, AddressSpaceOp.ReadPage, AddressSpaceOp.SetPageDirty, AddressSpaceOp.WriteBegin, AddressSpaceOp.WriteEnd, AddressSpaceOp.DirectIO, AddressSpaceOp.SwapActivate, AddressSpaceOp.SwapDeactivate }.OrderBy(op => op),
            aops.SetOps.OrderBy(op => op));
        Assert.False(aops.Has(AddressSpaceOp.Bmap));
    }

    [Fact]
    public void Bytes_written_through_write_begin_and_write_end_are_read_back_by_readpage_with_zeros_past_the_end()
    {
        OpenFile file = Open(CreateFile("/mnt/notes", 0));
        byte[] text = Enumerable.Range(0, 6000).Select(i => (byte)(i % 251)).ToArray();

        Assert.Equal(6000, MountNamespace.Write(file, 100, text));
        Assert.Equal(6100, file.Inode.Size);

        Page second = PageAt(file, 1);
        Assert.Equal(0, AopsCalls.ReadPage(file.Mapping.Aops, file, second));
        Assert.True(second.IsUptodate);
        Assert.False(second.IsLocked);
        Assert.Equal(text.AsSpan(Page.Size - 100, 6100 - Page.Size).ToArray(), second.Bytes[..(6100 - Page.Size)].ToArray());
        Assert.True(second.Bytes[(6100 - Page.Size)..].IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(RamFs.StagingFrames, ((PageFrames)_sb.FsInfo!).FreeCount);
    }

    [Fact]
    public void Writepage_writes_a_dirty_page_back_up_to_the_end_of_the_file_and_ends_its_writeback()
    {
        OpenFile file = Open(CreateFile("/mnt/data", 5000));
        Page page = PageAt(file, 1);
        page.Bytes.Fill(0x5A);
        Assert.True(AopsCalls.SetPageDirty(file.Mapping.Aops, page));
        Assert.False(AopsCalls.SetPageDirty(file.Mapping.Aops, page));
        page.Mapping = file.Mapping;
        page.Clear(PageFlags.Dirty);

        Assert.Equal(0, AopsCalls.WritePage(file.Mapping.Aops, page, new WritebackControl()));

        Assert.False(page.IsWriteback);
        Assert.False(page.IsLocked);
        byte[] back = new byte[Page.Size];
        RamFs.DataOf(file.Inode).Read(Page.Size, back);
        Assert.All(back[..(5000 - Page.Size)], b => Assert.Equal(0x5A, b));
        Assert.All(back[(5000 - Page.Size)..], b => Assert.Equal(0, b));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(32)]
    public void Direct_io_moves_a_batch_of_page_segments_each_way_without_allocating(int segments)
    {
        OpenFile file = Open(CreateFile("/mnt/direct", 64L * Page.Size));
        Page[] pages = Enumerable.Range(0, segments).Select(_ => _ram.Alloc()!).ToArray();
        IoVec[] iov = pages.Select(IoVec.ForPage).ToArray();
        for (int i = 0; i < segments; i++)
        {
            pages[i].Bytes.Fill((byte)(i + 1));
        }
        var iocb = new Kiocb();
        iocb.Init(file, Page.Size, (long)segments * Page.Size);
        Assert.Equal((long)segments * Page.Size, AopsCalls.DirectIO(file.Mapping.Aops, Rw.KernelWrite, iocb, iov, Page.Size));
        foreach (Page page in pages)
        {
            page.Bytes.Clear();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        long read = AopsCalls.DirectIO(file.Mapping.Aops, Rw.KernelRead, iocb, iov, Page.Size);
        long written = AopsCalls.DirectIO(file.Mapping.Aops, Rw.KernelWrite, iocb, iov, Page.Size);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((long)segments * Page.Size, read);
        Assert.Equal(read, written);
        Assert.Equal(0, allocated);
        for (int i = 0; i < segments; i++)
        {
            Assert.All(pages[i].Bytes.ToArray(), b => Assert.Equal((byte)(i + 1), b));
        }
    }

    [Fact]
    public void A_direct_read_past_the_end_of_the_memory_held_is_cut_short_there()
    {
        OpenFile file = Open(CreateFile("/mnt/short", 2L * Page.Size));
        IoVec[] iov = Enumerable.Range(0, 4).Select(_ => IoVec.ForPage(_ram.Alloc()!)).ToArray();
        var iocb = new Kiocb();

        Assert.Equal(2L * Page.Size, AopsCalls.DirectIO(file.Mapping.Aops, Rw.KernelRead, iocb.Init(file, 0, 4 * Page.Size), iov, 0));
    }

    [Fact]
    public void Swap_activate_and_deactivate_mark_the_file_and_the_vfs_refuses_writes_while_it_is_swap()
    {
        Assert.Equal(0, RamFs.CreateSwapFile(_vfs, _sb, "/mnt/swapfile", 64L * Page.Size, new MkswapOptions { Label = "ram" }, out Inode? inode, out MkswapResult mkswap));
        Assert.Equal("ram", mkswap.Header.Label);
        var swap = new SwapCore(_vfs);

        Assert.Equal(0, swap.SwapOn("/mnt/swapfile", 0, Credentials.Root));

        Assert.True(RamFs.DataOf(inode!).SwapActive);
        Assert.Equal(SwapIoMode.File, swap.Areas[0].Mode);
        Assert.Equal(0, _vfs.Open("/mnt/swapfile", OpenFlags.ReadWrite, Credentials.Root, out OpenFile? file));
        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), MountNamespace.Write(file!, 0, new byte[1]));

        Assert.Equal(0, swap.SwapOff("/mnt/swapfile", Credentials.Root));
        Assert.False(RamFs.DataOf(inode!).SwapActive);
        Assert.Equal(1, MountNamespace.Write(file!, 0, new byte[1]));
    }

    [Fact]
    public void The_swaprw_table_makes_an_SWP_FS_OPS_area_whose_pages_go_through_swap_rw_only()
    {
        Assert.Equal(0, RamFs.CreateSwapFile(_vfs, _sb, "/mnt/swaprw", 64L * Page.Size, null, out Inode? inode, out _, RamFsSwapRw.Operations));
        using var swap = new SwapCore(_vfs);
        using var frames = new PageFrames(8);
        using var mm = new MemoryManager(frames, swap);

        Assert.Equal(0, swap.SwapOn("/mnt/swaprw", 0, Credentials.Root));
        SwapInfo area = swap.Areas[0];
        Assert.Equal(SwapIoMode.FsOps, area.Mode);
        Assert.True(RamFs.DataOf(inode!).SwapActive);
        using (AnonRegion region = mm.CreateRegion(32))
        {
            byte[] data = new byte[Page.Size];
            for (int i = 0; i < 32; i++)
            {
                data.AsSpan().Fill((byte)(i + 1));
                Assert.Equal(0, region.Write(i, data));
            }
            for (int i = 0; i < 32; i++)
            {
                Assert.Equal(0, region.Read(i, data));
                Assert.False(data.AsSpan().ContainsAnyExcept((byte)(i + 1)), $"page {i} differs");
            }
        }

        Assert.True(area.OpCalls.SwapRw > 0);
        Assert.Equal(0, area.OpCalls.DirectIO);
        Assert.Equal(0, swap.SwapOff("/mnt/swaprw", Credentials.Root));
        Assert.False(RamFs.DataOf(inode!).SwapActive);
    }

    [Fact]
    public void Mkswap_refuses_a_swap_file_of_fewer_than_ten_pages_and_nothing_is_created()
    {
        Assert.Equal(Errnos.Neg(Errno.EINVAL), RamFs.CreateSwapFile(_vfs, _sb, "/mnt/tiny", 9L * Page.Size, null, out Inode? inode, out MkswapResult mkswap));

        Assert.Null(inode);
        Assert.Contains("at least", mkswap.Error);
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _vfs.Lookup("/mnt/tiny", out _));
    }

    private Inode CreateFile(string path, long size)
    {
        Assert.Equal(0, RamFs.CreateFile(_vfs, _sb, path, size, Credentials.Root, out Inode? inode));
        return inode!;
    }

    private OpenFile Open(Inode inode)
    {
        var file = new OpenFile("/mnt/file", inode, OpenFlags.ReadWrite);
        return file;
    }

    private Page PageAt(OpenFile file, ulong index)
    {
        Page page = _ram.Alloc()!;
        page.Index = index;
        page.Lock();
        return page;
    }
}
