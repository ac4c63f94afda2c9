using System.Linq;
using Xunit;
using AopsGen.Mm;
using AopsGen.Vfs;

namespace AopsGen.Examples.Tests;

/// <summary>File data: written with MountNamespace.Write (write_begin/write_end), read with readpage and through the page cache,
/// on the image at the blocks bmap names, and still there after a remount.</summary>
public sealed class FileDataTests : IDisposable
{
    private readonly BlockFsMachine _m = new();

    public void Dispose() => _m.Dispose();

    // Three and a half pages of pattern written from byte 500: the file is 500 zero bytes, then the data.
    private static byte[] Data(int seed, int length)
    {
        byte[] data = new byte[length];
        for (int i = 0; i * Page.Size < length; i++)
        {
            byte[] page = BlockFsMachine.Pattern(seed, i);
            page.AsSpan(0, Math.Min(Page.Size, length - (i * Page.Size))).CopyTo(data.AsSpan(i * Page.Size));
        }
        return data;
    }

    private static OpenFile OpenRw(BlockFsMount mount, string name)
    {
        Assert.Equal(0, mount.Open(name, OpenFlags.ReadWrite, out OpenFile? file));
        return file!;
    }

    [Fact]
    public void Vfs_Write_then_readpage_of_each_page_reads_the_bytes_back_with_zeros_before_and_after()
    {
        BlockFsMount mount = _m.Mount();
        Assert.Equal(0, mount.CreateFile("hello", out Inode? inode));
        OpenFile file = OpenRw(mount, "hello");
        byte[] data = Data(1, (3 * Page.Size) + 1000);

        Assert.Equal(data.Length, MountNamespace.Write(file, 500, data));
        Assert.Equal(0, mount.Sync());

        Assert.Equal(500 + data.Length, inode!.Size);
        byte[] expected = new byte[4 * Page.Size];
        data.CopyTo(expected, 500);
        using var frames = new PageFrames(1);
        for (int i = 0; i < 4; i++)
        {
            Page page = frames.Alloc()!;
            page.Bytes.Fill(0xEE);
            page.Index = (ulong)i;
            page.Lock();
            Assert.Equal(0, AopsCalls.ReadPage(BlockFs.Operations, file, page));
            Assert.True(page.IsUptodate);
            Assert.False(page.IsLocked);
            Assert.True(page.Bytes.SequenceEqual(expected.AsSpan(i * Page.Size, Page.Size)), $"page {i} differs");
            frames.Free(page);
        }
    }

    [Fact]
    public void Read_through_the_page_cache_returns_what_Vfs_Write_wrote_and_stops_at_i_size()
    {
        BlockFsMount mount = _m.Mount();
        Assert.Equal(0, mount.CreateFile("cached", out _));
        OpenFile file = OpenRw(mount, "cached");
        byte[] data = Data(2, (2 * Page.Size) + 77);
        Assert.Equal(data.Length, MountNamespace.Write(file, 0, data));

        byte[] back = new byte[data.Length + 4096];
        Assert.Equal(data.Length, BlockFs.Read(file, 0, back));

        Assert.True(back.AsSpan(0, data.Length).SequenceEqual(data));
        Assert.Equal(0, BlockFs.Read(file, data.Length, back));
    }

    [Fact]
    public void A_file_survives_unmount_and_remount_with_its_data_size_and_blocks()
    {
        BlockFsMount first = _m.Mount();
        Assert.Equal(0, first.CreateFile("keep", out Inode? written));
        byte[] data = Data(3, (20 * Page.Size) + 123);
        Assert.Equal(data.Length, MountNamespace.Write(OpenRw(first, "keep"), 0, data));
        ulong[] map = BlockFsMachine.BlockMap(written!, 21);
        first.Dispose();

        MountNamespace vfs = BlockFsMachine.NewVfs();
        BlockFsMount second = _m.Mount(vfs: vfs);
        Assert.Equal(0, vfs.Open("/mnt/keep", OpenFlags.ReadOnly, Credentials.Root, out OpenFile? file));

        Assert.Equal(data.Length, file!.Inode.Size);
        Assert.Equal((21 + 1) * 8, file.Inode.Blocks); // 21 data blocks and the indirect block, in 512-byte units
        Assert.Equal(map, BlockFsMachine.BlockMap(file.Inode, 21));
        byte[] back = new byte[data.Length];
        Assert.Equal(data.Length, BlockFs.Read(file, 0, back));
        Assert.True(back.AsSpan().SequenceEqual(data));
    }

    [Fact]
    public void Bmap_names_the_device_blocks_where_the_image_holds_each_page_of_the_file()
    {
        BlockFsMount mount = _m.Mount();
        Assert.Equal(0, mount.CreateFile("mapped", out Inode? inode));
        OpenFile file = OpenRw(mount, "mapped");
        const int pages = 20; // past the 12 direct pointers: the rest come through the indirect block
        for (int i = 0; i < pages; i++)
        {
            Assert.Equal(Page.Size, MountNamespace.Write(file, (long)i * Page.Size, BlockFsMachine.Pattern(4, i)));
        }
        Assert.Equal(0, mount.Sync());

        ulong[] map = BlockFsMachine.BlockMap(inode!, pages);

        Assert.All(map, block => Assert.InRange(block, mount.Geometry.DataStart, mount.Geometry.BlockCount - 1));
        Assert.Equal(pages, map.Distinct().Count());
        Assert.Equal(0UL, AopsCalls.Bmap(BlockFs.Operations, inode!.Mapping, pages));
        for (int i = 0; i < pages; i++)
        {
            Assert.True(_m.ReadImageBlock(map[i]).AsSpan().SequenceEqual(BlockFsMachine.Pattern(4, i)), $"page {i} is not at block {map[i]}");
        }
    }

    [Fact]
    public void A_default_mount_leaves_written_pages_dirty_in_the_cache_until_Sync_writes_them()
    {
        BlockFsMount mount = _m.Mount();
        Assert.Equal(0, mount.CreateFile("lazy", out Inode? inode));
        Assert.Equal(Page.Size, MountNamespace.Write(OpenRw(mount, "lazy"), 0, BlockFsMachine.Pattern(5, 0)));
        ulong block = AopsCalls.Bmap(BlockFs.Operations, inode!.Mapping, 0);
        Page cached = inode.Mapping.FindGetPage(0)!;
        Assert.True(cached.IsDirty);
        cached.Release();

        Assert.NotEqual(0UL, block);
        Assert.False(_m.ReadImageBlock(block).AsSpan().SequenceEqual(BlockFsMachine.Pattern(5, 0)));
        Assert.Equal(0, mount.Sync());
        Assert.True(_m.ReadImageBlock(block).AsSpan().SequenceEqual(BlockFsMachine.Pattern(5, 0)));
    }

    [Fact]
    public void A_sync_mount_writes_each_page_through_at_write_end()
    {
        BlockFsMount mount = _m.Mount(new BlockFsMountOptions { Sync = true });
        Assert.Equal(0, mount.CreateFile("eager", out Inode? inode));

        Assert.Equal(Page.Size, MountNamespace.Write(OpenRw(mount, "eager"), 0, BlockFsMachine.Pattern(6, 0)));

        Page cached = inode!.Mapping.FindGetPage(0)!;
        Assert.False(cached.IsDirty);
        cached.Release();
        ulong block = AopsCalls.Bmap(BlockFs.Operations, inode.Mapping, 0);
        Assert.True(_m.ReadImageBlock(block).AsSpan().SequenceEqual(BlockFsMachine.Pattern(6, 0)));
    }

    [Fact]
    public void Writing_more_pages_than_cache_frames_evicts_and_writes_back_and_loses_nothing()
    {
        BlockFsMount mount = _m.Mount(new BlockFsMountOptions { CacheFrames = 4 });
        Assert.Equal(0, mount.CreateFile("big", out Inode? inode));
        OpenFile file = OpenRw(mount, "big");
        const int pages = 24;
        for (int i = 0; i < pages; i++)
        {
            Assert.Equal(Page.Size, MountNamespace.Write(file, (long)i * Page.Size, BlockFsMachine.Pattern(7, i)));
        }

        Assert.True(inode!.Mapping.NrPages <= 4);
        byte[] page = new byte[Page.Size];
        for (int i = pages - 1; i >= 0; i--)
        {
            Assert.Equal(Page.Size, BlockFs.Read(file, (long)i * Page.Size, page));
            Assert.True(page.AsSpan().SequenceEqual(BlockFsMachine.Pattern(7, i)), $"page {i} differs");
        }
    }

    [Fact]
    public void Readpages_reads_each_run_of_contiguous_blocks_with_one_device_read()
    {
        BlockFsMount first = _m.Mount();
        Assert.Equal(0, first.CreateFile("runs", out _));
        OpenFile writer = OpenRw(first, "runs");
        const int pages = 28; // 0-11 direct blocks, 12-15 a hole, 16-27 behind the indirect block
        Assert.Equal(0, first.Truncate("runs", (long)pages * Page.Size));
        foreach (int i in Enumerable.Range(0, 12).Concat(Enumerable.Range(16, 12)))
        {
            Assert.Equal(Page.Size, MountNamespace.Write(writer, (long)i * Page.Size, BlockFsMachine.Pattern(9, i)));
        }
        first.Dispose();
        MountNamespace vfs = BlockFsMachine.NewVfs();
        _m.Mount(vfs: vfs);
        Assert.Equal(0, vfs.Open("/mnt/runs", OpenFlags.ReadOnly, Credentials.Root, out OpenFile? file));
        ulong[] map = BlockFsMachine.BlockMap(file!.Inode, pages);
        int runs = Enumerable.Range(0, pages).Count(i => map[i] != 0 && (i == 0 || map[i] != map[i - 1] + 1));
        Assert.InRange(runs, 2, 4); // the allocator keeps each written stretch together
        using var cache = new PageCache(64);
        byte[] back = new byte[pages * Page.Size];

        long reads = ReadCalls();
        Assert.Equal(back.Length, cache.Read(file, 0, back));
        reads = ReadCalls() - reads - 1; // the second ReadCalls's own read of /proc

        Assert.InRange(reads, runs, runs + 2); // one device read a run (the runtime may add a call or two), not one a page
        for (int i = 0; i < pages; i++)
        {
            byte[] expected = i is >= 12 and < 16 ? new byte[Page.Size] : BlockFsMachine.Pattern(9, i);
            Assert.True(back.AsSpan(i * Page.Size, Page.Size).SequenceEqual(expected), $"page {i} differs");
        }
    }

    // syscr of /proc/thread-self/io: the read-type system calls this thread made so far.
    private static long ReadCalls()
    {
        foreach (string line in System.IO.File.ReadAllLines("/proc/thread-self/io"))
        {
            if (line.StartsWith("syscr:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6));
            }
        }
        throw new InvalidOperationException("/proc/thread-self/io has no syscr line");
    }

    [Fact]
    public void A_sparse_file_has_holes_that_read_as_zeros_and_map_to_block_zero()
    {
        BlockFsMount mount = _m.Mount();
        Assert.Equal(0, mount.CreateFile("sparse", out Inode? inode));
        ulong free = mount.FreeBlocks;
        Assert.Equal(0, mount.Truncate("sparse", 5L * Page.Size));
        Assert.Equal(Page.Size, MountNamespace.Write(OpenRw(mount, "sparse"), 3L * Page.Size, BlockFsMachine.Pattern(8, 3)));
        Assert.Equal(0, mount.Sync());

        Assert.Equal(5L * Page.Size, inode!.Size);
        Assert.Equal(8, inode.Blocks);
        Assert.Equal(free - 1, mount.FreeBlocks);
        ulong[] map = BlockFsMachine.BlockMap(inode, 5);
        Assert.Equal(new[] { 0UL, 0UL, 0UL }, map[..3]);
        Assert.NotEqual(0UL, map[3]);
        Assert.Equal(0UL, map[4]);
        byte[] data = new byte[5 * Page.Size];
        Assert.Equal(data.Length, BlockFs.Read(OpenRw(mount, "sparse"), 0, data));
        Assert.True(data.AsSpan(0, 3 * Page.Size).IndexOfAnyExcept((byte)0) < 0);
        Assert.True(data.AsSpan(3 * Page.Size, Page.Size).SequenceEqual(BlockFsMachine.Pattern(8, 3)));
        Assert.True(data.AsSpan(4 * Page.Size).IndexOfAnyExcept((byte)0) < 0);
        using var frames = new PageFrames(1);
        Page hole = frames.Alloc()!;
        hole.Bytes.Fill(0xEE);
        hole.Index = 1;
        hole.Lock();
        Assert.Equal(0, AopsCalls.ReadPage(BlockFs.Operations, OpenRw(mount, "sparse"), hole));
        Assert.True(hole.IsUptodate);
        Assert.True(hole.Bytes.IndexOfAnyExcept((byte)0) < 0);
        frames.Free(hole);
    }

    [Fact]
    public void Fallocate_maps_a_contiguous_run_through_the_double_indirect_block_and_the_map_survives_remount()
    {
        BlockFsMount first = _m.Mount();
        Assert.Equal(0, first.CreateFile("large", out Inode? inode));
        const int blocks = 1100; // 12 direct + 1024 single-indirect + 64 through the double-indirect block

        Assert.Equal(0, first.Fallocate("large", (long)blocks * Page.Size));

        ulong[] map = BlockFsMachine.BlockMap(inode!, blocks);
        Assert.All(Enumerable.Range(0, blocks), i => Assert.Equal(map[0] + (ulong)i, map[i]));
        Assert.Equal((blocks + 3) * 8, inode!.Blocks); // the indirect, double-indirect and one child block
        Assert.Equal(0UL, AopsCalls.Bmap(BlockFs.Operations, inode.Mapping, blocks));
        first.Dispose();

        BlockFsMount second = _m.Mount(vfs: BlockFsMachine.NewVfs());
        Assert.Equal(0, second.Lookup("large", out Inode? again));
        Assert.Equal(map, BlockFsMachine.BlockMap(again!, blocks));
        Assert.Equal((long)blocks * Page.Size, again!.Size);
    }

    [Fact]
    public void Fallocate_beyond_the_free_blocks_is_ENOSPC_and_allocates_nothing()
    {
        BlockFsMount mount = _m.Mount();
        Assert.Equal(0, mount.CreateFile("huge", out Inode? inode));
        ulong free = mount.FreeBlocks;

        Assert.Equal(Errnos.Neg(Errno.ENOSPC), mount.Fallocate("huge", (long)free * Page.Size));

        Assert.Equal(free, mount.FreeBlocks);
        Assert.Equal(0, inode!.Size);
        Assert.Equal(0UL, AopsCalls.Bmap(BlockFs.Operations, inode.Mapping, 0));
    }

    [Fact]
    public void Truncate_to_fewer_blocks_frees_the_blocks_past_the_end_and_the_emptied_indirect_block()
    {
        BlockFsMount mount = _m.Mount();
        Assert.Equal(0, mount.CreateFile("shrink", out Inode? inode));
        ulong free = mount.FreeBlocks;
        Assert.Equal(0, mount.Fallocate("shrink", 20L * Page.Size));
        Assert.Equal(free - 21, mount.FreeBlocks);

        Assert.Equal(0, mount.Truncate("shrink", (4L * Page.Size) + 10));

        Assert.Equal(free - 5, mount.FreeBlocks);
        Assert.Equal(5 * 8, inode!.Blocks);
        Assert.Equal(0UL, AopsCalls.Bmap(BlockFs.Operations, inode.Mapping, 5));
    }

    [Fact]
    public void O_DIRECT_goes_through_direct_IO_past_the_cache_and_sees_dirty_cached_pages_written_first()
    {
        BlockFsMount mount = _m.Mount();
        Assert.Equal(0, mount.CreateFile("direct", out Inode? inode));
        Assert.True(BlockFs.Operations.Has(AddressSpaceOp.DirectIO));
        Assert.Equal(0, mount.Open("direct", OpenFlags.ReadWrite | OpenFlags.Direct, out OpenFile? direct));
        OpenFile buffered = OpenRw(mount, "direct");
        using var cache = new PageCache(8);

        // An unaligned direct write into a hole: the block is allocated, the bytes around it read as zeros.
        byte[] data = Data(7, Page.Size + 300);
        Assert.Equal(data.Length, cache.Write(direct!, 100, data));
        Assert.Equal(100 + data.Length, inode!.Size);
        Assert.Equal(0, inode.Mapping.NrPages);
        byte[] back = new byte[inode.Size];
        Assert.Equal(back.Length, cache.Read(buffered, 0, back));
        Assert.True(back.AsSpan(0, 100).IndexOfAnyExcept((byte)0) < 0);
        Assert.True(back.AsSpan(100).SequenceEqual(data));

        // A buffered write leaves a dirty page; a direct read writes it back first and sees it.
        byte[] patch = Data(8, 50);
        Assert.Equal(patch.Length, MountNamespace.Write(buffered, 4000, patch));
        byte[] read = new byte[200];
        Assert.Equal(200, cache.Read(direct!, 3950, read));
        Assert.True(read.AsSpan(50, 50).SequenceEqual(patch));
        Assert.True(read.AsSpan(0, 50).SequenceEqual(data.AsSpan(3850, 50)));

        // A direct read stops at i_size; after a remount the bytes are on the image.
        Assert.Equal(10, cache.Read(direct!, inode.Size - 10, new byte[4096]));
        Assert.Equal(0, mount.Sync());
        mount.Dispose();
        BlockFsMount again = _m.Mount(vfs: BlockFsMachine.NewVfs());
        Assert.Equal(0, again.Open("direct", OpenFlags.ReadOnly | OpenFlags.Direct, out OpenFile? reopened));
        byte[] after = new byte[data.Length];
        Assert.Equal(after.Length, cache.Read(reopened!, 100, after));
        patch.CopyTo(data, 3900);
        Assert.True(after.AsSpan().SequenceEqual(data));
    }
}
