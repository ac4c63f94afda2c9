using System.IO;
using Xunit;
using AopsGen.Vfs;

namespace AopsGen.Examples.Tests;

/// <summary>mkfs.blockfs and mount: the geometry written is the geometry read, and images that are not BlockFs are
/// refused with the errno and a message that says why.</summary>
public sealed class MkfsMountTests : IDisposable
{
    private readonly BlockFsMachine _m = new(format: false);

    public void Dispose() => _m.Dispose();

    [Fact]
    public void Mkfs_then_mount_reads_back_the_geometry_an_empty_root_and_all_data_blocks_free()
    {
        Assert.Equal(0, BlockFs.Mkfs(_m.ImagePath, (8L << 20) + 1000, new MkfsOptions { InodeCount = 100 }));
        Assert.Equal(8L << 20, new FileInfo(_m.ImagePath).Length);

        BlockFsMount mount = _m.Mount();

        BlockFsGeometry g = mount.Geometry;
        Assert.Equal(2048UL, g.BlockCount);
        Assert.Equal(100U, g.InodeCount);
        Assert.Equal((1UL, 1UL), (g.BitmapStart, g.BitmapBlocks));
        Assert.Equal((2UL, 4UL), (g.InodeTableStart, g.InodeTableBlocks));
        Assert.Equal(6UL, g.DataStart);
        Assert.Equal(2048UL - 6, mount.FreeBlocks);
        Assert.Equal(99U, mount.FreeInodes);
        Assert.Empty(mount.FileNames);
        Assert.Same(mount.Device, mount.SuperBlock.Device);
        Assert.Same(mount, mount.SuperBlock.FsInfo);
        Assert.Equal("blockfs", mount.SuperBlock.FsType);
        Assert.Equal(0, _m.Vfs.Lookup(BlockFsMachine.MountPoint, out Inode? root));
        Assert.Same(mount.Root, root);
        Assert.Equal(FileType.Directory, root!.Type);
        Assert.Equal(BlockFs.RootInode, root.Number);
    }

    [Fact]
    public void Mkfs_of_an_image_one_byte_short_of_the_minimum_is_EINVAL_and_says_how_much_is_needed()
    {
        // 64 inodes: superblock, 1 bitmap block, 2 inode-table blocks, then 16 data blocks.
        const long minimum = 20 * 4096;
        var options = new MkfsOptions { InodeCount = 64 };

        Assert.Equal(Errnos.Neg(Errno.EINVAL), BlockFs.Mkfs(_m.ImagePath, minimum - 1, options, out string? error));

        Assert.Equal($"mkfs.blockfs: {_m.ImagePath}: {minimum - 1} bytes is too small: 64 inodes need 20 blocks of 4096 bytes ({minimum} bytes), "
            + "4 of metadata and at least 16 of data", error);
        Assert.Equal(0, BlockFs.Mkfs(_m.ImagePath, minimum, options, out error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData(64L << 20, 4096U)]      // one inode per 16 KiB, as mke2fs
    [InlineData(1L << 20, 64U)]
    [InlineData(200L << 10, 16U)]       // never fewer than MinInodes
    public void Mkfs_without_an_inode_count_sizes_the_inode_table_from_the_image(long bytes, uint inodes)
    {
        Assert.Equal(0, BlockFs.Mkfs(_m.ImagePath, bytes));

        Assert.Equal(inodes, _m.Mount().Geometry.InodeCount);
    }

    [Fact]
    public void Mkfs_with_an_inode_count_below_two_is_EINVAL()
    {
        Assert.Equal(Errnos.Neg(Errno.EINVAL), BlockFs.Mkfs(_m.ImagePath, 1L << 20, new MkfsOptions { InodeCount = 1 }, out string? error));
        Assert.Contains("1 inodes", error);
        Assert.False(System.IO.File.Exists(_m.ImagePath));
    }

    [Fact]
    public void Mount_of_an_image_with_a_wrong_magic_is_EINVAL_and_names_the_magic_found()
    {
        Assert.Equal(0, BlockFs.Mkfs(_m.ImagePath, 1L << 20));
        _m.WriteImage(0, [0x78, 0x56, 0x34, 0x12]);

        int error = BlockFs.Mount(_m.Vfs, BlockFsMachine.MountPoint, _m.ImagePath, null, out BlockFsMount? mount, out string? message);

        Assert.Equal(Errnos.Neg(Errno.EINVAL), error);
        Assert.Null(mount);
        Assert.Equal($"BlockFs ({_m.ImagePath}): error: can't find a BlockFs filesystem: bad magic 0x12345678 (expected 0x53464C42)", message);
        Assert.Equal(0, _m.Vfs.Lookup(BlockFsMachine.MountPoint, out Inode? stillRootFs));
        Assert.Equal("rootfs", stillRootFs!.SuperBlock.FsType);
    }

    [Fact]
    public void Mount_of_a_zeroed_image_is_EINVAL_bad_magic_zero()
    {
        using (var image = new FileStream(_m.ImagePath, FileMode.CreateNew))
        {
            image.SetLength(1L << 20);
        }

        int error = BlockFs.Mount(_m.Vfs, BlockFsMachine.MountPoint, _m.ImagePath, null, out _, out string? message);

        Assert.Equal(Errnos.Neg(Errno.EINVAL), error);
        Assert.EndsWith("bad magic 0x00000000 (expected 0x53464C42)", message);
    }

    [Fact]
    public void Mount_of_an_image_smaller_than_a_block_is_EINVAL_too_small_for_a_superblock()
    {
        System.IO.File.WriteAllBytes(_m.ImagePath, new byte[100]);

        int error = BlockFs.Mount(_m.Vfs, BlockFsMachine.MountPoint, _m.ImagePath, null, out _, out string? message);

        Assert.Equal(Errnos.Neg(Errno.EINVAL), error);
        Assert.Equal($"BlockFs ({_m.ImagePath}): error: the image holds 100 bytes, too small for a BlockFs superblock (4096 bytes)", message);
    }

    [Fact]
    public void Mount_of_an_image_cut_shorter_than_its_superblock_says_is_EINVAL()
    {
        Assert.Equal(0, BlockFs.Mkfs(_m.ImagePath, 1L << 20));
        using (var image = new FileStream(_m.ImagePath, FileMode.Open))
        {
            image.SetLength(1L << 19);
        }

        int error = BlockFs.Mount(_m.Vfs, BlockFsMachine.MountPoint, _m.ImagePath, null, out _, out string? message);

        Assert.Equal(Errnos.Neg(Errno.EINVAL), error);
        Assert.EndsWith("error: the filesystem has 256 blocks but the image holds only 128", message);
    }

    [Fact]
    public void Mount_of_a_missing_image_is_ENOENT_from_the_device_open()
    {
        int error = BlockFs.Mount(_m.Vfs, BlockFsMachine.MountPoint, _m.ImagePath, null, out _, out string? message);

        Assert.Equal(Errnos.Neg(Errno.ENOENT), error);
        Assert.Equal($"BlockFs ({_m.ImagePath}): error: cannot open the image: No such file or directory", message);
    }

    [Fact]
    public void Mount_on_a_mount_point_that_does_not_exist_is_ENOENT()
    {
        Assert.Equal(0, BlockFs.Mkfs(_m.ImagePath, 1L << 20));

        int error = BlockFs.Mount(_m.Vfs, "/nowhere", _m.ImagePath, null, out BlockFsMount? mount, out string? message);

        Assert.Equal(Errnos.Neg(Errno.ENOENT), error);
        Assert.Null(mount);
        Assert.EndsWith("error: mount point /nowhere: No such file or directory", message);
    }

    [Fact]
    public void Create_refuses_a_duplicate_a_long_name_and_runs_out_of_inodes_with_ENOSPC()
    {
        Assert.Equal(0, BlockFs.Mkfs(_m.ImagePath, 1L << 20, new MkfsOptions { InodeCount = 3 }));
        BlockFsMount mount = _m.Mount();

        Assert.Equal(0, mount.CreateFile("a", out _));
        Assert.Equal(Errnos.Neg(Errno.EEXIST), mount.CreateFile("a", out _));
        Assert.Equal(Errnos.Neg(Errno.ENAMETOOLONG), mount.CreateFile(new string('x', BlockFs.NameMax + 1), out _));
        Assert.Equal(Errnos.Neg(Errno.EINVAL), mount.CreateFile("a/b", out _));
        Assert.Equal(0, mount.CreateFile(new string('y', BlockFs.NameMax), out _));
        Assert.Equal(Errnos.Neg(Errno.ENOSPC), mount.CreateFile("c", out _));
        Assert.Equal(0U, mount.FreeInodes);
        Assert.Equal(0, _m.Vfs.Lookup("/mnt/a", out Inode? a));
        Assert.Equal(FileType.Regular, a!.Type);
    }

    [Fact]
    public void Unmount_writes_the_files_and_a_second_mount_finds_them_with_their_sizes_and_owners()
    {
        Assert.Equal(0, BlockFs.Mkfs(_m.ImagePath, 1L << 20));
        BlockFsMount first = _m.Mount();
        Assert.Equal(Errnos.Neg(Errno.EACCES), first.CreateFile("owned", 0x1A0, Credentials.User(1000, 100), out _));
        first.Root.Permissions = 0x1FF; // chmod 777 /mnt
        Assert.Equal(0, first.CreateFile("owned", 0x1A0, Credentials.User(1000, 100), out Inode? created));
        Assert.Equal(0, first.Truncate("owned", 12345));
        ulong free = first.FreeBlocks;
        Assert.Equal(0, first.Unmount());
        Assert.True(first.IsUnmounted);

        BlockFsMount second = _m.Mount(vfs: BlockFsMachine.NewVfs());

        Assert.Equal(new[] { "owned" }, second.FileNames);
        Assert.Equal(0, second.Lookup("owned", out Inode? found));
        Assert.NotSame(created, found);
        Assert.Equal((created!.Number, 12345L, 1000U, 100U, 0x1A0U), (found!.Number, found.Size, found.Uid, found.Gid, found.Permissions));
        Assert.Equal(free, second.FreeBlocks);
    }
}
